// model.json, the model card: the contract between the trainer and everything that uses a model.
// The fields a consumer acts on are read here, with one set of rules, natively by the CLI
// (native/core/model_card.cpp adds the network's layer list) and in the browser by the page
// (wasm/app/model_info.cpp adds the model panel's lines). The trainer writes the card
// (native/core/model_card.cpp, card_from_training).
#pragma once

#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "xray/expected.h"
#include "xray/preprocess_spec.h"

namespace xray {

// The schema's version: a card newer than this is refused rather than misread.
constexpr int kModelCardVersion = 2;

struct ModelCardEssentials {
  int card_version = 1;  // cards before the field existed are version 1
  PreprocessSpec preprocess;
  std::vector<std::string> labels = {"NORMAL", "PNEUMONIA"};  // negative class first
  double threshold = 0.5;  // on the calibrated probability
  // P = sigmoid(a logit + b); identity when the card has no calibration.
  bool calibrated = false;
  double calibration_a = 1, calibration_b = 0;
  // The out-of-distribution gate: flagged when ood_score > ood_limit, or when the share of
  // clearly coloured pixels is over colour_limit.
  bool has_ood_gate = false;
  double ood_limit = std::numeric_limits<double>::infinity();
  double colour_limit = std::numeric_limits<double>::infinity();
  std::string ood_output = "ood_score";  // the model output that holds the score (ood.output)
  std::vector<std::pair<std::string, std::string>> file_sha256;  // files.NAME.sha256

  // The sha256 the card records for a file of the model directory, or "" when it records none.
  std::string sha256_of(const std::string& file_name) const;
};

// The out-of-distribution gate's verdict on one file, the one rule for `xray predict`, the page's
// results and what it draws. gate_runs: the card has a gate and the model computes its score.
// Flagged when the score is over ood_limit or not a number, or when more than colour_limit of the
// pixels are clearly coloured; in_colour says colour is the reason (the score alone would pass).
struct GateVerdict {
  bool out_of_distribution = false;
  bool in_colour = false;
};
GateVerdict gate_verdict(bool gate_runs, double ood_score, double ood_limit, double colour_fraction, double colour_limit);

// Parses and checks model.json's text. Never throws (the WASM build has no exceptions); errors
// say which field is wrong and how ("\"threshold\" must be a number in [0, 1]").
Expected<ModelCardEssentials> read_model_card_essentials(const std::string& json_text);

}  // namespace xray
