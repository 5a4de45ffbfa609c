#include "xray/preprocess_spec.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

namespace xray {
namespace {

using nlohmann::json;

// What this build implements; a spec that names anything else is refused, not reinterpreted.
constexpr const char* kGrayRule = "bt601-alpha-over-black";
constexpr const char* kFilter = "triangle";

Error invalid(const std::string& why) { return Error{ErrorCode::kInvalidSpec, "preprocessing spec: " + why}; }

// The shortest decimal that reads back (decimal -> double -> float) to the same float.
double shortest_decimal(float v) {
  for (int digits = 6; digits <= 9; ++digits) {
    char text[32];
    std::snprintf(text, sizeof text, "%.*g", digits, static_cast<double>(v));
    const double d = std::strtod(text, nullptr);
    if (static_cast<float>(d) == v) return d;
  }
  return static_cast<double>(v);
}

Expected<int> read_int(const json& j, const char* key, int fallback) {
  if (!j.contains(key)) return fallback;
  const json& v = j[key];
  if (!v.is_number_integer()) return invalid(std::string("\"") + key + "\" must be an integer");
  const auto n = v.get<long long>();
  if (n < -(1LL << 30) || n > (1LL << 30)) return invalid(std::string("\"") + key + "\" is out of range");
  return static_cast<int>(n);
}

Expected<float> read_float(const json& j, const char* key, float fallback) {
  if (!j.contains(key)) return fallback;
  const json& v = j[key];
  if (!v.is_number()) return invalid(std::string("\"") + key + "\" must be a number");
  return static_cast<float>(v.get<double>());
}

Expected<std::string> read_string(const json& j, const char* key, const std::string& fallback) {
  if (!j.contains(key)) return fallback;
  const json& v = j[key];
  if (!v.is_string()) return invalid(std::string("\"") + key + "\" must be a string");
  return v.get<std::string>();
}

}  // namespace

const char* resize_rule_name(ResizeRule rule) {
  return rule == ResizeRule::kLetterbox ? "letterbox" : "stretch";
}

bool PreprocessSpec::operator==(const PreprocessSpec& o) const {
  return version == o.version && width == o.width && height == o.height && resize == o.resize &&
         mean == o.mean && std == o.std;
}

Expected<PreprocessSpec> validate(const PreprocessSpec& spec) {
  if (spec.version != PreprocessSpec::kCurrentVersion) {
    return invalid("version " + std::to_string(spec.version) + " is not supported (this build reads version " +
                   std::to_string(PreprocessSpec::kCurrentVersion) + ")");
  }
  if (spec.width < 1 || spec.width > 4096 || spec.height < 1 || spec.height > 4096) {
    return invalid("size " + std::to_string(spec.width) + "x" + std::to_string(spec.height) +
                   " is outside 1..4096");
  }
  if (!std::isfinite(spec.mean) || !std::isfinite(spec.std) || !(spec.std > 0.0f)) {
    return invalid("normalization needs a finite mean and a std above 0");
  }
  return spec;
}

std::string to_json(const PreprocessSpec& spec) {
  json j;
  j["version"] = spec.version;
  j["width"] = spec.width;
  j["height"] = spec.height;
  j["channels"] = 1;
  j["gray"] = kGrayRule;
  j["resize"] = resize_rule_name(spec.resize);
  j["filter"] = kFilter;
  j["normalize"] = {{"mean", shortest_decimal(spec.mean)}, {"std", shortest_decimal(spec.std)}};
  return j.dump(2);
}

Expected<PreprocessSpec> spec_from_json(const std::string& text) {
  json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return invalid("not valid JSON");
  if (!root.is_object()) return invalid("expected a JSON object");
  const json& j = root.contains("preprocess") ? root["preprocess"] : root;
  if (!j.is_object()) return invalid("\"preprocess\" must be an object");

  PreprocessSpec spec;
  auto version = read_int(j, "version", spec.version);
  auto width = read_int(j, "width", spec.width);
  auto height = read_int(j, "height", spec.height);
  auto channels = read_int(j, "channels", 1);
  auto gray = read_string(j, "gray", kGrayRule);
  auto resize = read_string(j, "resize", resize_rule_name(spec.resize));
  auto filter = read_string(j, "filter", kFilter);
  for (const Error* e : {version ? nullptr : &version.error(), width ? nullptr : &width.error(),
                         height ? nullptr : &height.error(), channels ? nullptr : &channels.error(),
                         gray ? nullptr : &gray.error(), resize ? nullptr : &resize.error(),
                         filter ? nullptr : &filter.error()}) {
    if (e) return *e;
  }
  if (*channels != 1) return invalid("only 1 channel (gray) is supported");
  if (*gray != kGrayRule) return invalid("unknown gray rule \"" + *gray + "\"");
  if (*filter != kFilter) return invalid("unknown resize filter \"" + *filter + "\"");
  if (*resize == "stretch") {
    spec.resize = ResizeRule::kStretch;
  } else if (*resize == "letterbox") {
    spec.resize = ResizeRule::kLetterbox;
  } else {
    return invalid("unknown resize rule \"" + *resize + "\" (stretch or letterbox)");
  }
  spec.version = *version;
  spec.width = *width;
  spec.height = *height;
  if (j.contains("normalize")) {
    const json& n = j["normalize"];
    if (!n.is_object()) return invalid("\"normalize\" must be an object");
    auto mean = read_float(n, "mean", spec.mean);
    if (!mean) return mean.error();
    auto std_dev = read_float(n, "std", spec.std);
    if (!std_dev) return std_dev.error();
    spec.mean = *mean;
    spec.std = *std_dev;
  }
  return validate(spec);
}

}  // namespace xray
