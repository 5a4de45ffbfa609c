#include "inference.h"

namespace xray {
namespace {

std::vector<float> to_vector(const torch::Tensor& t) {
  const torch::Tensor c = t.detach().to(torch::kCPU, torch::kFloat32).contiguous().view({-1});
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

}  // namespace

NetworkOutputs run_network(XrayNet& net, std::int64_t count, int batch, const InputBatch& input) {
  torch::NoGradGuard no_grad;
  net->eval();
  NetworkOutputs out;
  for (std::int64_t begin = 0; begin < count; begin += batch) {
    const std::int64_t end = std::min(count, begin + batch);
    const XrayNetImpl::Outputs o = net->forward_with_ood(input(begin, end));
    const std::vector<float> logits = to_vector(o.logit), ood = to_vector(o.ood_score);
    out.logits.insert(out.logits.end(), logits.begin(), logits.end());
    out.ood_scores.insert(out.ood_scores.end(), ood.begin(), ood.end());
  }
  return out;
}

std::vector<std::vector<double>> collect_tap_features(XrayNet& net, std::int64_t count, int batch, const InputBatch& input) {
  torch::NoGradGuard no_grad;
  net->eval();
  std::vector<std::vector<double>> taps;
  for (std::int64_t begin = 0; begin < count; begin += batch) {
    const std::int64_t end = std::min(count, begin + batch);
    const std::vector<torch::Tensor> pooled = net->tap_features(input(begin, end));
    taps.resize(pooled.size());
    for (std::size_t t = 0; t < pooled.size(); ++t) {
      const torch::Tensor c = pooled[t].detach().to(torch::kCPU, torch::kFloat64).contiguous();
      taps[t].insert(taps[t].end(), c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
    }
  }
  return taps;
}

torch::Tensor normalize_pixels(const torch::Tensor& pixels_u8, const torch::Tensor& lut) {
  return lut.index({pixels_u8.to(torch::kLong)});
}

torch::Tensor lut_tensor(const std::array<float, 256>& table, torch::Device device) {
  return torch::from_blob(const_cast<float*>(table.data()), {256}, torch::kFloat32).clone().to(device);
}

}  // namespace xray
