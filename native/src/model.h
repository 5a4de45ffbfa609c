// The LibTorch network built from a ModelSpec. Includes torch: include only from the few
// translation units that need it (model.cpp, train.cpp, inference.cpp).
#pragma once

#include <torch/torch.h>

#include "model_spec.h"

namespace xray {

class XrayNetImpl : public torch::nn::Module {
 public:
  explicit XrayNetImpl(const ModelSpec& spec);

  // Layers before global average pooling: N x 1 x H x W -> N x C x h x w.
  torch::Tensor features(const torch::Tensor& x);
  // One logit per image, N x 1; sigmoid gives P(PNEUMONIA).
  torch::Tensor forward(const torch::Tensor& x);
  // Class activation map, N x 1 x h x w: sum_c w_c F_c + b, so its mean is the logit.
  torch::Tensor cam(const torch::Tensor& x);

  const ModelSpec& spec() const { return spec_; }
  // body[i] is spec.layers[i] for every layer before the GAP; head holds what follows it.
  torch::nn::Sequential body{nullptr};
  torch::nn::Sequential head{nullptr};
  torch::nn::Linear classifier{nullptr};

 private:
  ModelSpec spec_;
};
TORCH_MODULE(XrayNet);

struct OnnxExport;
// The trained weights in the layer order of the spec, for the ONNX writer (export.cpp).
OnnxExport onnx_export_from(XrayNet& net, int input_height, int input_width);

}  // namespace xray
