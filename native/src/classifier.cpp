#include "classifier.h"

#include <torch/torch.h>

#include <filesystem>

#include "model.h"
#include "xray/preprocess.h"

namespace xray {

struct Classifier::Impl {
  ModelCard card;
  torch::Device device{torch::kCPU};
  XrayNet net{nullptr};
  torch::Tensor lut;  // 256 floats: the shared library's normalization table, bit for bit
};

Expected<std::string> resolve_device(const std::string& requested) {
  if (requested == "cpu") return std::string("cpu");
  const bool cuda = torch::cuda::is_available();
  if (requested == "cuda") {
    if (!cuda) return Error{ErrorCode::kInvalidSpec, "--device cuda: no CUDA device is available (this build or machine has none); use --device cpu"};
    return std::string("cuda");
  }
  if (requested == "auto") return std::string(cuda ? "cuda" : "cpu");
  return Error{ErrorCode::kInvalidSpec, "--device must be auto, cpu or cuda, not \"" + requested + "\""};
}

Expected<Classifier> Classifier::load(const std::string& model_dir, const std::string& device) {
  auto card = read_model_card(model_dir);
  if (!card) return card.error();
  auto dev = resolve_device(device);
  if (!dev) return dev.error();
  const std::string weights = (std::filesystem::path(model_dir) / "model.pt").string();
  if (!std::filesystem::exists(weights)) return Error{ErrorCode::kIo, weights + ": missing (the model directory needs model.json and model.pt)"};

  auto impl = std::make_shared<Impl>();
  impl->card = std::move(*card);
  impl->device = torch::Device(*dev == "cuda" ? torch::kCUDA : torch::kCPU);
  impl->net = XrayNet(impl->card.layers);
  try {
    torch::load(impl->net, weights);
  } catch (const std::exception& e) {
    return Error{ErrorCode::kCorrupt, weights + ": cannot load the weights (" + std::string(e.what()).substr(0, 200) +
                                          "); was it written for the layers in model.json?"};
  }
  impl->net->to(impl->device);
  impl->net->eval();
  const auto table = normalization_table(impl->card.preprocess);
  impl->lut = torch::from_blob(const_cast<float*>(table.data()), {256}, torch::kFloat32).clone().to(impl->device);
  Classifier c;
  c.impl_ = std::move(impl);
  return c;
}

std::vector<float> Classifier::predict(const std::uint8_t* images, std::size_t count, int batch) const {
  torch::NoGradGuard no_grad;
  const int h = impl_->card.preprocess.height, w = impl_->card.preprocess.width;
  std::vector<float> out;
  out.reserve(count);
  for (std::size_t start = 0; start < count; start += batch) {
    const std::int64_t n = static_cast<std::int64_t>(std::min<std::size_t>(batch, count - start));
    torch::Tensor u8 = torch::from_blob(const_cast<std::uint8_t*>(images + start * h * w), {n, 1, h, w}, torch::kUInt8);
    torch::Tensor x = impl_->lut.index({u8.to(impl_->device).to(torch::kLong)});
    torch::Tensor p = torch::sigmoid(impl_->net->forward(x)).view({-1}).to(torch::kCPU).contiguous();
    out.insert(out.end(), p.data_ptr<float>(), p.data_ptr<float>() + n);
  }
  return out;
}

const ModelCard& Classifier::card() const { return impl_->card; }
std::string Classifier::device_name() const { return impl_->device.is_cuda() ? "cuda" : "cpu"; }

}  // namespace xray
