#include "classifier.h"

#include <torch/torch.h>

#include <filesystem>

#include "cuda_speed.h"
#include "inference.h"
#include "model.h"
#include "xray/preprocess.h"

namespace xray {

const char* const kMissingGateStatistics =
    ": holds no out-of-distribution statistics of this network's shape, although model.json has an \"ood\" entry "
    "(written by another version of xray?); train the model again";

struct Classifier::Impl {
  ModelCard card;
  torch::Device device{torch::kCPU};
  XrayNet net{nullptr};
  torch::Tensor lut;  // 256 floats: the shared library's normalization table, bit for bit
};

Expected<std::string> resolve_device(const std::string& requested) {
  if (requested == "cpu") return std::string("cpu");
  const bool cuda = torch::cuda::is_available();
  if (requested == "cuda" && !cuda) {
    return Error{ErrorCode::kInvalidSpec, "--device cuda: no CUDA device is available (this build or machine has none); use --device cpu"};
  }
  if (requested == "cuda" || (requested == "auto" && cuda)) {
    configure_cuda_math();  // every command that uses CUDA passes here first
    return std::string("cuda");
  }
  if (requested == "auto") return std::string("cpu");
  return Error{ErrorCode::kInvalidSpec, "--device must be auto, cpu or cuda, not \"" + requested + "\""};
}

Expected<Classifier> Classifier::load(const std::string& model_dir, const std::string& device) {
  auto card = read_model_card(model_dir);
  if (!card) return card.error();
  auto dev = resolve_device(device);
  if (!dev) return dev.error();
  const std::string weights = (std::filesystem::path(model_dir) / "model.pt").string();
  if (!std::filesystem::exists(weights)) return Error{ErrorCode::kIo, weights + ": missing (the model directory needs model.json and model.pt)"};
  if (auto verified = verify_model_file(model_dir, *card, "model.pt"); !verified) return verified.error();

  auto impl = std::make_shared<Impl>();
  impl->card = std::move(*card);
  impl->device = torch::Device(*dev == "cuda" ? torch::kCUDA : torch::kCPU);
  impl->net = XrayNet(impl->card.layers);
  bool ood_complete = false;
  try {
    ood_complete = load_weights(*impl->net, weights, impl->device);
  } catch (const std::exception& e) {
    return Error{ErrorCode::kCorrupt, weights + ": cannot load the weights (" + std::string(e.what()).substr(0, 200) +
                                          "); was it written for the layers in model.json, by this version of xray?"};
  }
  if (impl->card.has_ood_gate && !ood_complete) return Error{ErrorCode::kCorrupt, weights + kMissingGateStatistics};
  impl->net->eval();
  impl->lut = lut_tensor(normalization_table(impl->card.preprocess), impl->device);
  Classifier c;
  c.impl_ = std::move(impl);
  return c;
}

std::vector<Prediction> Classifier::predict(const std::uint8_t* images, std::size_t count, const float* colour_fractions, int batch) const {
  const int h = impl_->card.preprocess.height, w = impl_->card.preprocess.width;
  const torch::Tensor all = torch::from_blob(const_cast<std::uint8_t*>(images), {static_cast<std::int64_t>(count), 1, h, w}, torch::kUInt8);
  const NetworkOutputs raw = run_network(impl_->net, static_cast<std::int64_t>(count), batch, [&](std::int64_t begin, std::int64_t end) {
    return normalize_pixels(all.slice(0, begin, end).to(impl_->device), impl_->lut);
  });
  const ModelCard& card = impl_->card;
  std::vector<Prediction> out(count);
  for (std::size_t i = 0; i < count; ++i) {
    out[i].logit = raw.logits[i];
    out[i].probability = static_cast<float>(card.calibration.probability(raw.logits[i]));
    out[i].ood_score = raw.ood_scores[i];
    out[i].colour_fraction = colour_fractions ? colour_fractions[i] : 0.0f;
    out[i].out_of_distribution =
        gate_verdict(card.has_ood_gate, raw.ood_scores[i], card.ood_limit, out[i].colour_fraction, card.colour_limit).out_of_distribution;
  }
  return out;
}

const ModelCard& Classifier::card() const { return impl_->card; }
std::string Classifier::device_name() const { return impl_->device.is_cuda() ? "cuda" : "cpu"; }

}  // namespace xray
