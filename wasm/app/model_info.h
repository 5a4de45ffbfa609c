// What the page needs from model.json: the fields it acts on (the preprocessing spec, so the WASM
// preprocessing matches the trainer's, labels, threshold, the out-of-distribution gate, the
// checksums), read by the shared card reader (xray/model_card.h) with the CLI's rules, and the
// lines of the model panel. Missing or odd descriptive fields only leave their lines out.
#pragma once

#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "xray/expected.h"
#include "xray/model_card.h"
#include "xray/preprocess_spec.h"

namespace xray::app {

using Rows = std::vector<std::pair<std::string, std::string>>;  // name, value

struct Evaluation {
  std::string title;  // "DATA, SPLIT split"
  std::string date;   // as written in the card (ISO 8601 sorts as text)
  Rows rows;
};

// "ood": {"method", "output", "limit", "rule"}. A file is flagged when its score > limit.
struct OodGate {
  bool in_card = false;      // the card has an "ood" entry
  bool usable = false;       // ... with a finite positive limit (the card reader refuses others)
  bool in_onnx = true;       // model.onnx has the output (the page tells; assumed until then)
  std::string method, output = "ood_score", rule;
  double limit = std::numeric_limits<double>::quiet_NaN();
  // Flagged too when the share of coloured pixels is over this (NaN: no colour rule).
  double colour_limit = std::numeric_limits<double>::quiet_NaN();
};

// One line of the model panel; window.xray.modelPanel holds the same lines as text.
struct PanelLine {
  enum class Kind { kWarning, kHeading, kText, kNote, kRow };
  Kind kind;
  std::string text;   // kRow: the name
  std::string value;  // kRow only
};

struct ModelInfo {
  bool loaded = false;
  ModelCardEssentials card;  // what the page acts on, read by the shared rules
  PreprocessSpec spec;
  std::vector<std::string> labels = {"NORMAL", "PNEUMONIA"};
  double threshold = 0.5;
  std::string threshold_rule, notice, source, licence, architecture, trained, calibration;
  std::string validation_scope;
  Rows metrics;                          // validation split (in-distribution)
  std::vector<Evaluation> evaluations;   // most recent first
  int evaluations_left_out = 0;          // older ones beyond what the panel shows
  OodGate ood;
  std::vector<PanelLine> panel;          // rebuilt by build_panel()
};

Expected<ModelInfo> parse_model_card(const std::string& json_text);

// Fills m.panel from the parsed fields (again after m.ood.in_onnx changes).
void build_panel(ModelInfo& m);

// The panel as a JSON array of strings ("name: value" for table rows).
std::string panel_json(const ModelInfo& m);

// A score or limit for people: 4 significant digits, no exponent for ordinary sizes.
std::string format_score(double value);

}  // namespace xray::app
