#include "cuda_warmup.h"

#include <torch/torch.h>

#include <algorithm>

#include "cuda_speed.h"
#include "model.h"

namespace xray {

CudaWarmup::CudaWarmup(const ModelSpec& spec, std::int64_t batch, std::int64_t image_size)
    : thread_([spec, batch, image_size] {
        try {
          ModelSpec no_dropout = spec;  // dropout would draw from the CUDA generator
          auto& layers = no_dropout.layers;
          layers.erase(std::remove_if(layers.begin(), layers.end(), [](const LayerSpec& l) { return l.kind == LayerKind::kDropout; }),
                       layers.end());
          XrayNet net(no_dropout);
          net->to(torch::kCUDA);
          use_channels_last(*net);
          net->train();
          const torch::Tensor x = torch::zeros({batch, 1, image_size, image_size}, torch::TensorOptions().device(torch::kCUDA))
                                      .contiguous(torch::MemoryFormat::ChannelsLast);
          torch::Tensor out;
          {
            CudaAutocast autocast(true);
            out = net->forward(x).view({-1}).to(torch::kFloat32);
          }
          out.sum().backward();
          torch::cuda::synchronize();
        } catch (const std::exception&) {
          // The run meets the same problem on its own thread and reports it there.
        }
      }) {}

void CudaWarmup::join() {
  if (thread_.joinable()) thread_.join();
}

CudaWarmup::~CudaWarmup() { join(); }

}  // namespace xray
