#include "export.h"

#include <cstdio>
#include <filesystem>

#include "classifier.h"
#include "model.h"
#include "model_directory.h"
#include "onnx_writer.h"
#include "xray/sha256.h"
#include "xray/file_io.h"

namespace xray {
namespace {

std::vector<float> values(const torch::Tensor& t) {
  const torch::Tensor c = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

}  // namespace

OnnxExport onnx_export_from(XrayNet& net, int input_height, int input_width) {
  OnnxExport out;
  out.model = net->spec();
  out.input_height = input_height;
  out.input_width = input_width;
  std::size_t body_index = 0;
  for (const LayerSpec& l : out.model.layers) {
    LayerWeights w;
    const bool in_body = l.kind != LayerKind::kGlobalAvgPool && l.kind != LayerKind::kDropout && l.kind != LayerKind::kLinear;
    if (l.kind == LayerKind::kConv) {
      auto* conv = net->body[body_index]->as<torch::nn::Conv2d>();
      w.weight = values(conv->weight);
      if (l.bias) w.bias = values(conv->bias);
    } else if (l.kind == LayerKind::kBatchNorm) {
      auto* bn = net->body[body_index]->as<torch::nn::BatchNorm2d>();
      w.gamma = values(bn->weight);
      w.beta = values(bn->bias);
      w.mean = values(bn->running_mean);
      w.variance = values(bn->running_var);
      w.epsilon = bn->options.eps();
    } else if (l.kind == LayerKind::kLinear) {
      w.weight = values(net->classifier->weight);
      w.bias = values(net->classifier->bias);
    }
    if (in_body) ++body_index;
    out.weights.push_back(std::move(w));
  }
  return out;
}

Expected<std::string> export_model_onnx(const ExportOptions& o) {
  namespace fs = std::filesystem;
  auto card = read_model_card(o.model_dir);
  if (!card) return card.error();
  const std::string weights = (fs::path(o.model_dir) / "model.pt").string();
  if (auto verified = verify_model_file(o.model_dir, *card, "model.pt"); !verified) return verified.error();
  XrayNet net(card->layers);
  bool ood_complete = false;
  try {
    ood_complete = load_weights(*net, weights, torch::kCPU);
  } catch (const std::exception& e) {
    return Error{ErrorCode::kCorrupt, weights + ": cannot load the weights (" + std::string(e.what()).substr(0, 160) + ")"};
  }
  if (card->has_ood_gate && !ood_complete) return Error{ErrorCode::kCorrupt, weights + kMissingGateStatistics};
  net->eval();
  OnnxExport onnx = onnx_export_from(net, card->preprocess.height, card->preprocess.width);
  onnx.fold_batch_norm = o.fold_batch_norm;
  onnx.calibration = card->calibration;
  if (card->has_ood_gate) onnx.ood = net->ood();

  nlohmann::json metadata_card = card->json;
  if (metadata_card.contains("files")) metadata_card["files"].erase("model.onnx");
  onnx.metadata = {{"model_card", metadata_card.dump()},
                   {"preprocess", metadata_card["preprocess"].dump()},
                   {"labels", metadata_card["labels"].dump()},
                   {"threshold", metadata_card["threshold"].dump()}};
  if (card->has_ood_gate) onnx.metadata.push_back({"ood_limit", nlohmann::json(card->ood_limit).dump()});
  auto bytes = write_onnx(onnx);
  if (!bytes) return bytes.error();
  const std::string path = o.onnx_path.empty() ? (fs::path(o.model_dir) / "model.onnx").string() : o.onnx_path;
  auto written = write_file_atomic(path, bytes->data(), bytes->size());
  if (!written) return written.error();

  // The card describes MODEL_DIR/model.onnx; a copy written elsewhere leaves it alone.
  const std::string default_path = (fs::path(o.model_dir) / "model.onnx").string();
  std::error_code ec;
  if (fs::weakly_canonical(path, ec) != fs::weakly_canonical(default_path, ec)) return path;
  const nlohmann::json onnx_entry = {{"sha256", sha256_hex(bytes->data(), bytes->size())},
                                     {"bytes", bytes->size()},
                                     {"format", "ONNX IR 8, opset 17; metadata_props.model_card = this card without this entry"},
                                     {"batch_norm", o.fold_batch_norm ? "folded into the convolutions" : "kept as BatchNormalization"}};
  auto card_written = write_model_card(o.model_dir, card->json, onnx_entry);
  if (!card_written) return card_written.error();
  return path;
}

int run_export(const ExportOptions& o) {
  if (!o.onnx_path.empty()) {
    auto path = export_model_onnx(o);
    if (!path) return std::fprintf(stderr, "xray export: %s\n", path.error().message.c_str()), 1;
    std::printf("wrote %s (ONNX IR 8, opset 17)\n", path->c_str());
    return 0;
  }
  // Into the model directory: the new model.onnx and the card that records it arrive together.
  auto replaced = update_model_directory(o.model_dir, [&](const std::string& staging) -> Expected<bool> {
    ExportOptions in_staging = o;
    in_staging.model_dir = staging;
    auto path = export_model_onnx(in_staging);
    if (!path) return path.error();
    return true;
  });
  if (!replaced) return std::fprintf(stderr, "xray export: %s\n", replaced.error().message.c_str()), 1;
  std::printf("wrote %s/model.onnx (ONNX IR 8, opset 17) and its sha256 in model.json\n", o.model_dir.c_str());
  return 0;
}

}  // namespace xray
