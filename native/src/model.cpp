#include "model.h"

namespace xray {

XrayNetImpl::XrayNetImpl(const ModelSpec& spec) : spec_(spec) {
  namespace nn = torch::nn;
  body = register_module("body", nn::Sequential());
  head = register_module("head", nn::Sequential());
  for (const LayerSpec& l : spec.layers) {
    switch (l.kind) {
      case LayerKind::kConv:
        body->push_back(nn::Conv2d(nn::Conv2dOptions(l.in, l.out, l.kernel).stride(l.stride).padding(l.padding).bias(l.bias)));
        break;
      case LayerKind::kBatchNorm:
        body->push_back(nn::BatchNorm2d(l.in));
        break;
      case LayerKind::kRelu:
        body->push_back(nn::ReLU(nn::ReLUOptions().inplace(true)));
        break;
      case LayerKind::kMaxPool:
        body->push_back(nn::MaxPool2d(nn::MaxPool2dOptions(l.kernel).stride(l.kernel)));
        break;
      case LayerKind::kGlobalAvgPool:  // computed in forward()
        break;
      case LayerKind::kDropout:
        head->push_back(nn::Dropout(l.p));
        break;
      case LayerKind::kLinear:
        classifier = nn::Linear(l.in, l.out);
        head->push_back(classifier);
        break;
    }
  }
  // Kaiming init for ReLU networks; zero bias.
  for (auto& module : body->children()) {
    if (auto* conv = module->as<nn::Conv2d>()) {
      nn::init::kaiming_normal_(conv->weight, 0.0, torch::kFanOut, torch::kReLU);
      if (conv->options.bias()) nn::init::zeros_(conv->bias);
    }
  }
}

torch::Tensor XrayNetImpl::features(const torch::Tensor& x) { return body->forward(x); }

torch::Tensor XrayNetImpl::forward(const torch::Tensor& x) {
  return head->forward(features(x).mean({2, 3}));
}

torch::Tensor XrayNetImpl::cam(const torch::Tensor& x) {
  const torch::Tensor f = features(x);                          // N x C x h x w
  const torch::Tensor w = classifier->weight.view({1, -1, 1, 1});  // 1 x C x 1 x 1
  return (f * w).sum(1, /*keepdim=*/true) + classifier->bias.view({1, 1, 1, 1});
}

}  // namespace xray
