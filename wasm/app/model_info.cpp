#include "model_info.h"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace xray::app {
namespace {

using nlohmann::json;

std::string text(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

std::string number(const json& j, const char* key, const char* format = "%.3f") {
  if (!j.contains(key) || !j[key].is_number()) return "n/a";
  char out[32];
  std::snprintf(out, sizeof out, format, j[key].get<double>());
  return out;
}

}  // namespace

Expected<ModelInfo> parse_model_card(const std::string& json_text) {
  const json card = json::parse(json_text, nullptr, false);
  if (card.is_discarded() || !card.is_object()) return Error{ErrorCode::kCorrupt, "model.json is not a JSON object"};
  auto spec = spec_from_json(json_text);
  if (!spec) return Error{spec.error().code, "model.json: " + spec.error().message};
  ModelInfo m;
  m.spec = *spec;
  if (!card.contains("threshold") || !card["threshold"].is_number()) return Error{ErrorCode::kCorrupt, "model.json has no threshold"};
  m.threshold = card["threshold"].get<double>();
  if (!(m.threshold >= 0 && m.threshold <= 1)) return Error{ErrorCode::kCorrupt, "model.json: threshold outside [0, 1]"};
  if (card.contains("labels")) {
    const json& labels = card["labels"];
    if (!labels.is_array() || labels.size() != 2 || !labels[0].is_string() || !labels[1].is_string()) {
      return Error{ErrorCode::kCorrupt, "model.json: \"labels\" must be two strings"};
    }
    m.labels = {labels[0].get<std::string>(), labels[1].get<std::string>()};
  }
  m.threshold_rule = text(card, "threshold_rule");
  m.notice = text(card, "notice");
  if (card.contains("data")) {
    m.source = text(card["data"], "source");
    m.licence = text(card["data"], "licence");
  }
  if (card.contains("architecture")) {
    const json& a = card["architecture"];
    m.architecture = number(a, "parameters", "%.0f") + " parameters, input " + std::to_string(m.spec.width) + "x" +
                     std::to_string(m.spec.height);
  }
  if (card.contains("training")) {
    const json& t = card["training"];
    m.trained = "best of " + number(t, "epochs_run", "%.0f") + " epochs on " + text(t, "device") + ", " +
                number(t, "train_seconds", "%.0f") + " s";
  }
  if (card.contains("validation") && card["validation"].is_object()) {
    const json& v = card["validation"];
    m.metrics = {{"ROC AUC", number(v, "roc_auc", "%.4f")},         {"accuracy", number(v, "accuracy")},
                 {"sensitivity", number(v, "recall")},      {"specificity", number(v, "specificity")},
                 {"precision", number(v, "precision")},     {"F1", number(v, "f1")},
                 {"images", number(v, "count", "%.0f")}};
  }
  m.loaded = true;
  return m;
}

}  // namespace xray::app
