#include <gtest/gtest.h>

#include <cstring>

#include "xray/preprocess_spec.h"

namespace xray {
namespace {

std::uint32_t bits(float f) {
  std::uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

TEST(PreprocessSpec, JsonRoundTripKeepsFloatBits) {
  PreprocessSpec spec;
  spec.width = 192;
  spec.height = 160;
  spec.resize = ResizeRule::kLetterbox;
  spec.mean = 0.48123457f;
  spec.std = 0.23456789f;
  auto back = spec_from_json(to_json(spec));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, spec);
  EXPECT_EQ(bits(back->mean), bits(spec.mean));
  EXPECT_EQ(bits(back->std), bits(spec.std));
}

TEST(PreprocessSpec, JsonIsReadable) {
  const std::string text = to_json(PreprocessSpec{});
  for (const char* part : {"\"width\": 224", "\"resize\": \"stretch\"", "\"mean\": 0.5", "\"std\": 0.25",
                           "\"gray\": \"bt601-alpha-over-black\"", "\"filter\": \"triangle\""}) {
    EXPECT_NE(text.find(part), std::string::npos) << part << " not in\n" << text;
  }
}

TEST(PreprocessSpec, ReadsTheSpecInsideAModelCard) {
  auto spec = spec_from_json(R"({"labels": ["NORMAL", "PNEUMONIA"], "threshold": 0.5,
      "preprocess": {"version": 1, "width": 128, "height": 128, "normalize": {"mean": 0.4, "std": 0.2}}})");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_EQ(spec->width, 128);
  EXPECT_EQ(spec->mean, 0.4f);
  EXPECT_EQ(spec->resize, ResizeRule::kStretch);  // default
}

TEST(PreprocessSpec, RefusesWhatItCannotHonour) {
  const std::pair<const char*, const char*> cases[] = {
      {"not json", "not valid JSON"},
      {"[1, 2]", "expected a JSON object"},
      {R"({"width": "224"})", "\"width\" must be an integer"},
      {R"({"width": 0})", "outside 1..4096"},
      {R"({"normalize": {"mean": 0.5, "std": 0}})", "std above 0"},
      {R"({"resize": "crop"})", "unknown resize rule \"crop\""},
      {R"({"version": 2})", "version 2 is not supported"},
      {R"({"gray": "average"})", "unknown gray rule"},
      {R"({"channels": 3})", "only 1 channel"},
      {R"({"preprocess": 5})", "must be an object"},
  };
  for (const auto& [json, words] : cases) {
    auto spec = spec_from_json(json);
    ASSERT_FALSE(spec.ok()) << json;
    EXPECT_EQ(spec.error().code, ErrorCode::kInvalidSpec);
    EXPECT_NE(spec.error().message.find(words), std::string::npos) << spec.error().message;
  }
}

}  // namespace
}  // namespace xray
