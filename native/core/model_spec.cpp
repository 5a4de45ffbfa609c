#include "model_spec.h"

#include <nlohmann/json.hpp>

namespace xray {
namespace {

using nlohmann::json;

struct KindName {
  LayerKind kind;
  const char* name;
};
constexpr KindName kKinds[] = {
    {LayerKind::kConv, "conv"},       {LayerKind::kBatchNorm, "batchnorm"},
    {LayerKind::kRelu, "relu"},       {LayerKind::kMaxPool, "maxpool"},
    {LayerKind::kGlobalAvgPool, "gap"}, {LayerKind::kDropout, "dropout"},
    {LayerKind::kLinear, "linear"},
};

Error invalid(const std::string& why) { return Error{ErrorCode::kInvalidSpec, "model layers: " + why}; }

}  // namespace

const char* layer_kind_name(LayerKind kind) {
  for (const auto& k : kKinds) {
    if (k.kind == kind) return k.name;
  }
  return "?";
}

ModelSpec make_cnn(const CnnOptions& o) {
  ModelSpec spec;
  int channels = spec.input_channels;
  for (std::size_t block = 0; block < o.widths.size(); ++block) {
    for (int i = 0; i < o.convs_per_block; ++i) {
      spec.layers.push_back({LayerKind::kConv, channels, o.widths[block], 3, 1, 1, !o.batch_norm, 0});
      channels = o.widths[block];
      if (o.batch_norm) spec.layers.push_back({LayerKind::kBatchNorm, channels});
      spec.layers.push_back({LayerKind::kRelu});
    }
    if (block + 1 < o.widths.size()) spec.layers.push_back({LayerKind::kMaxPool, 0, 0, 2, 2});
  }
  spec.layers.push_back({LayerKind::kGlobalAvgPool});
  if (o.dropout > 0) spec.layers.push_back({LayerKind::kDropout, 0, 0, 0, 1, 0, true, o.dropout});
  spec.layers.push_back({LayerKind::kLinear, channels, 1});
  return spec;
}

Expected<ModelSpec> validate(const ModelSpec& spec) {
  int channels = spec.input_channels;
  bool pooled = false, have_linear = false;
  for (std::size_t i = 0; i < spec.layers.size(); ++i) {
    const LayerSpec& l = spec.layers[i];
    const std::string where = "layer " + std::to_string(i) + " (" + layer_kind_name(l.kind) + ")";
    if (have_linear) return invalid(where + " follows the final linear layer");
    if (pooled && l.kind != LayerKind::kDropout && l.kind != LayerKind::kLinear) {
      return invalid(where + ": only dropout and linear may follow global average pooling");
    }
    switch (l.kind) {
      case LayerKind::kConv:
        if (l.in != channels) return invalid(where + " takes " + std::to_string(l.in) + " channels, gets " + std::to_string(channels));
        if (l.out < 1 || l.kernel < 1 || l.stride < 1 || l.padding < 0) return invalid(where + ": bad shape");
        channels = l.out;
        break;
      case LayerKind::kBatchNorm:
        if (l.in != channels) return invalid(where + " normalises " + std::to_string(l.in) + " channels, gets " + std::to_string(channels));
        break;
      case LayerKind::kMaxPool:
        if (l.kernel < 1) return invalid(where + ": bad kernel");
        break;
      case LayerKind::kGlobalAvgPool:
        pooled = true;
        break;
      case LayerKind::kDropout:
        if (!(l.p >= 0 && l.p < 1)) return invalid(where + ": p must be in [0, 1)");
        break;
      case LayerKind::kLinear:
        if (!pooled) return invalid(where + " before global average pooling");
        if (l.in != channels || l.out != 1) return invalid(where + " must map " + std::to_string(channels) + " features to 1 logit");
        have_linear = true;
        break;
      case LayerKind::kRelu:
        break;
    }
  }
  if (!have_linear) return invalid("must end with global average pooling and a linear layer");
  return spec;
}

json to_json(const ModelSpec& spec) {
  json layers = json::array();
  for (const LayerSpec& l : spec.layers) {
    json j = {{"type", layer_kind_name(l.kind)}};
    switch (l.kind) {
      case LayerKind::kConv:
        j.update({{"in", l.in}, {"out", l.out}, {"kernel", l.kernel}, {"stride", l.stride}, {"padding", l.padding}, {"bias", l.bias}});
        break;
      case LayerKind::kBatchNorm: j["channels"] = l.in; break;
      case LayerKind::kMaxPool: j["kernel"] = l.kernel; break;
      case LayerKind::kDropout: j["p"] = l.p; break;
      case LayerKind::kLinear: j.update({{"in", l.in}, {"out", l.out}}); break;
      default: break;
    }
    layers.push_back(j);
  }
  return {{"input_channels", spec.input_channels}, {"layers", layers}};
}

Expected<ModelSpec> model_spec_from_json(const json& j) {
  if (!j.is_object() || !j.contains("layers") || !j["layers"].is_array()) return invalid("expected {\"layers\": [...]}");
  ModelSpec spec;
  spec.input_channels = j.contains("input_channels") && j["input_channels"].is_number_integer() ? j["input_channels"].get<int>() : 1;
  if (spec.input_channels != 1) return invalid("only 1 input channel (gray) is supported");
  for (const json& lj : j["layers"]) {
    if (!lj.is_object() || !lj.contains("type") || !lj["type"].is_string()) return invalid("each layer needs a \"type\"");
    const std::string type = lj["type"].get<std::string>();
    LayerSpec l;
    bool known = false;
    for (const auto& k : kKinds) {
      if (type == k.name) l.kind = k.kind, known = true;
    }
    if (!known) return invalid("unknown layer type \"" + type + "\"");
    auto number = [&](const char* key, int fallback) {
      return lj.contains(key) && lj[key].is_number_integer() ? lj[key].get<int>() : fallback;
    };
    l.in = number(l.kind == LayerKind::kBatchNorm ? "channels" : "in", 0);
    l.out = number("out", 0);
    l.kernel = number("kernel", 0);
    l.stride = number("stride", 1);
    l.padding = number("padding", 0);
    l.bias = lj.contains("bias") && lj["bias"].is_boolean() ? lj["bias"].get<bool>() : true;
    l.p = lj.contains("p") && lj["p"].is_number() ? lj["p"].get<double>() : 0.0;
    spec.layers.push_back(l);
  }
  return validate(spec);
}

std::vector<std::size_t> ood_tap_layers(const ModelSpec& spec) {
  std::vector<std::size_t> taps;
  const auto& layers = spec.layers;
  for (std::size_t i = 0; i + 1 < layers.size(); ++i) {
    if (layers[i].kind == LayerKind::kGlobalAvgPool) break;
    const LayerKind next = layers[i + 1].kind;
    if (next == LayerKind::kMaxPool || next == LayerKind::kGlobalAvgPool) taps.push_back(i);
  }
  return taps;
}

std::vector<int> ood_tap_channels(const ModelSpec& spec) {
  std::vector<int> channels;
  std::size_t next_tap = 0;
  const std::vector<std::size_t> taps = ood_tap_layers(spec);
  int current = spec.input_channels;
  for (std::size_t i = 0; i < spec.layers.size() && next_tap < taps.size(); ++i) {
    if (spec.layers[i].kind == LayerKind::kConv) current = spec.layers[i].out;
    if (i == taps[next_tap]) channels.push_back(current), ++next_tap;
  }
  return channels;
}

std::vector<int> ood_tap_dims(const ModelSpec& spec) {
  std::vector<int> dims = ood_tap_channels(spec);
  for (int& d : dims) d = d <= kOodSecondMomentWidth ? 2 * d : d;
  dims.push_back(kOodThumbnail * kOodThumbnail);
  return dims;
}

int feature_map_size(const ModelSpec& spec, int size) {
  for (const LayerSpec& l : spec.layers) {
    if (l.kind == LayerKind::kConv) size = (size + 2 * l.padding - l.kernel) / l.stride + 1;
    if (l.kind == LayerKind::kMaxPool) size /= l.kernel;
    if (l.kind == LayerKind::kGlobalAvgPool) break;
  }
  return size;
}

std::string describe(const ModelSpec& spec) {
  std::string out;
  for (const LayerSpec& l : spec.layers) {
    if (!out.empty()) out += " ";
    switch (l.kind) {
      case LayerKind::kConv:
        out += "conv" + std::to_string(l.kernel) + "x" + std::to_string(l.kernel) + "(" + std::to_string(l.in) + "->" + std::to_string(l.out) + ")";
        break;
      case LayerKind::kDropout: out += "dropout(" + std::to_string(l.p).substr(0, 4) + ")"; break;
      case LayerKind::kLinear: out += "linear(" + std::to_string(l.in) + "->" + std::to_string(l.out) + ")"; break;
      default: out += layer_kind_name(l.kind); break;
    }
  }
  return out;
}

long long parameter_count(const ModelSpec& spec) {
  long long n = 0;
  for (const LayerSpec& l : spec.layers) {
    if (l.kind == LayerKind::kConv) n += static_cast<long long>(l.in) * l.out * l.kernel * l.kernel + (l.bias ? l.out : 0);
    if (l.kind == LayerKind::kBatchNorm) n += 2LL * l.in;
    if (l.kind == LayerKind::kLinear) n += static_cast<long long>(l.in) * l.out + (l.bias ? l.out : 0);
  }
  return n;
}

}  // namespace xray
