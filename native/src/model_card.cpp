#include <filesystem>

#include "classifier.h"
#include "xray/file_io.h"

namespace xray {

Expected<ModelCard> read_model_card(const std::string& model_dir) {
  const std::string path = (std::filesystem::path(model_dir) / "model.json").string();
  if (!std::filesystem::is_directory(model_dir)) return Error{ErrorCode::kIo, model_dir + ": no such model directory"};
  auto bytes = read_file(path);
  if (!bytes) return bytes.error();
  ModelCard card;
  card.json = nlohmann::json::parse(bytes->begin(), bytes->end(), nullptr, false);
  if (card.json.is_discarded() || !card.json.is_object()) return Error{ErrorCode::kCorrupt, path + ": not a JSON object"};
  auto spec = spec_from_json(card.json.dump());
  if (!card.json.contains("preprocess")) return Error{ErrorCode::kCorrupt, path + ": no \"preprocess\" section"};
  if (!spec) return Error{spec.error().code, path + ": " + spec.error().message};
  card.preprocess = *spec;
  if (!card.json.contains("model")) return Error{ErrorCode::kCorrupt, path + ": no \"model\" section"};
  auto layers = model_spec_from_json(card.json["model"]);
  if (!layers) return Error{layers.error().code, path + ": " + layers.error().message};
  card.layers = *layers;
  const auto& t = card.json["threshold"];
  if (!t.is_number() || !(t.get<double>() >= 0 && t.get<double>() <= 1)) {
    return Error{ErrorCode::kCorrupt, path + ": \"threshold\" must be a number in [0, 1]"};
  }
  card.threshold = t.get<double>();
  if (card.json.contains("labels")) {
    const auto& labels = card.json["labels"];
    if (!labels.is_array() || labels.size() != 2 || !labels[0].is_string() || !labels[1].is_string()) {
      return Error{ErrorCode::kCorrupt, path + ": \"labels\" must be two strings, negative class first"};
    }
    card.labels = {labels[0].get<std::string>(), labels[1].get<std::string>()};
  }
  return card;
}

}  // namespace xray

#include <chrono>
#include <ctime>

#include "model_card.h"
#include "sha256.h"

namespace xray {

namespace {

std::string utc_now() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return text;
}

}  // namespace

Expected<bool> write_model_card(const std::string& model_dir, const TrainingRecord& r) {
  const std::string dir = std::filesystem::path(model_dir).string();
  auto weights_sha = sha256_file_hex((std::filesystem::path(dir) / "model.pt").string());
  if (!weights_sha) return weights_sha.error();
  const TrainOptions& o = r.options;
  nlohmann::json card = {
      {"format", "xray-model-card"},
      {"card_version", 1},
      {"task", "pediatric chest X-ray (anterior-posterior), NORMAL vs PNEUMONIA"},
      {"notice", "Research and teaching demo, not a medical device. Not for diagnosis."},
      {"labels", {"NORMAL", "PNEUMONIA"}},
      {"output", "probability = sigmoid(logit) = P(PNEUMONIA); label PNEUMONIA when probability >= threshold"},
      {"threshold", r.threshold},
      {"threshold_rule", "maximises Youden's J (sensitivity + specificity - 1) on the validation split"},
      {"preprocess", nlohmann::json::parse(to_json(r.spec))},
      {"model", to_json(r.model)},
      {"architecture", {{"summary", describe(r.model)}, {"parameters", parameter_count(r.model)},
                        {"input", {1, 1, r.spec.height, r.spec.width}},
                        {"feature_map", feature_map_size(r.model, r.spec.width)}}},
      {"validation", to_json(r.validation)},
      {"data",
       {{"source", "Kermany, Zhang, Goldbaum (2018), Labeled Optical Coherence Tomography (OCT) and Chest X-Ray Images "
                   "for Classification, Mendeley Data v2, doi:10.17632/rscbjbr9sj.2 (Kaggle: Chest X-Ray Images (Pneumonia))"},
        {"licence", "CC BY 4.0"},
        {"folder", r.data_root_name},
        {"split", "validation carved from the official train split, stratified by class, grouped by patient"},
        {"train", {{"NORMAL", r.train_counts.first}, {"PNEUMONIA", r.train_counts.second}}},
        {"validation", {{"NORMAL", r.val_counts.first}, {"PNEUMONIA", r.val_counts.second}}},
        {"skipped_files", r.skipped_files}}},
      {"training",
       {{"command", "xray train --data DIR --out MODEL_DIR --epochs " + std::to_string(o.epochs) + " --image-size " +
                        std::to_string(o.image_size) + " --batch " + std::to_string(o.batch) + " --seed " + std::to_string(o.seed) +
                        " --val-fraction " + nlohmann::json(o.val_fraction).dump()},
        {"epochs", o.epochs}, {"epochs_run", r.epochs_run}, {"best_epoch", r.best_epoch}, {"batch", o.batch},
        {"seed", o.seed}, {"val_fraction", o.val_fraction}, {"optimizer", "AdamW"}, {"learning_rate", o.learning_rate},
        {"weight_decay", o.weight_decay}, {"schedule", "linear warm-up for 1 epoch, then cosine decay to 2%"},
        {"loss", "binary cross-entropy with logits, PNEUMONIA weighted by NORMAL/PNEUMONIA count"},
        {"augmentation", o.augment ? "rotation +-7 deg, shift +-6%, zoom +-10%, brightness +-0.08, contrast +-15%; no flips"
                                   : "none"},
        {"early_stopping", "validation ROC AUC, patience " + std::to_string(o.patience)},
        {"device", r.device}, {"train_seconds", r.train_seconds}, {"history", r.history}}},
      {"versions", {{"xray", "0.1.0"}, {"libtorch", r.torch_version}, {"compiler", __VERSION__}}},
      {"files", {{"model.pt", {{"sha256", *weights_sha}}}}},
      {"created", utc_now()},
  };
  const std::string text = card.dump(2) + "\n";
  return write_file_atomic((std::filesystem::path(dir) / "model.json").string(), text.data(), text.size());
}

}  // namespace xray
