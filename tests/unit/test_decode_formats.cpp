// Every supported format, colour type and bit depth decodes to the gray values gray.h promises.
// Expected values are worked out by hand in the comments.
#include <gtest/gtest.h>

#include <cmath>

#include "image_writers.h"
#include "xray/decode.h"
#include "xray/gray.h"

namespace xray {
namespace {

using test::Bytes;
using test::RawImage;

RawImage filled(int channels, int bits, std::vector<std::uint16_t> pixel, int size = 16) {
  RawImage img{size, size, channels, bits, {}};
  for (int i = 0; i < size * size; ++i) img.samples.insert(img.samples.end(), pixel.begin(), pixel.end());
  return img;
}

// Decodes and checks that every pixel has the one expected value.
void expect_uniform(const Bytes& bytes, int expected, ImageFormat format) {
  auto result = decode_gray(bytes.data(), bytes.size());
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->info.format, format);
  EXPECT_EQ(result->gray.width, 16);
  EXPECT_EQ(result->gray.height, 16);
  for (std::uint8_t v : result->gray.pixels) ASSERT_EQ(v, expected);
}

TEST(DecodePng, Gray8IsUnchanged) {
  RawImage img = test::synthetic_xray(33, 17, 1, 8, 7);
  const Bytes b = test::encode_png(img);
  auto result = decode_gray(b.data(), b.size());
  ASSERT_TRUE(result.ok()) << result.error().message;
  ASSERT_EQ(result->gray.pixels.size(), img.samples.size());
  for (std::size_t i = 0; i < img.samples.size(); ++i) ASSERT_EQ(result->gray.pixels[i], img.samples[i]);
  EXPECT_EQ(result->info.channels, 1);
  EXPECT_EQ(result->info.bits_per_channel, 8);
}

TEST(DecodePng, Gray16RoundsToEightBits) {
  // v8 = (v * 255 + 32767) / 65535
  expect_uniform(test::encode_png(filled(1, 16, {65535})), 255, ImageFormat::kPng);
  expect_uniform(test::encode_png(filled(1, 16, {257})), 1, ImageFormat::kPng);     // 98302 / 65535
  expect_uniform(test::encode_png(filled(1, 16, {32896})), 128, ImageFormat::kPng);  // 8421247 / 65535
  expect_uniform(test::encode_png(filled(1, 16, {128})), 0, ImageFormat::kPng);     // 65407 / 65535
}

TEST(DecodePng, RgbUsesBt601) {
  // (299*10 + 587*200 + 114*30 + 500) / 1000 = 124310 / 1000 = 124
  expect_uniform(test::encode_png(filled(3, 8, {10, 200, 30})), 124, ImageFormat::kPng);
  // 16-bit: 2570 -> 10, 51400 -> 200, 7710 -> 30, same gray
  expect_uniform(test::encode_png(filled(3, 16, {2570, 51400, 7710})), 124, ImageFormat::kPng);
}

TEST(DecodePng, AlphaIsCompositedOverBlack) {
  // gray+alpha: (200*51 + 127) / 255 = 10327 / 255 = 40
  expect_uniform(test::encode_png(filled(2, 8, {200, 51})), 40, ImageFormat::kPng);
  expect_uniform(test::encode_png(filled(2, 16, {51400, 13107})), 40, ImageFormat::kPng);
  // RGBA: Y = 124, then (124*128 + 127) / 255 = 15999 / 255 = 62
  expect_uniform(test::encode_png(filled(4, 8, {10, 200, 30, 128})), 62, ImageFormat::kPng);
  expect_uniform(test::encode_png(filled(4, 16, {2570, 51400, 7710, 32896})), 62, ImageFormat::kPng);
  // fully opaque keeps the gray value
  expect_uniform(test::encode_png(filled(2, 8, {99, 255})), 99, ImageFormat::kPng);
}

TEST(DecodePng, PaletteAndTransparency) {
  // index 100 -> palette (100, 100, 155): (29900 + 58700 + 17670 + 500) / 1000 = 106
  expect_uniform(test::encode_png_palette(filled(1, 8, {100}), false), 106, ImageFormat::kPng);
  expect_uniform(test::encode_png_palette(filled(1, 8, {100}), true), 106, ImageFormat::kPng);
  // index 0 is transparent: composited over black
  expect_uniform(test::encode_png_palette(filled(1, 8, {0}), true), 0, ImageFormat::kPng);
  // gray with tRNS: the marked value becomes black, others stay
  expect_uniform(test::encode_png_gray_trns(filled(1, 8, {90}), 90), 0, ImageFormat::kPng);
  expect_uniform(test::encode_png_gray_trns(filled(1, 8, {90}), 91), 90, ImageFormat::kPng);
}

TEST(DecodeBmp, TrueColourAndPalette) {
  expect_uniform(test::encode_bmp(filled(3, 8, {10, 200, 30})), 124, ImageFormat::kBmp);
  expect_uniform(test::encode_bmp(filled(4, 8, {10, 200, 30, 128})), 62, ImageFormat::kBmp);
  expect_uniform(test::encode_bmp(filled(1, 8, {173})), 173, ImageFormat::kBmp);
  // odd width: rows are padded to 4 bytes
  RawImage odd = test::synthetic_xray(17, 19, 3, 8, 9);
  const Bytes b = test::encode_bmp(odd);
  auto result = decode_gray(b.data(), b.size());
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->gray.at(16, 18), luma_bt601(odd.at(16, 18, 0), odd.at(16, 18, 1), odd.at(16, 18, 2)));
  EXPECT_EQ(result->gray.at(0, 0), luma_bt601(odd.at(0, 0, 0), odd.at(0, 0, 1), odd.at(0, 0, 2)));
}

TEST(DecodePnm, EightAndSixteenBitScaledByMaxval) {
  expect_uniform(test::encode_pnm(filled(1, 8, {201}), 255), 201, ImageFormat::kPnm);
  expect_uniform(test::encode_pnm(filled(1, 16, {65535}), 65535), 255, ImageFormat::kPnm);
  // 12-bit data, maxval 4095: (2048*255 + 2047) / 4095 = 524287 / 4095 = 128
  expect_uniform(test::encode_pnm(filled(1, 16, {2048}), 4095), 128, ImageFormat::kPnm);
  // maxval 100: (50*255 + 50) / 100 = 128
  expect_uniform(test::encode_pnm(filled(1, 8, {50}), 100), 128, ImageFormat::kPnm);
  expect_uniform(test::encode_pnm(filled(3, 8, {10, 200, 30}), 255), 124, ImageFormat::kPnm);
}

TEST(DecodeJpeg, BaselineRgbIsCloseToItsSource) {
  RawImage img = test::synthetic_xray(120, 90, 3, 8, 11);
  const Bytes b = test::encode_jpeg(img, 95);
  auto result = decode_gray(b.data(), b.size());
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->info.format, ImageFormat::kJpeg);
  EXPECT_EQ(result->info.channels, 3);
  EXPECT_FALSE(result->info.progressive);
  double error = 0;
  for (int y = 0; y < 90; ++y) {
    for (int x = 0; x < 120; ++x) {
      error += std::abs(result->gray.at(x, y) - luma_bt601(img.at(x, y, 0), img.at(x, y, 1), img.at(x, y, 2)));
    }
  }
  EXPECT_LT(error / (120 * 90), 3.0) << "mean absolute error of a quality-95 JPEG";
}

}  // namespace
}  // namespace xray
