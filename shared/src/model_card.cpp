#include "xray/model_card.h"

#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>

namespace xray {
namespace {

using nlohmann::json;

Error bad(const std::string& why) { return Error{ErrorCode::kCorrupt, why}; }

// Member access that never throws: null when j is not an object or has no such key.
const json* member(const json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  const auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

bool finite_number(const json* v, double& out) {
  if (!v || !v->is_number()) return false;
  out = v->get<double>();
  return std::isfinite(out);
}

Expected<bool> read_calibration(const json& card, ModelCardEssentials& c) {
  const json* cal = member(card, "calibration");
  if (!cal || cal->is_null() || cal->is_string()) return true;  // none, or only described in words
  if (!cal->is_object() || !finite_number(member(*cal, "a"), c.calibration_a) ||
      !finite_number(member(*cal, "b"), c.calibration_b)) {
    return bad("\"calibration\" needs finite numbers \"a\" and \"b\" (P = sigmoid(a logit + b))");
  }
  c.calibrated = true;
  return true;
}

Expected<bool> read_ood(const json& card, ModelCardEssentials& c) {
  const json* ood = member(card, "ood");
  if (!ood || ood->is_null()) return true;
  double limit = 0;
  if (!ood->is_object() || !finite_number(member(*ood, "limit"), limit) || !(limit > 0)) {
    return bad("\"ood\" needs a positive number \"limit\"");
  }
  c.has_ood_gate = true;
  c.ood_limit = limit;
  if (const json* colour = member(*ood, "colour_limit"); colour && !colour->is_null()) {
    double value = 0;
    if (!finite_number(colour, value) || value < 0) return bad("\"ood.colour_limit\" must be a number from 0 to 1");
    c.colour_limit = value;
  }
  if (const json* output = member(*ood, "output"); output && !output->is_null()) {
    if (!output->is_string() || output->get<std::string>().empty()) return bad("\"ood.output\" must be the name of a model output");
    c.ood_output = output->get<std::string>();
  }
  return true;
}

}  // namespace

GateVerdict gate_verdict(bool gate_runs, double ood_score, double ood_limit, double colour_fraction, double colour_limit) {
  GateVerdict v;
  if (!gate_runs) return v;
  const bool score_passes = ood_score <= ood_limit;  // false for NaN: no usable score is flagged
  v.in_colour = score_passes && colour_fraction > colour_limit;
  v.out_of_distribution = !score_passes || v.in_colour;
  return v;
}

std::string ModelCardEssentials::sha256_of(const std::string& file_name) const {
  for (const auto& [name, sha] : file_sha256) {
    if (name == file_name) return sha;
  }
  return "";
}

Expected<ModelCardEssentials> read_model_card_essentials(const std::string& json_text) {
  const json card = json::parse(json_text, nullptr, false);
  if (card.is_discarded() || !card.is_object()) return bad("not a JSON object");
  ModelCardEssentials c;
  if (const json* version = member(card, "card_version")) {
    if (!version->is_number_integer() || version->get<std::int64_t>() < 1 || version->get<std::int64_t>() > 1000000) {
      return bad("\"card_version\" must be a positive integer");
    }
    c.card_version = static_cast<int>(version->get<std::int64_t>());
    if (c.card_version > kModelCardVersion) {
      return Error{ErrorCode::kUnsupported, "card_version " + std::to_string(c.card_version) +
                                                " is newer than this reader (" + std::to_string(kModelCardVersion) +
                                                "): use the xray version that trained the model, or a newer one"};
    }
  }
  if (!member(card, "preprocess")) return bad("no \"preprocess\" section");
  auto spec = spec_from_json(json_text);
  if (!spec) return spec.error();
  c.preprocess = *spec;
  if (!finite_number(member(card, "threshold"), c.threshold) || !(c.threshold >= 0 && c.threshold <= 1)) {
    return bad("\"threshold\" must be a number in [0, 1]");
  }
  if (const json* labels = member(card, "labels")) {
    if (!labels->is_array() || labels->size() != 2 || !(*labels)[0].is_string() || !(*labels)[1].is_string()) {
      return bad("\"labels\" must be two strings, negative class first");
    }
    c.labels = {(*labels)[0].get<std::string>(), (*labels)[1].get<std::string>()};
  }
  auto calibration = read_calibration(card, c);
  if (!calibration) return calibration.error();
  auto ood = read_ood(card, c);
  if (!ood) return ood.error();
  if (const json* files = member(card, "files"); files && files->is_object()) {
    for (const auto& [name, entry] : files->items()) {
      const json* sha = member(entry, "sha256");
      if (sha && sha->is_string()) c.file_sha256.emplace_back(name, sha->get<std::string>());
    }
  }
  return c;
}

}  // namespace xray
