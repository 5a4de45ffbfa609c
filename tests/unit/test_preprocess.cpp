#include <gtest/gtest.h>

#include "image_writers.h"
#include "xray/gray.h"
#include "xray/preprocess.h"

namespace xray {
namespace {

TEST(Normalize, TableFollowsTheSpec) {
  PreprocessSpec spec;  // mean 0.5, std 0.25
  const auto lut = normalization_table(spec);
  EXPECT_EQ(lut[0], -2.0f);
  EXPECT_EQ(lut[255], 2.0f);
  EXPECT_EQ(lut[51], (51.0f / 255.0f - 0.5f) / 0.25f);
  for (int p = 1; p < 256; ++p) EXPECT_LT(lut[p - 1], lut[p]);
}

TEST(Preprocess, TensorHasSpecShapeAndValues) {
  test::RawImage gray{300, 200, 1, 8, std::vector<std::uint16_t>(300 * 200, 128)};
  const test::Bytes png = test::encode_png(gray);
  PreprocessSpec spec;
  spec.width = 96;
  spec.height = 64;
  auto tensor = preprocess(png.data(), png.size(), spec);
  ASSERT_TRUE(tensor.ok()) << tensor.error().message;
  EXPECT_EQ(tensor->channels, 1);
  EXPECT_EQ(tensor->height, 64);
  EXPECT_EQ(tensor->width, 96);
  ASSERT_EQ(tensor->data.size(), 96u * 64u);
  for (float v : tensor->data) ASSERT_EQ(v, (128.0f / 255.0f - 0.5f) / 0.25f);
}

TEST(Preprocess, PixelStageIsWhatNormalizeConsumes) {
  const test::Bytes jpeg = test::encode_jpeg(test::synthetic_xray(500, 400, 3, 8, 21), 90);
  PreprocessSpec spec;
  auto pixels = preprocess_pixels(jpeg.data(), jpeg.size(), spec);
  auto tensor = preprocess(jpeg.data(), jpeg.size(), spec);
  ASSERT_TRUE(pixels.ok() && tensor.ok());
  EXPECT_EQ(pixels->source.width, 500);
  EXPECT_EQ(pixels->source.height, 400);
  EXPECT_EQ(normalize(pixels->pixels, spec).data, tensor->data);
}

TEST(Preprocess, InvalidSpecIsAnError) {
  const test::Bytes png = test::encode_png(test::synthetic_xray(32, 32, 1, 8, 1));
  PreprocessSpec spec;
  spec.std = 0;
  auto tensor = preprocess(png.data(), png.size(), spec);
  ASSERT_FALSE(tensor.ok());
  EXPECT_EQ(tensor.error().code, ErrorCode::kInvalidSpec);
}

}  // namespace
}  // namespace xray

// The colour fact the out-of-distribution gate uses: gray stored as RGB (also with JPEG-like
// chroma noise of a few levels) is not coloured; a channel spread over kColourTolerance is.
TEST(ColourFraction, CountsClearlyColouredPixelsOnly) {
  const std::uint8_t rgb[] = {
      100, 100, 100,  // gray
      100, 102, 99,   // gray with rounding noise
      100, 124, 100,  // spread 24: not over the tolerance
      100, 125, 100,  // spread 25: coloured
      200, 40, 40,    // red
      0, 0, 0,        // black
  };
  const xray::GrayImage g = xray::to_gray(rgb, 3, 2, 3);
  EXPECT_EQ(g.coloured_pixels, 2);
  EXPECT_DOUBLE_EQ(xray::colour_fraction(g), 2.0 / 6);
  const std::uint8_t gray[] = {10, 20, 30, 40};
  EXPECT_EQ(xray::to_gray(gray, 2, 2, 1).coloured_pixels, 0);
  EXPECT_DOUBLE_EQ(xray::colour_fraction(xray::GrayImage{}), 0.0);
}
