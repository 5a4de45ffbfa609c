// CUDA's start-up, moved off the critical path of a training run: the context, the allocator,
// cuDNN and cuBLAS and the kernels of a training step load in a background thread while the
// images decode (about a second on an H200, against a run of ten). A throwaway copy of the
// network does one forward and backward pass on zeros; nothing of it reaches the run.
#pragma once

#include <cstdint>
#include <thread>

#include "model_spec.h"

namespace xray {

class CudaWarmup {
 public:
  // Starts the thread; `spec` is the run's network, `batch` and `image_size` its step's shape.
  CudaWarmup(const ModelSpec& spec, std::int64_t batch, std::int64_t image_size);
  // Waits for the thread: call before the run's first CUDA work (and before it seeds the random
  // generators, which the throwaway network's initialisation draws from).
  void join();
  ~CudaWarmup();
  CudaWarmup(const CudaWarmup&) = delete;
  CudaWarmup& operator=(const CudaWarmup&) = delete;

 private:
  std::thread thread_;
};

}  // namespace xray
