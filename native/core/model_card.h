// model.json, the model card: everything a consumer needs to use the model (layers, the
// preprocessing spec, labels, calibration, threshold, out-of-distribution limit) and everything
// a reader needs to trust it (validation figures labelled as in-distribution, evaluations on other
// data kept apart, data provenance with counts, training settings, versions, checksums).
// Read (read_model_card) and written (card_from_training, write_model_card) here, in one place.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "data_provenance.h"
#include "metrics.h"
#include "model_spec.h"
#include "operating_point.h"
#include "train_options.h"
#include "xray/expected.h"
#include "xray/model_card.h"
#include "xray/preprocess_spec.h"

namespace xray {

// What the shared reader gives every consumer (spec, labels, threshold, gate, checksums:
// xray/model_card.h), plus what only the native side needs.
struct ModelCard : ModelCardEssentials {
  nlohmann::json json;       // the whole model.json
  ModelSpec layers;          // builds the LibTorch network
  PlattScaling calibration;  // calibration_a, calibration_b as the trainer's type
};

// Reads and checks MODEL_DIR/model.json; errors name the file and the problem.
Expected<ModelCard> read_model_card(const std::string& model_dir);

// MODEL_DIR/NAME against the sha256 the card records for it (files.NAME.sha256): a file from
// another run, or changed since, is refused with what to do. A card without the entry passes.
Expected<bool> verify_model_file(const std::string& model_dir, const ModelCard& card, const std::string& name);


// What the validation figures are, in the card, the page and the README.
constexpr const char* kValidationScope =
    "in-distribution validation (held-out training patients): expect lower on other hospitals' films";

struct TrainingRecord {
  TrainOptions options;
  std::string command;  // the command line as given, data and output folders replaced by DIR / MODEL_DIR
  PreprocessSpec spec;
  ModelSpec model;
  std::string augmentation;  // describe(AugmentOptions)
  double threshold = 0.5;
  ThresholdChoice threshold_choice;  // in calibrated logits
  PlattScaling calibration;
  double ece_raw = 0, ece_calibrated = 0;  // on validation, before (weighted-loss sigmoid) and after Platt
  BinaryMetrics validation;                // at the threshold, final weights
  BinaryMetrics validation_stressed;       // the same films under the "stress" perturbation
  std::string stress_description;
  double ood_limit = 0;
  std::string ood_rule;
  std::int64_t ood_validation_flagged = 0, ood_validation_count = 0;
  int epochs_run = 0;
  nlohmann::json history = nlohmann::json::array();
  std::string device, torch_version;
  double train_seconds = 0;
  std::string data_root_name;  // the data folder's name only: no machine paths in the card
  DataProvenance provenance;   // task, source, licence as the data says (data_provenance.h)
  std::pair<std::int64_t, std::int64_t> train_counts, val_counts;  // NORMAL, PNEUMONIA
  std::int64_t skipped_files = 0;
};

nlohmann::json card_from_training(const TrainingRecord& record);

// The one writer of model.json: writes MODEL_DIR/model.json (atomically) from `card`, with
// files["model.pt"] set to the sha256 of MODEL_DIR/model.pt, and files["model.onnx"] set to
// onnx_entry when given (export gives it; any older entry is dropped otherwise).
Expected<bool> write_model_card(const std::string& model_dir, nlohmann::json card,
                                const nlohmann::json& onnx_entry = nullptr);

// One `evaluations` entry (xray evaluate --record).
nlohmann::json evaluation_entry(const std::string& data_name, const std::string& split, const BinaryMetrics& metrics,
                                std::int64_t out_of_distribution, double ece);

std::string utc_now();

}  // namespace xray
