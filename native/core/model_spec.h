// The network, described once as a list of layers. The same list builds the LibTorch modules
// (model.cpp) and, later, drives the ONNX writer, so nothing about the architecture is written
// twice. It is stored in the model card (model.json).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "xray/expected.h"

namespace xray {

enum class LayerKind {
  kConv,           // 2-D convolution, square kernel, no bias when followed by batch norm
  kBatchNorm,      // over `channels`
  kRelu,
  kMaxPool,        // kernel = stride = `kernel`
  kGlobalAvgPool,  // N x C x H x W -> N x C; the features before it give the class activation map
  kDropout,        // probability `p`, training only
  kLinear,         // in_features -> out_features
};

const char* layer_kind_name(LayerKind kind);

struct LayerSpec {
  LayerKind kind = LayerKind::kRelu;
  int in = 0;        // conv: in channels; batch norm: channels; linear: in features
  int out = 0;       // conv: out channels; linear: out features
  int kernel = 0;    // conv, max pool
  int stride = 1;    // conv
  int padding = 0;   // conv
  bool bias = true;  // conv, linear
  double p = 0.0;    // dropout
};

struct ModelSpec {
  int input_channels = 1;
  std::vector<LayerSpec> layers;  // ends with GlobalAvgPool, [Dropout], Linear(C -> 1)
};

struct CnnOptions {
  // The default network: the one place its shape is written (TrainOptions, --help and the tests
  // take it from here; the README quotes it).
  std::vector<int> widths = {16, 32, 64, 96};  // one block per width
  int convs_per_block = 2;                      // conv3x3-BN-ReLU repeated, then 2x2 max pool
  bool batch_norm = true;
  double dropout = 0.2;
};

// Blocks of [conv3x3 (BN) ReLU] x convs_per_block + maxpool 2x2, then GAP, dropout, linear -> 1
// logit for P(PNEUMONIA). The last block has no pool, so the CAM keeps its resolution.
ModelSpec make_cnn(const CnnOptions& options);

// Checks the list is one the trainer and exporter support: channel counts chain, ends with GAP +
// Linear(C -> 1), nothing after the GAP but dropout and the linear.
Expected<ModelSpec> validate(const ModelSpec& spec);

nlohmann::json to_json(const ModelSpec& spec);
Expected<ModelSpec> model_spec_from_json(const nlohmann::json& j);

// Layers whose output feeds the out-of-distribution score: the last layer of every block (the
// one before each max pool) and the last layer before global average pooling. Each tap's output
// is averaged over space to C numbers; narrow taps (C <= kOodSecondMomentWidth) also give the
// spatial mean of the squares, C more numbers: the early layers see texture and contrast, where
// photographs, documents and flat graphics differ most from films, and their covariance is small.
// model.cpp and onnx_writer.cpp both use these lists.
constexpr int kOodSecondMomentWidth = 32;
std::vector<std::size_t> ood_tap_layers(const ModelSpec& spec);
// The channel count of each tap's output, parallel to ood_tap_layers().
std::vector<int> ood_tap_channels(const ModelSpec& spec);
// One more tap, after the layer taps: the input itself averaged down to a kOodThumbnail x
// kOodThumbnail thumbnail (average pooling, kernel = stride = input size / kOodThumbnail). It
// sees the layout of a frontal chest film (dark lungs either side of a bright mediastinum), which
// pooled features cannot: a film on its side, another body part, a page of text.
constexpr int kOodThumbnail = 8;
// The feature count of every tap, the thumbnail last: C, or 2C with the second moment; 64.
std::vector<int> ood_tap_dims(const ModelSpec& spec);

// The feature map size after the convolutional part for a square input of `input_size`.
int feature_map_size(const ModelSpec& spec, int input_size);
// "conv3x3(1->16) bn relu ... gap dropout(0.2) linear(128->1)", and parameter count.
std::string describe(const ModelSpec& spec);
long long parameter_count(const ModelSpec& spec);

}  // namespace xray
