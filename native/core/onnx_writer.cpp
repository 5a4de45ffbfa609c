#include "onnx_writer.h"

#include <cmath>

#include "protobuf_writer.h"

namespace xray {
namespace {

// ONNX field numbers (onnx.proto) and enum values used here.
constexpr int kFloat = 1;               // TensorProto.DataType.FLOAT
constexpr int kAttrFloat = 1, kAttrInt = 2, kAttrInts = 7;  // AttributeProto.AttributeType

struct Attribute {
  std::string name;
  int type = kAttrInt;
  float f = 0;
  std::int64_t i = 0;
  std::vector<std::int64_t> ints;
};

struct Node {
  std::string op;
  std::vector<std::string> inputs, outputs;
  std::vector<Attribute> attributes;
};

struct Initializer {
  std::string name;
  std::vector<std::int64_t> dims;
  std::vector<float> values;
};

pb::Writer attribute_proto(const Attribute& a) {
  pb::Writer w;
  w.string_field(1, a.name);
  if (a.type == kAttrFloat) w.float_field(2, a.f);
  if (a.type == kAttrInt) w.varint_field(3, static_cast<std::uint64_t>(a.i));
  for (std::int64_t v : a.ints) w.varint_field(8, static_cast<std::uint64_t>(v));
  w.varint_field(20, static_cast<std::uint64_t>(a.type));
  return w;
}

pb::Writer node_proto(const Node& n, int index) {
  pb::Writer w;
  for (const auto& in : n.inputs) w.string_field(1, in);
  for (const auto& out : n.outputs) w.string_field(2, out);
  w.string_field(3, n.op + "_" + std::to_string(index));
  w.string_field(4, n.op);
  for (const auto& a : n.attributes) w.message_field(5, attribute_proto(a));
  return w;
}

pb::Writer tensor_proto(const Initializer& t) {
  pb::Writer w;
  for (std::int64_t d : t.dims) w.varint_field(1, static_cast<std::uint64_t>(d));
  w.varint_field(2, kFloat);
  w.string_field(8, t.name);
  std::string raw(t.values.size() * 4, '\0');  // little-endian float32
  for (std::size_t i = 0; i < t.values.size(); ++i) {
    std::uint32_t bits;
    std::memcpy(&bits, &t.values[i], 4);
    for (int b = 0; b < 4; ++b) raw[4 * i + b] = static_cast<char>(bits >> (8 * b));
  }
  w.string_field(9, raw);
  return w;
}

// A dimension is a fixed size, or a symbolic name when size < 0.
pb::Writer value_info(const std::string& name, const std::vector<std::pair<std::int64_t, std::string>>& dims) {
  pb::Writer shape;
  for (const auto& [size, symbol] : dims) {
    pb::Writer dim;
    if (size >= 0) dim.varint_field(1, static_cast<std::uint64_t>(size));
    else dim.string_field(2, symbol);
    shape.message_field(1, dim);
  }
  pb::Writer tensor;
  tensor.varint_field(1, kFloat);
  tensor.message_field(2, shape);
  pb::Writer type;
  type.message_field(1, tensor);
  pb::Writer w;
  w.string_field(1, name);
  w.message_field(2, type);
  return w;
}

Attribute ints(const std::string& name, std::vector<std::int64_t> values) { return {name, kAttrInts, 0, 0, std::move(values)}; }
Attribute integer(const std::string& name, std::int64_t value) { return {name, kAttrInt, 0, value, {}}; }
Attribute real(const std::string& name, float value) { return {name, kAttrFloat, value, 0, {}}; }

Error bad(const std::string& why) { return Error{ErrorCode::kInvalidSpec, "ONNX export: " + why}; }

}  // namespace

Expected<std::string> write_onnx(const OnnxExport& m) {
  auto valid = validate(m.model);
  if (!valid) return valid.error();
  const auto& layers = m.model.layers;
  if (m.weights.size() != layers.size()) return bad("weights do not match the layer list");

  std::vector<Node> nodes;
  std::vector<Initializer> initializers;
  std::string current = "input", features;
  const std::vector<std::size_t> taps = ood_tap_layers(m.model);
  if (!m.ood.empty() && m.ood.size() != taps.size() + 1) {
    return bad("OOD statistics for " + std::to_string(m.ood.size()) + " taps, the layers have " + std::to_string(taps.size() + 1));
  }
  std::vector<std::string> tap_outputs;  // the graph value after each tapped layer
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const LayerSpec& l = layers[i];
    const LayerWeights& w = m.weights[i];
    const std::string id = std::to_string(i);
    const std::string out = "layer" + id;
    switch (l.kind) {
      case LayerKind::kConv: {
        const std::size_t per_out = static_cast<std::size_t>(l.in) * l.kernel * l.kernel;
        if (w.weight.size() != per_out * l.out) return bad("layer " + id + ": conv weight size");
        std::vector<float> weight = w.weight;
        std::vector<float> bias = l.bias ? w.bias : std::vector<float>(l.out, 0.0f);
        if (bias.size() != static_cast<std::size_t>(l.out)) return bad("layer " + id + ": conv bias size");
        const bool fold = m.fold_batch_norm && i + 1 < layers.size() && layers[i + 1].kind == LayerKind::kBatchNorm;
        if (fold) {
          // BN(conv(x)) = conv(x) * s + (beta - mean * s), s = gamma / sqrt(var + eps): scale the
          // kernel of each output channel by s, and fold the shift into the bias (in double).
          const LayerWeights& bn = m.weights[i + 1];
          const auto n = static_cast<std::size_t>(l.out);
          if (bn.gamma.size() != n || bn.beta.size() != n || bn.mean.size() != n || bn.variance.size() != n) {
            return bad("layer " + std::to_string(i + 1) + ": batch norm size");
          }
          for (int c = 0; c < l.out; ++c) {
            const double s = bn.gamma[c] / std::sqrt(static_cast<double>(bn.variance[c]) + bn.epsilon);
            for (std::size_t k = 0; k < per_out; ++k) weight[c * per_out + k] = static_cast<float>(weight[c * per_out + k] * s);
            bias[c] = static_cast<float>((bias[c] - static_cast<double>(bn.mean[c])) * s + bn.beta[c]);
          }
        }
        initializers.push_back({out + ".weight", {l.out, l.in, l.kernel, l.kernel}, std::move(weight)});
        initializers.push_back({out + ".bias", {l.out}, std::move(bias)});
        nodes.push_back({"Conv", {current, out + ".weight", out + ".bias"}, {out},
                         {ints("kernel_shape", {l.kernel, l.kernel}), ints("pads", {l.padding, l.padding, l.padding, l.padding}),
                          ints("strides", {l.stride, l.stride})}});
        current = out;
        if (fold) ++i;  // the batch norm is inside this conv now
        break;
      }
      case LayerKind::kBatchNorm: {
        const auto n = static_cast<std::size_t>(l.in);
        if (w.gamma.size() != n || w.beta.size() != n || w.mean.size() != n || w.variance.size() != n) {
          return bad("layer " + id + ": batch norm size");
        }
        initializers.push_back({out + ".scale", {l.in}, w.gamma});
        initializers.push_back({out + ".bias", {l.in}, w.beta});
        initializers.push_back({out + ".mean", {l.in}, w.mean});
        initializers.push_back({out + ".var", {l.in}, w.variance});
        nodes.push_back({"BatchNormalization", {current, out + ".scale", out + ".bias", out + ".mean", out + ".var"}, {out},
                         {real("epsilon", static_cast<float>(w.epsilon))}});
        current = out;
        break;
      }
      case LayerKind::kRelu:
        nodes.push_back({"Relu", {current}, {out}, {}});
        current = out;
        break;
      case LayerKind::kMaxPool:
        nodes.push_back({"MaxPool", {current}, {out}, {ints("kernel_shape", {l.kernel, l.kernel}), ints("strides", {l.kernel, l.kernel})}});
        current = out;
        break;
      case LayerKind::kGlobalAvgPool:
        features = current;
        nodes.push_back({"GlobalAveragePool", {current}, {out + ".pooled"}, {}});
        nodes.push_back({"Flatten", {out + ".pooled"}, {out}, {integer("axis", 1)}});
        current = out;
        break;
      case LayerKind::kDropout:
        break;  // identity at inference
      case LayerKind::kLinear: {
        if (w.weight.size() != static_cast<std::size_t>(l.in) || w.bias.size() != 1) return bad("layer " + id + ": linear weight size");
        // Platt's a z + b folded in: a (w.x + c) + b = (a w).x + (a c + b).
        std::vector<float> weight = w.weight;
        for (float& v : weight) v = static_cast<float>(v * m.calibration.a);
        const std::vector<float> bias = {static_cast<float>(w.bias[0] * m.calibration.a + m.calibration.b)};
        std::int64_t width = l.in;
        if (m.break_gemm_shape_for_tests) weight.push_back(0.0f), ++width;
        initializers.push_back({"classifier.weight", {1, width}, weight});
        initializers.push_back({"classifier.bias", {1}, bias});
        nodes.push_back({"Gemm", {current, "classifier.weight", "classifier.bias"}, {"logit"}, {integer("transB", 1)}});
        // The CAM: the same weights as a 1x1 convolution over the last features.
        initializers.push_back({"cam.weight", {1, l.in, 1, 1}, std::vector<float>(weight.begin(), weight.begin() + l.in)});
        initializers.push_back({"cam.bias", {1}, bias});
        nodes.push_back({"Conv", {features, "cam.weight", "cam.bias"}, {"cam"}, {ints("kernel_shape", {1, 1})}});
        break;
      }
    }
    // A folded batch norm advanced i past itself: the conv's output stands for both layers.
    for (std::size_t tap : taps) {
      if (tap == i && l.kind != LayerKind::kGlobalAvgPool) tap_outputs.push_back(current);
    }
  }
  nodes.push_back({"Sigmoid", {"logit"}, {"probability"}, {}});
  if (!m.ood.empty()) {
    if (tap_outputs.size() != taps.size()) return bad("OOD taps not found in the graph");
    // Per tap: z = (pooled F - mean) W, distance = z.z (as a MatMul by ones); the score is the largest.
    std::vector<std::string> parts;
    const std::vector<int> channels = ood_tap_channels(m.model), dims = ood_tap_dims(m.model);
    for (std::size_t t = 0; t < m.ood.size(); ++t) {
      const OodTap& tap = m.ood[t];
      const std::int64_t c = tap.channels;
      if (c != dims[t] || tap.mean.size() != static_cast<std::size_t>(c) || tap.whitening.size() != static_cast<std::size_t>(c * c)) {
        return bad("OOD tap " + std::to_string(t) + ": statistics size");
      }
      const std::string id = "ood" + std::to_string(t);
      initializers.push_back({id + ".mean", {1, c}, tap.mean});
      initializers.push_back({id + ".whitening", {c, c}, tap.whitening});
      initializers.push_back({id + ".ones", {c, 1}, std::vector<float>(c, 1.0f)});
      const std::string pooled = id + ".pooled";
      if (t == taps.size()) {  // the input thumbnail (model_spec.h)
        const std::int64_t kh = m.input_height / kOodThumbnail, kw = m.input_width / kOodThumbnail;
        nodes.push_back({"AveragePool", {"input"}, {id + ".thumbnail"}, {ints("kernel_shape", {kh, kw}), ints("strides", {kh, kw})}});
        nodes.push_back({"Flatten", {id + ".thumbnail"}, {pooled}, {integer("axis", 1)}});
      } else {
        // Narrow taps add the spatial mean of the squares (model_spec.h) after the means.
        const bool second_moment = c == 2 * channels[t];
        const std::string means = second_moment ? id + ".mean_features" : pooled;
        nodes.push_back({"GlobalAveragePool", {tap_outputs[t]}, {id + ".mean4d"}, {}});
        nodes.push_back({"Flatten", {id + ".mean4d"}, {means}, {integer("axis", 1)}});
        if (second_moment) {
          nodes.push_back({"Mul", {tap_outputs[t], tap_outputs[t]}, {id + ".squared"}, {}});
          nodes.push_back({"GlobalAveragePool", {id + ".squared"}, {id + ".meansq4d"}, {}});
          nodes.push_back({"Flatten", {id + ".meansq4d"}, {id + ".meansq_features"}, {integer("axis", 1)}});
          nodes.push_back({"Concat", {means, id + ".meansq_features"}, {pooled}, {integer("axis", 1)}});
        }
      }
      nodes.push_back({"Sub", {pooled, id + ".mean"}, {id + ".centred"}, {}});
      nodes.push_back({"MatMul", {id + ".centred", id + ".whitening"}, {id + ".z"}, {}});
      nodes.push_back({"Mul", {id + ".z", id + ".z"}, {id + ".z2"}, {}});
      nodes.push_back({"MatMul", {id + ".z2", id + ".ones"}, {id + ".distance"}, {}});
      parts.push_back(id + ".distance");
    }
    nodes.push_back({"Max", parts, {"ood_score"}, {}});
  }

