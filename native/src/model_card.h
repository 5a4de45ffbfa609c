// model.json, the model card: everything a consumer needs to use the model (layers, the
// preprocessing spec, labels, threshold) and everything a reader needs to trust it (validation
// metrics, data provenance with counts, training settings, versions, checksums).
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "metrics.h"
#include "model_spec.h"
#include "xray/expected.h"
#include "xray/preprocess_spec.h"

namespace xray {

struct TrainingRecord {
  TrainOptions options;
  PreprocessSpec spec;
  ModelSpec model;
  double threshold = 0.5;
  BinaryMetrics validation;  // at the threshold, best epoch
  int best_epoch = 0, epochs_run = 0;
  nlohmann::json history = nlohmann::json::array();
  std::string device, torch_version;
  double train_seconds = 0;
  std::string data_root_name;  // the data folder's name only: no machine paths in the card
  std::pair<std::int64_t, std::int64_t> train_counts, val_counts;  // NORMAL, PNEUMONIA
  std::int64_t skipped_files = 0;
};

// Writes MODEL_DIR/model.json (atomically) with the sha256 of MODEL_DIR/model.pt.
Expected<bool> write_model_card(const std::string& model_dir, const TrainingRecord& record);

}  // namespace xray
