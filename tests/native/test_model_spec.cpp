// The layer list that drives both LibTorch and the ONNX writer: built, validated, stored, read.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "model_spec.h"

namespace xray {
namespace {

TEST(ModelSpec, CnnHasTheStatedShape) {
  CnnOptions options;  // the default network: 16-32-64-96, 2 convs per block, BN, dropout 0.2
  const ModelSpec spec = make_cnn(options);
  ASSERT_TRUE(validate(spec).ok());
  // 4 blocks x 2 x (conv, bn, relu) + 3 pools + gap + dropout + linear
  EXPECT_EQ(spec.layers.size(), 4u * 2u * 3u + 3u + 3u);
  EXPECT_EQ(spec.layers.back().kind, LayerKind::kLinear);
  EXPECT_EQ(spec.layers.back().in, 96);
  EXPECT_FALSE(spec.layers.front().bias);  // conv followed by batch norm has no bias
  EXPECT_EQ(feature_map_size(spec, 128), 16);  // three 2x2 pools: 128 / 8
  EXPECT_EQ(feature_map_size(spec, 224), 28);
  // Conv weights (no biases): 9 * (1*16 + 16*16 + 16*32 + 32*32 + 32*64 + 64*64 + 64*96 + 96*96)
  // = 9 * 23,312 = 209,808; batch norm 2 * (16+16+32+32+64+64+96+96) = 832; linear 96 + 1.
  // Total 210,737, as the shipped model's card says.
  EXPECT_EQ(parameter_count(spec), 210737);
}

TEST(ModelSpec, JsonRoundTrip) {
  CnnOptions options;
  options.widths = {8, 24};
  options.convs_per_block = 1;
  options.batch_norm = false;
  options.dropout = 0;
  const ModelSpec spec = make_cnn(options);
  auto back = model_spec_from_json(to_json(spec));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(to_json(*back).dump(), to_json(spec).dump());
  EXPECT_EQ(describe(*back), "conv3x3(1->8) relu maxpool conv3x3(8->24) relu gap linear(24->1)");
}

TEST(ModelSpec, RefusesBrokenLayerLists) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"layers": [{"type": "conv", "in": 3, "out": 8, "kernel": 3}, {"type": "gap"}, {"type": "linear", "in": 8, "out": 1}]})",
       "takes 3 channels, gets 1"},
      {R"({"layers": [{"type": "conv", "in": 1, "out": 8, "kernel": 3}, {"type": "linear", "in": 8, "out": 1}]})",
       "before global average pooling"},
      {R"({"layers": [{"type": "gap"}, {"type": "linear", "in": 1, "out": 2}]})", "to 1 logit"},
      {R"({"layers": [{"type": "gap"}, {"type": "relu"}, {"type": "linear", "in": 1, "out": 1}]})", "only dropout and linear"},
      {R"({"layers": [{"type": "conv", "in": 1, "out": 8, "kernel": 3}]})", "must end with"},
      {R"({"layers": [{"type": "attention"}]})", "unknown layer type"},
      {R"({"input_channels": 3, "layers": []})", "only 1 input channel"},
  };
  for (const auto& [text, words] : cases) {
    auto spec = model_spec_from_json(nlohmann::json::parse(text));
    ASSERT_FALSE(spec.ok()) << text;
    EXPECT_NE(spec.error().message.find(words), std::string::npos) << spec.error().message;
  }
}

}  // namespace
}  // namespace xray
