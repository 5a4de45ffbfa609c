// The LibTorch network built from a ModelSpec. Includes torch: include only from the few
// translation units that need it (model.cpp, train.cpp, classifier.cpp, export.cpp, checkpoint.cpp).
#pragma once

#include <torch/torch.h>

#include <vector>

#include "model_spec.h"
#include "ood_fit.h"

namespace xray {

class XrayNetImpl : public torch::nn::Module {
 public:
  explicit XrayNetImpl(const ModelSpec& spec);

  // Layers before global average pooling: N x 1 x H x W -> N x C x h x w.
  torch::Tensor features(const torch::Tensor& x);
  // One raw logit per image, N x 1 (before the card's calibration).
  torch::Tensor forward(const torch::Tensor& x);
  // Class activation map, N x 1 x h x w: sum_c w_c F_c + b, so its mean is the logit.
  torch::Tensor cam(const torch::Tensor& x);

  // The raw logit and the out-of-distribution score (ood_fit.h), N x 1 each, in one pass.
  struct Outputs {
    torch::Tensor logit, ood_score;
  };
  Outputs forward_with_ood(const torch::Tensor& x);
  // The spatially averaged output of each OOD tap (N x C_t), and the logit.
  std::vector<torch::Tensor> tap_features(const torch::Tensor& x, torch::Tensor* logit = nullptr);
  // Stores the fitted statistics in the network's buffers (saved with the weights in model.pt).
  void set_ood(const std::vector<OodTap>& taps);
  std::vector<OodTap> ood() const;

  const ModelSpec& spec() const { return spec_; }
  // body[i] is spec.layers[i] for every layer before the GAP; head holds what follows it.
  torch::nn::Sequential body{nullptr};
  torch::nn::Sequential head{nullptr};
  torch::nn::Linear classifier{nullptr};

 private:
  ModelSpec spec_;
  std::vector<std::size_t> taps_;
  std::vector<torch::Tensor> ood_mean_, ood_whitening_;  // buffers, one per tap
};
TORCH_MODULE(XrayNet);

// Weights on disk always hold contiguous CPU tensors, whatever device trained them, so a model
// trained on a GPU loads on a machine without one. Same archive layout as torch::save(module).
void save_weights(torch::nn::Module& module, const std::string& path);
void save_weights(torch::nn::Module& module, torch::serialize::OutputArchive& archive);
// Loads onto the CPU (whatever device the file was written from), then moves to `device`.
// Returns false when the file holds no out-of-distribution statistics of this network's shape
// (weights from before the gate existed): callers whose card promises a gate must refuse them.
bool load_weights(torch::nn::Module& module, const std::string& path, torch::Device device);
// From an archive already read; read_ood = false leaves the OOD statistics as they are.
bool load_weights(torch::nn::Module& module, torch::serialize::InputArchive& archive, bool read_ood);

struct OnnxExport;
// The trained weights in the layer order of the spec, for the ONNX writer (export.cpp).
OnnxExport onnx_export_from(XrayNet& net, int input_height, int input_width);

}  // namespace xray
