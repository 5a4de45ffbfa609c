#include "model_info.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace xray::app {
namespace {

using nlohmann::json;

const char kDefaultValidationScope[] =
    "in-distribution validation (held-out training patients): expect lower on other hospitals' films";
constexpr std::size_t kMaxEvaluationsShown = 5;

// Member access that never throws or asserts (the WASM build has no exceptions): null when j is
// not an object or has no such key.
const json* member(const json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  const auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

std::string text(const json& j, const char* key) {
  const json* v = member(j, key);
  return v && v->is_string() ? v->get<std::string>() : "";
}

// Finite numbers only; NaN when absent or not a number.
double number_value(const json& j, const char* key) {
  const json* v = member(j, key);
  if (!v || !v->is_number()) return std::nan("");
  const double d = v->get<double>();
  return std::isfinite(d) ? d : std::nan("");
}

// "" when absent, so the caller can leave the line out.
std::string number(const json& j, const char* key, const char* format = "%.3f") {
  const double d = number_value(j, key);
  if (std::isnan(d)) return "";
  char out[64];
  std::snprintf(out, sizeof out, std::fabs(d) < 1e15 ? format : "%.3g", d);
  return out;
}

void add_row(Rows& rows, const char* name, const std::string& value) {
  if (!value.empty()) rows.emplace_back(name, value);
}

// The card's metric keys (the trainer's evaluate output), with the words people use.
Rows metric_rows(const json& metrics, bool all) {
  Rows rows;
  add_row(rows, "ROC AUC", number(metrics, "roc_auc", "%.4f"));
  add_row(rows, "accuracy", number(metrics, "accuracy"));
  add_row(rows, "sensitivity", number(metrics, "recall"));
  add_row(rows, "specificity", number(metrics, "specificity"));
  if (all) {
    add_row(rows, "precision", number(metrics, "precision"));
    add_row(rows, "F1", number(metrics, "f1"));
    add_row(rows, "images", number(metrics, "count", "%.0f"));
  }
  return rows;
}

// "2026-11-27T12:00:00Z" -> "2026-11-27 12:00 UTC"; anything else as written.
std::string readable_date(const std::string& d) {
  if (d.size() >= 16 && d[4] == '-' && d[7] == '-' && d[10] == 'T' && d[13] == ':') {
    return d.substr(0, 10) + " " + d.substr(11, 5) + (d.back() == 'Z' ? " UTC" : "");
  }
  return d;
}

std::vector<Evaluation> parse_evaluations(const json& list, int& left_out) {
  std::vector<Evaluation> out;
  left_out = 0;
  if (!list.is_array()) return out;
  // Appended in time order: walking backwards puts undated entries newest first, and the stable
  // sort below keeps that order among equal dates.
  for (auto it = list.rbegin(); it != list.rend(); ++it) {
    const json& e = *it;
    if (!e.is_object()) continue;
    Evaluation ev;
    const std::string data = text(e, "data"), split = text(e, "split");
    ev.title = data.empty() ? "evaluation" : data;
    if (!split.empty()) ev.title += ", " + split + " split";
    ev.date = text(e, "date");
    const json* metrics = member(e, "metrics");
    std::string count = number(e, "count", "%.0f");
    if (count.empty() && metrics) count = number(*metrics, "count", "%.0f");
    add_row(ev.rows, "images", count);
    add_row(ev.rows, "date", readable_date(ev.date));
    add_row(ev.rows, "threshold", number(e, "threshold", "%.4f"));
    if (metrics) {
      const Rows m = metric_rows(*metrics, false);
      ev.rows.insert(ev.rows.end(), m.begin(), m.end());
    }
    const std::string flagged = number(e, "out_of_distribution", "%.0f");
    if (!flagged.empty()) ev.rows.emplace_back("flagged: not X-rays", flagged);
    out.push_back(std::move(ev));
  }
  std::stable_sort(out.begin(), out.end(), [](const Evaluation& a, const Evaluation& b) {
    if (a.date.empty() != b.date.empty()) return b.date.empty();  // dated ones first
    return a.date > b.date;
  });
  if (out.size() > kMaxEvaluationsShown) {
    left_out = static_cast<int>(out.size() - kMaxEvaluationsShown);
    out.resize(kMaxEvaluationsShown);
  }
  return out;
}

OodGate parse_ood(const json& card, const ModelCardEssentials& essentials) {
  OodGate g;
  const json* o = member(card, "ood");
  if (!essentials.has_ood_gate || !o) return g;
  g.in_card = true;
  g.usable = true;  // the shared reader refuses a gate without a positive limit
  g.method = text(*o, "method");
  g.rule = text(*o, "rule");
  g.output = essentials.ood_output;
  g.limit = essentials.ood_limit;
  g.colour_limit = std::isfinite(essentials.colour_limit) ? essentials.colour_limit : std::nan("");
  return g;
}

std::string parse_calibration(const json& card) {
  const json* c = member(card, "calibration");
  if (!c) return "";
  if (c->is_string()) return c->get<std::string>();
  if (!c->is_object()) return "";
  std::string line = text(*c, "method");
  const std::string a = number(*c, "a", "%.4g"), b = number(*c, "b", "%.4g");
  if (!a.empty() || !b.empty()) {
    line += line.empty() ? "" : " ";
    line += "(";
    if (!a.empty()) line += "a " + a;
    if (!a.empty() && !b.empty()) line += ", ";
    if (!b.empty()) line += "b " + b;
    line += ")";
  }
  const std::string fitted = text(*c, "fitted_on");
  if (!fitted.empty()) line += (line.empty() ? "fitted on " : ", fitted on ") + fitted;
  return line;
}

}  // namespace

std::string format_score(double value) {
  char out[64];
  if (!std::isfinite(value) || std::fabs(value) >= 1e9) std::snprintf(out, sizeof out, "%.3g", value);
  else if (std::fabs(value) >= 1000) std::snprintf(out, sizeof out, "%.0f", value);
  else std::snprintf(out, sizeof out, "%.4g", value);
  return out;
}

Expected<ModelInfo> parse_model_card(const std::string& json_text) {
  // What the page acts on (spec, labels, threshold, gate, checksums) is read by the same rules as
  // the CLI's (shared/src/model_card.cpp); the rest of this function only gathers the panel's text.
  auto essentials = read_model_card_essentials(json_text);
  if (!essentials) return Error{essentials.error().code, "model.json: " + essentials.error().message};
  const json card = json::parse(json_text, nullptr, false);
  ModelInfo m;
  m.card = *essentials;
  m.spec = essentials->preprocess;
  m.threshold = essentials->threshold;
  m.labels = essentials->labels;
  m.threshold_rule = text(card, "threshold_rule");
  m.notice = text(card, "notice");
  if (const json* d = member(card, "data")) {
    m.source = text(*d, "source");
    m.licence = text(*d, "licence");
  }
  if (const json* a = member(card, "architecture")) {
    const std::string parameters = number(*a, "parameters", "%.0f");
    m.architecture = (parameters.empty() ? "" : parameters + " parameters, ") + "input " + std::to_string(m.spec.width) + "x" +
                     std::to_string(m.spec.height);
  }
  if (const json* t = member(card, "training"); t && t->is_object()) {
    const std::string epochs = number(*t, "epochs_run", "%.0f"), device = text(*t, "device"),
                      seconds = number(*t, "train_seconds", "%.0f");
    if (!epochs.empty()) m.trained = epochs + " epochs";
    if (!device.empty()) m.trained += (m.trained.empty() ? "on " : " on ") + device;
    if (!seconds.empty()) m.trained += (m.trained.empty() ? "" : ", ") + seconds + " s";
  }
  if (const json* v = member(card, "validation"); v && v->is_object()) m.metrics = metric_rows(*v, true);
  m.validation_scope = text(card, "validation_scope");
  if (m.validation_scope.empty()) m.validation_scope = kDefaultValidationScope;
  if (const json* e = member(card, "evaluations")) m.evaluations = parse_evaluations(*e, m.evaluations_left_out);
  m.calibration = parse_calibration(card);
  m.ood = parse_ood(card, *essentials);
  m.loaded = true;
  build_panel(m);
  return m;
}

void build_panel(ModelInfo& m) {
  using K = PanelLine::Kind;
  std::vector<PanelLine> p;
  auto add = [&p](K kind, std::string text, std::string value = "") { p.push_back({kind, std::move(text), std::move(value)}); };
  auto rows = [&add](const Rows& r) { for (const auto& [name, value] : r) add(K::kRow, name, value); };
  add(K::kWarning, m.notice.empty() ? "Research demo, not a medical device." : m.notice);
  if (!m.loaded) {
    m.panel = std::move(p);
    return;
  }
  // Figures measured on other data first: they are what a user should expect.
  if (!m.evaluations.empty()) {
    add(K::kHeading, m.evaluations.size() + m.evaluations_left_out > 1 ? "Evaluations (most recent first)" : "Evaluation");
    for (const Evaluation& e : m.evaluations) {
      add(K::kText, e.title);
      rows(e.rows);
    }
    if (m.evaluations_left_out > 0) add(K::kNote, std::to_string(m.evaluations_left_out) + " older evaluation(s) not shown");
  }
  if (!m.metrics.empty()) {
    add(K::kHeading, m.validation_scope);
    rows(m.metrics);
  }
  add(K::kHeading, "Decision");
  char threshold[32];
  std::snprintf(threshold, sizeof threshold, "%.4f", m.threshold);
  add(K::kRow, "threshold", threshold);
  if (!m.threshold_rule.empty()) add(K::kNote, "(" + m.threshold_rule + ")");
  if (!m.calibration.empty()) add(K::kText, "Probability calibrated: " + m.calibration);
  add(K::kHeading, "Out-of-distribution gate");
  if (!m.ood.in_card) {
    add(K::kNote, "None in this model: it answers for any image, even one that is not a chest X-ray.");
  } else {
    if (!m.ood.method.empty()) add(K::kText, "Method: " + m.ood.method);
    if (m.ood.usable) add(K::kText, "Limit: " + format_score(m.ood.limit) + " (" + m.ood.output + " above it: flagged)");
    if (m.ood.usable && !std::isnan(m.ood.colour_limit)) {
      char text[96];
      std::snprintf(text, sizeof text, "Also flagged: more than %.0f%% of the pixels in colour", 100 * m.ood.colour_limit);
      add(K::kText, text);
    }
    if (!m.ood.rule.empty()) add(K::kText, "Rule: " + m.ood.rule);
    if (m.ood.usable && !m.ood.in_onnx) add(K::kWarning, "model.onnx has no \"" + m.ood.output + "\" output: the gate is not applied.");
  }
  add(K::kHeading, "Model");
  if (!m.architecture.empty()) add(K::kText, "Network: " + m.architecture);
  if (!m.trained.empty()) add(K::kText, "Trained: " + m.trained);
  if (!m.source.empty()) add(K::kText, "Data: " + m.source);
  if (!m.licence.empty()) add(K::kText, "Licence: " + m.licence);
  m.panel = std::move(p);
}

std::string panel_json(const ModelInfo& m) {
  json lines = json::array();
  for (const PanelLine& l : m.panel) lines.push_back(l.kind == PanelLine::Kind::kRow ? l.text + ": " + l.value : l.text);
  // replace: never throw on text that is not UTF-8 (the WASM build aborts on exceptions).
  return lines.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace xray::app
