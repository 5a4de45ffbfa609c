#include "model.h"

#include <stdexcept>

#include "xray/file_io.h"

namespace xray {

XrayNetImpl::XrayNetImpl(const ModelSpec& spec) : spec_(spec), taps_(ood_tap_layers(spec)) {
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
  // Until set_ood() fills them: mean 0 and W = 0, so the score is 0 (the card says there is no gate).
  const std::vector<int> dims = ood_tap_dims(spec);
  for (std::size_t t = 0; t < dims.size(); ++t) {
    ood_mean_.push_back(register_buffer("ood_mean_" + std::to_string(t), torch::zeros({dims[t]})));
    ood_whitening_.push_back(register_buffer("ood_whitening_" + std::to_string(t), torch::zeros({dims[t], dims[t]})));
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

std::vector<torch::Tensor> XrayNetImpl::tap_features(const torch::Tensor& x, torch::Tensor* logit) {
  std::vector<torch::Tensor> pooled;
  torch::Tensor h = x;
  std::size_t i = 0, next_tap = 0;
  for (auto& layer : *body) {
    h = layer.forward(h);
    if (next_tap < taps_.size() && i == taps_[next_tap]) {
      const bool second_moment = h.size(1) <= kOodSecondMomentWidth;
      pooled.push_back(second_moment ? torch::cat({h.mean({2, 3}), (h * h).mean({2, 3})}, 1) : h.mean({2, 3}));
      ++next_tap;
    }
    ++i;
  }
  if (logit) *logit = head->forward(h.mean({2, 3}));
  const std::int64_t kh = x.size(2) / kOodThumbnail, kw = x.size(3) / kOodThumbnail;
  pooled.push_back(torch::avg_pool2d(x, {kh, kw}, {kh, kw}).flatten(1));
  return pooled;
}

XrayNetImpl::Outputs XrayNetImpl::forward_with_ood(const torch::Tensor& x) {
  Outputs out;
  const std::vector<torch::Tensor> pooled = tap_features(x, &out.logit);
  // The ONNX graph computes the same: Sub, MatMul, Mul, MatMul by ones, Max (onnx_writer.cpp).
  std::vector<torch::Tensor> distances;
  for (std::size_t t = 0; t < pooled.size(); ++t) {
    const torch::Tensor z = (pooled[t] - ood_mean_[t]).matmul(ood_whitening_[t]);
    distances.push_back((z * z).sum(1, /*keepdim=*/true));
  }
  out.ood_score = distances.empty() ? torch::zeros_like(out.logit) : std::get<0>(torch::cat(distances, 1).max(1, /*keepdim=*/true));
  return out;
}

void XrayNetImpl::set_ood(const std::vector<OodTap>& taps) {
  torch::NoGradGuard no_grad;
  TORCH_CHECK(taps.size() == ood_mean_.size(), "OOD statistics for ", taps.size(), " taps, the network has ", ood_mean_.size());
  for (std::size_t t = 0; t < taps.size(); ++t) {
    const auto c = static_cast<std::int64_t>(taps[t].channels);
    TORCH_CHECK(ood_mean_[t].size(0) == c, "OOD tap ", t, " width mismatch");
    ood_mean_[t].copy_(torch::from_blob(const_cast<float*>(taps[t].mean.data()), {c}, torch::kFloat32));
    ood_whitening_[t].copy_(torch::from_blob(const_cast<float*>(taps[t].whitening.data()), {c, c}, torch::kFloat32));
  }
}

std::vector<OodTap> XrayNetImpl::ood() const {
  std::vector<OodTap> taps;
  for (std::size_t t = 0; t < ood_mean_.size(); ++t) {
    const torch::Tensor m = ood_mean_[t].detach().to(torch::kCPU).contiguous();
    const torch::Tensor w = ood_whitening_[t].detach().to(torch::kCPU).contiguous();
    OodTap tap;
    tap.channels = static_cast<int>(m.size(0));
    tap.mean.assign(m.data_ptr<float>(), m.data_ptr<float>() + m.numel());
    tap.whitening.assign(w.data_ptr<float>(), w.data_ptr<float>() + w.numel());
    taps.push_back(std::move(tap));
  }
  return taps;
}

void save_weights(torch::nn::Module& module, torch::serialize::OutputArchive& archive) {
  // The layout of Module::save: own parameters, own buffers, then one sub-archive per child.
  for (const auto& p : module.named_parameters(/*recurse=*/false)) {
    archive.write(p.key(), p.value().detach().to(torch::kCPU).contiguous());
  }
  for (const auto& b : module.named_buffers(/*recurse=*/false)) {
    archive.write(b.key(), b.value().to(torch::kCPU).contiguous(), /*is_buffer=*/true);
  }
  for (const auto& child : module.named_children()) {
    torch::serialize::OutputArchive child_archive;
    save_weights(*child.value(), child_archive);
    archive.write(child.key(), child_archive);
  }
}

void save_weights(torch::nn::Module& module, const std::string& path) {
  torch::serialize::OutputArchive archive;
  save_weights(module, archive);
  const std::string tmp = temporary_path(path);
  archive.save_to(tmp);
  if (auto ok = commit_file(tmp, path); !ok) throw std::runtime_error(ok.error().message);
}

namespace {

}  // namespace

bool load_weights(torch::nn::Module& module, torch::serialize::InputArchive& archive, bool read_ood) {
  bool ood_complete = true;
  // Module::load, except for the out-of-distribution buffers: they may be missing (weights written
  // before the gate existed still load; their card has no "ood" entry, so nothing is flagged),
  // and a checkpoint skips them (the end of training fits them again).
  for (auto& p : module.named_parameters(/*recurse=*/false)) archive.read(p.key(), p.value());
  for (auto& b : module.named_buffers(/*recurse=*/false)) {
    if (b.key().rfind("ood_", 0) != 0) {
      archive.read(b.key(), b.value(), /*is_buffer=*/true);
    } else if (read_ood) {
      torch::Tensor stored;
      if (archive.try_read(b.key(), stored, /*is_buffer=*/true) && stored.sizes() == b.value().sizes()) {
        torch::NoGradGuard no_grad;
        b.value().copy_(stored);
      } else {
        ood_complete = false;
      }
    }
  }
  for (const auto& child : module.named_children()) {
    torch::serialize::InputArchive child_archive;
    archive.read(child.key(), child_archive);
    ood_complete = load_weights(*child.value(), child_archive, read_ood) && ood_complete;
  }
  return ood_complete;
}

bool load_weights(torch::nn::Module& module, const std::string& path, torch::Device device) {
  torch::serialize::InputArchive archive;
  archive.load_from(path, torch::Device(torch::kCPU));
  module.to(torch::kCPU);
  const bool ood_complete = load_weights(module, archive, /*read_ood=*/true);
  module.to(device);
  return ood_complete;
}

}  // namespace xray
