// What the page needs from model.json: the preprocessing spec (so the WASM preprocessing matches
// the trainer's), labels, threshold, and the lines of the model panel.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "xray/expected.h"
#include "xray/preprocess_spec.h"

namespace xray::app {

struct ModelInfo {
  bool loaded = false;
  PreprocessSpec spec;
  std::vector<std::string> labels = {"NORMAL", "PNEUMONIA"};
  double threshold = 0.5;
  std::string threshold_rule, notice, source, licence, architecture, trained;
  std::vector<std::pair<std::string, std::string>> metrics;  // name, value (validation split)
};

Expected<ModelInfo> parse_model_card(const std::string& json_text);

}  // namespace xray::app