  const int h = feature_map_size(m.model, m.input_height), wd = feature_map_size(m.model, m.input_width);
  pb::Writer graph;
  for (std::size_t i = 0; i < nodes.size(); ++i) graph.message_field(1, node_proto(nodes[i], static_cast<int>(i)));
  graph.string_field(2, "xray_cnn");
  for (const auto& t : initializers) graph.message_field(5, tensor_proto(t));
  graph.message_field(11, value_info("input", {{-1, "batch"}, {1, ""}, {m.input_height, ""}, {m.input_width, ""}}));
  graph.message_field(12, value_info("probability", {{-1, "batch"}, {1, ""}}));
  graph.message_field(12, value_info("cam", {{-1, "batch"}, {1, ""}, {h, ""}, {wd, ""}}));
  if (!m.ood.empty()) graph.message_field(12, value_info("ood_score", {{-1, "batch"}, {1, ""}}));

  pb::Writer model;
  model.varint_field(1, 8);  // IR version 8
  model.string_field(2, "xray");
  model.string_field(3, m.producer_version);
  model.string_field(6, "Pediatric chest X-ray classifier: probability = calibrated P(PNEUMONIA), cam = class activation map, "
                        "ood_score = out-of-distribution score. Research demo, not a medical device.");
  model.message_field(7, graph);
  pb::Writer opset;
  opset.varint_field(2, 17);
  model.message_field(8, opset);
  for (const auto& [key, value] : m.metadata) {
    pb::Writer entry;
    entry.string_field(1, key);
    entry.string_field(2, value);
    model.message_field(14, entry);
  }
  return model.bytes();
}

}  // namespace xray
