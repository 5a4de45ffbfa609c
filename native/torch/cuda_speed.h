// On CUDA: bf16 autocast around the forward pass and channels_last memory layout, the two
// settings measured as the big wins on H100/H200 (there is no C++ GradScaler, so bf16, not fp16).
// Nothing happens on the CPU. The autocast API changed: the device-generic calls exist from
// LibTorch 2.4; 1.13 (Debian) up to 2.3 have only the CUDA-specific names.
#pragma once

#include <ATen/Context.h>
#include <ATen/autocast_mode.h>
#include <torch/torch.h>
#include <torch/version.h>

#include <cstdlib>
#include <cstring>

#define XRAY_DEVICE_GENERIC_AUTOCAST (TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4))

namespace xray {

// Scoped bf16 autocast for CUDA; a no-op when `enabled` is false.
class CudaAutocast {
 public:
  explicit CudaAutocast(bool enabled) : enabled_(enabled) {
    if (!enabled_) return;
#if XRAY_DEVICE_GENERIC_AUTOCAST
    at::autocast::set_autocast_dtype(at::kCUDA, at::kBFloat16);
    at::autocast::set_autocast_enabled(at::kCUDA, true);
#else
    at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
    at::autocast::set_enabled(true);
#endif
  }
  ~CudaAutocast() {
    if (!enabled_) return;
#if XRAY_DEVICE_GENERIC_AUTOCAST
    at::autocast::set_autocast_enabled(at::kCUDA, false);
#else
    at::autocast::set_enabled(false);
#endif
    at::autocast::clear_cache();
  }
  CudaAutocast(const CudaAutocast&) = delete;
  CudaAutocast& operator=(const CudaAutocast&) = delete;

 private:
  bool enabled_;
};

// Once, before CUDA work: float32 stays float32 (no TF32), so that predict, evaluate and export
// on CUDA give the CPU's probabilities within 1e-4 (training's speed comes from bf16 autocast,
// which TF32 does not touch). cuDNN picks algorithms by its heuristics: timing them all for each
// new shape (benchmark mode) cost seconds of warm-up in a run that lasts seconds
// (XRAY_CUDNN_BENCHMARK=1 turns it on, for comparisons).
inline void configure_cuda_math() {
  at::globalContext().setAllowTF32CuDNN(false);
  at::globalContext().setAllowTF32CuBLAS(false);
  const char* benchmark = std::getenv("XRAY_CUDNN_BENCHMARK");
  at::globalContext().setBenchmarkCuDNN(benchmark && std::strcmp(benchmark, "1") == 0);
}

// 4-D parameters (conv kernels) to channels_last, so cuDNN picks its NHWC kernels.
inline void use_channels_last(torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  for (auto& p : module.parameters()) {
    if (p.dim() == 4) p.set_data(p.data().contiguous(torch::MemoryFormat::ChannelsLast));
  }
}

}  // namespace xray
