#include "model_card.h"

#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>

#include "ood_fit.h"
#include "xray/sha256.h"
#include "xray/file_io.h"
#include "xray/model_card.h"

namespace xray {
namespace {

using nlohmann::json;

json number(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

Error bad_card(const std::string& path, const std::string& why) { return Error{ErrorCode::kCorrupt, path + ": " + why}; }

}  // namespace

std::string utc_now() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return text;
}

Expected<ModelCard> read_model_card(const std::string& model_dir) {
  const std::string path = (std::filesystem::path(model_dir) / "model.json").string();
  if (!std::filesystem::is_directory(model_dir)) return Error{ErrorCode::kIo, model_dir + ": no such model directory"};
  auto bytes = read_file(path);
  if (!bytes) return bytes.error();
  const std::string text(bytes->begin(), bytes->end());
  // The fields every consumer acts on, by the rules the page uses too (shared/src/model_card.cpp).
  auto essentials = read_model_card_essentials(text);
  if (!essentials) return Error{essentials.error().code, path + ": " + essentials.error().message};
  ModelCard card;
  static_cast<ModelCardEssentials&>(card) = std::move(*essentials);
  card.json = json::parse(text, nullptr, false);
  card.calibration = {card.calibration_a, card.calibration_b};
  // What only the native side needs: the layer list that builds the LibTorch network.
  const json* model = card.json.contains("model") ? &card.json.at("model") : nullptr;
  if (!model) return bad_card(path, "no \"model\" section");
  auto layers = model_spec_from_json(*model);
  if (!layers) return Error{layers.error().code, path + ": " + layers.error().message};
  card.layers = *layers;
  return card;
}

Expected<bool> verify_model_file(const std::string& model_dir, const ModelCard& card, const std::string& name) {
  const std::string expected = card.sha256_of(name);
  if (expected.empty()) return true;
  const std::string path = (std::filesystem::path(model_dir) / name).string();
  auto actual = sha256_file_hex(path);
  if (!actual) return actual.error();
  if (*actual != expected) {
    return Error{ErrorCode::kCorrupt,
                 path + " does not match the sha256 in model.json (" + actual->substr(0, 12) + "... instead of " +
                     expected.substr(0, 12) + "...): the files come from different runs or one was changed; "
                     "retrain, or restore the whole model directory from a copy"};
  }
  return true;
}

json card_from_training(const TrainingRecord& r) {
  const TrainOptions& o = r.options;
  json validation = to_json(r.validation);
  validation["expected_calibration_error"] = number(r.ece_calibrated);
  json stressed = to_json(r.validation_stressed);
  stressed["perturbation"] = r.stress_description;
  return {
      {"format", "xray-model-card"},
      {"card_version", kModelCardVersion},
      {"task", r.provenance.task},
      {"notice", "Research and teaching demo, not a medical device. Not for diagnosis."},
      {"labels", {"NORMAL", "PNEUMONIA"}},
      {"output", "probability = sigmoid(a logit + b) = calibrated P(PNEUMONIA) (see calibration); label PNEUMONIA when "
                 "probability >= threshold; ood_score > ood.limit means the image does not look like the training films"},
      {"threshold", r.threshold},
      {"threshold_rule", "centre, in logit space, of the widest interval that maximises Youden's J over the validation films "
                         "taken twice: as they are and under the stress perturbation (validation_stressed)"},
      {"threshold_fit", {{"youden_j", r.threshold_choice.youden_j},
                         {"interval_probability", {sigmoid_of(r.threshold_choice.lower), sigmoid_of(r.threshold_choice.upper)}}}},
      {"calibration",
       {{"method", "platt"}, {"a", r.calibration.a}, {"b", r.calibration.b},
        {"fitted_on", "validation split (" + std::to_string(r.val_counts.first) + " NORMAL, " + std::to_string(r.val_counts.second) +
                          " PNEUMONIA)"},
        {"why", "the loss weighs PNEUMONIA by NORMAL/PNEUMONIA, which shifts the raw logit by about log(NORMAL/PNEUMONIA); "
                "b undoes that shift and a the over- or under-confidence"},
        {"expected_calibration_error_before", number(r.ece_raw)}, {"expected_calibration_error", number(r.ece_calibrated)},
        {"date", utc_now()}}},
      {"ood",
       {{"method", "largest over " + std::to_string(ood_tap_layers(r.model).size() + 1) +
                       " views of the squared Mahalanobis distance to the training films (shrunk covariance, shrinkage " +
                       std::to_string(kOodShrinkage).substr(0, 4) + "), each divided by its width and by its 99th percentile "
                       "over the validation films; the views: the pooled features after each block (means, and mean squares "
                       "where 32 channels or fewer) and an 8x8 thumbnail of the input"},
        {"output", "ood_score"}, {"limit", r.ood_limit}, {"rule", r.ood_rule},
        {"colour_limit", kOodColourLimit},
        {"colour_rule", "radiographs are gray: an image with more than " + json(kOodColourLimit * 100).dump() +
                            "% of its pixels clearly coloured (channels more than 24 of 255 apart) is flagged whatever its score; "
                            "the share is measured by the shared preprocessing before the gray conversion"},
        {"validation_flagged", r.ood_validation_flagged}, {"validation_count", r.ood_validation_count}}},
      {"preprocess", json::parse(to_json(r.spec))},
      {"model", to_json(r.model)},
      {"architecture", {{"summary", describe(r.model)}, {"parameters", parameter_count(r.model)},
                        {"input", {1, 1, r.spec.height, r.spec.width}}, {"feature_map", feature_map_size(r.model, r.spec.width)}}},
      {"validation_scope", kValidationScope},
      {"validation", validation},
      {"validation_stressed", stressed},
      {"evaluations", json::array()},
      {"data",
       {{"source", r.provenance.source},
        {"licence", r.provenance.licence},
        {"provenance", r.provenance.how},
        {"folder", r.data_root_name},
        {"split", "validation carved from the train split, stratified by class, grouped by patient"},
        {"train", {{"NORMAL", r.train_counts.first}, {"PNEUMONIA", r.train_counts.second}}},
        {"validation", {{"NORMAL", r.val_counts.first}, {"PNEUMONIA", r.val_counts.second}}},
        {"skipped_files", r.skipped_files}}},
      {"training",
       {{"command", r.command},
        {"epochs", o.epochs}, {"epochs_run", r.epochs_run}, {"batch", o.batch},
        {"seed", o.seed}, {"val_fraction", o.val_fraction}, {"optimizer", "AdamW"}, {"learning_rate", o.learning_rate},
        {"weight_decay", o.weight_decay}, {"schedule", "linear warm-up for 1 epoch, then cosine decay to 2%"},
        {"loss", "binary cross-entropy with logits, PNEUMONIA weighted by NORMAL/PNEUMONIA count" +
                     (o.label_smoothing > 0 ? ", label smoothing " + json(o.label_smoothing).dump() : std::string())},
        {"augmentation", o.augment == "none" ? "none" : o.augment + ": " + r.augmentation},
        {"weights", "exponential moving average of the weights (decay " + json(o.ema_decay).dump() +
                        ") at the end of the schedule; no epoch is picked on validation"},
        {"preset", o.preset == "gpu" ? json(kGpuPreset.description) : json(nullptr)},
        {"device", r.device}, {"train_seconds", r.train_seconds}, {"history", r.history}}},
      {"versions", {{"xray", "0.2.0"}, {"libtorch", r.torch_version}, {"compiler", __VERSION__}}},
      {"created", utc_now()},
  };
}

Expected<bool> write_model_card(const std::string& model_dir, json card, const json& onnx_entry) {
  const std::filesystem::path dir(model_dir);
  auto weights_sha = sha256_file_hex((dir / "model.pt").string());
  if (!weights_sha) return weights_sha.error();
  card["files"] = {{"model.pt", {{"sha256", *weights_sha}}}};
  if (!onnx_entry.is_null()) card["files"]["model.onnx"] = onnx_entry;
  const std::string text = card.dump(2) + "\n";
  return write_file_atomic((dir / "model.json").string(), text.data(), text.size());
}

json evaluation_entry(const std::string& data_name, const std::string& split, const BinaryMetrics& m, std::int64_t ood, double ece) {
  json metrics = to_json(m);
  metrics["expected_calibration_error"] = number(ece);
  return {{"data", data_name}, {"split", split},       {"count", m.count}, {"date", utc_now()},
          {"threshold", m.threshold}, {"metrics", metrics}, {"out_of_distribution", ood}};
}

}  // namespace xray
