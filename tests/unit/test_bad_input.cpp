// Every kind of bad input gets a refusal that names the reason, before any decoder runs.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "image_writers.h"
#include "xray/decode.h"

namespace xray {
namespace {

using test::Bytes;

Expected<DecodedImage> decode(const Bytes& b, const DecodeLimits& limits = {}) {
  return decode_gray(b.data(), b.size(), limits);
}

void expect_error(const Bytes& bytes, ErrorCode code, const std::string& words,
                  const DecodeLimits& limits = {}) {
  auto result = decode(bytes, limits);
  ASSERT_FALSE(result.ok()) << "expected " << error_code_name(code);
  EXPECT_EQ(result.error().code, code) << result.error().message;
  EXPECT_NE(result.error().message.find(words), std::string::npos)
      << "message \"" << result.error().message << "\" lacks \"" << words << "\"";
}

Bytes small_jpeg() { return test::encode_jpeg(test::synthetic_xray(64, 48, 3, 8, 1), 85); }
Bytes small_png() { return test::encode_png(test::synthetic_xray(64, 48, 1, 8, 2)); }

// Offset of the first marker `m` in a JPEG (0xFF m).
std::size_t find_marker(const Bytes& b, std::uint8_t m) {
  for (std::size_t i = 2; i + 1 < b.size(); ++i) {
    if (b[i] == 0xFF && b[i + 1] == m) return i;
  }
  return b.size();
}

TEST(BadInput, ZeroBytes) { expect_error({}, ErrorCode::kEmptyInput, "zero bytes"); }

TEST(BadInput, TruncatedJpeg) {
  Bytes b = small_jpeg();
  b.resize(b.size() / 2);
  expect_error(b, ErrorCode::kTruncated, "truncated JPEG");
}

TEST(BadInput, JpegCutInsideSignature) { expect_error({0xFF, 0xD8}, ErrorCode::kTruncated, "truncated"); }

TEST(BadInput, TruncatedPng) {
  Bytes b = small_png();
  b.resize(b.size() - 20);
  expect_error(b, ErrorCode::kTruncated, "truncated PNG");
  b.resize(30);
  expect_error(b, ErrorCode::kTruncated, "truncated PNG");
  b.resize(5);
  expect_error(b, ErrorCode::kTruncated, "truncated");
}

TEST(BadInput, HtmlPageNamedJpeg) {
  const std::string html = "<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head></html>\n";
  expect_error(Bytes(html.begin(), html.end()), ErrorCode::kUnknownFormat, "first bytes 3c 21 44 4f");
  expect_error(Bytes(html.begin(), html.end()), ErrorCode::kUnknownFormat, "HTML");
}

TEST(BadInput, JpegHeaderDeclaring50000x50000) {
  Bytes b = small_jpeg();
  const std::size_t sof = find_marker(b, 0xC0);
  ASSERT_LT(sof, b.size());
  for (std::size_t at : {sof + 5, sof + 7}) {  // height, width
    b[at] = 50000 >> 8;
    b[at + 1] = 50000 & 0xff;
  }
  expect_error(b, ErrorCode::kTooLarge, "50000x50000");
}

TEST(BadInput, PngHeaderDeclaring50000x50000) {
  Bytes b = small_png();
  for (std::size_t at : {16u, 20u}) {
    b[at] = 0;
    b[at + 1] = 0;
    b[at + 2] = 50000 >> 8;
    b[at + 3] = 50000 & 0xff;
  }
  expect_error(b, ErrorCode::kTooLarge, "50000x50000");
}

TEST(BadInput, MegapixelLimit) {
  Bytes b = small_png();
  b[18] = 8000 >> 8, b[19] = 8000 & 0xff;  // width 8000
  b[22] = 6000 >> 8, b[23] = 6000 & 0xff;  // height 6000: 48 MP
  expect_error(b, ErrorCode::kTooLarge, "48.0 megapixels; the limit is 40.0");
}

TEST(BadInput, LimitsAreConfigurable) {
  DecodeLimits tight;
  tight.max_pixels = 1000;
  expect_error(small_png(), ErrorCode::kTooLarge, "megapixels", tight);
  tight = {};
  tight.max_side = 50;
  expect_error(small_png(), ErrorCode::kTooLarge, "64x48 pixels; the limit is 50", tight);
}

TEST(BadInput, GarbageAfterValidJpegMarker) {
  std::uint32_t state = 12345;
  for (int round = 0; round < 200; ++round) {
    Bytes b = {0xFF, 0xD8, 0xFF, 0xE0};
    for (int i = 0; i < 300; ++i) {
      state = state * 1664525u + 1013904223u;
      b.push_back(static_cast<std::uint8_t>(state >> 24));
    }
    auto result = decode(b);
    ASSERT_FALSE(result.ok());
    EXPECT_NE(result.error().message.find("JPEG"), std::string::npos) << result.error().message;
  }
}

TEST(BadInput, OneByOnePixel) {
  test::RawImage one{1, 1, 1, 8, {77}};
  const Bytes b = test::encode_png(one);
  expect_error(b, ErrorCode::kTooSmall, "image is 1x1 pixels");
  DecodeLimits any;
  any.min_side = 1;
  auto result = decode(b, any);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->gray.pixels, std::vector<std::uint8_t>{77});
}

TEST(BadInput, HuffmanTableWithTooManyCodes) {
  // stb_image 2.27 writes past its 256-entry value array for such a table. The segment really
  // holds 257 values, so only the code-count check can refuse it.
  Bytes b = {0xFF, 0xD8, 0xFF, 0xC4};
  const int length = 2 + 1 + 16 + 257;
  b.push_back(static_cast<std::uint8_t>(length >> 8));
  b.push_back(static_cast<std::uint8_t>(length & 0xff));
  b.push_back(0x00);  // DC table 0
  for (int len = 1; len <= 16; ++len) b.push_back(len == 15 ? 2 : len == 16 ? 255 : 0);
  for (int i = 0; i < 257; ++i) b.push_back(static_cast<std::uint8_t>(i));
  b.insert(b.end(), {0xFF, 0xD9});
  expect_error(b, ErrorCode::kCorrupt, "Huffman table with 257 codes (at most 256)");
}

TEST(BadInput, DuplicateJpegComponentIds) {
  // stb picks the first component with an id, a naive check the last: refuse the ambiguity.
  Bytes b = small_jpeg();
  const std::size_t sof = find_marker(b, 0xC0);
  ASSERT_LT(sof, b.size());
  b[sof + 10 + 3] = b[sof + 10];  // second component gets the first one's id
  expect_error(b, ErrorCode::kCorrupt, "same id");
}

TEST(BadInput, BmpPixelOutsideItsPalette) {
  // stb keeps the palette in an uninitialised stack array: an index past the entries the file
  // gives would read garbage.
  test::RawImage img{20, 20, 1, 8, std::vector<std::uint16_t>(400, 3)};
  Bytes b = test::encode_bmp(img);  // 256-entry palette
  const std::uint32_t offset = 14 + 40 + 2 * 4;  // keep 2 entries: move the pixels up
  Bytes shorter(b.begin(), b.begin() + 14 + 40 + 8);
  shorter.insert(shorter.end(), b.begin() + 14 + 40 + 1024, b.end());
  for (int i = 0; i < 4; ++i) shorter[10 + i] = static_cast<std::uint8_t>(offset >> (8 * i));
  expect_error(shorter, ErrorCode::kCorrupt, "colour 3 of a 2-entry palette");
  // The scan of every pixel comes after the size limits: an image over them is refused by its
  // size, before a single palette index is read.
  DecodeLimits small;
  small.max_side = 19;
  expect_error(shorter, ErrorCode::kTooLarge, "limit is 19 pixels", small);
  EXPECT_TRUE(probe_image(shorter.data(), shorter.size()).ok()) << "the probe reads headers only";
}

TEST(BadInput, ScanWithUndefinedHuffmanTable) {
  // stb reads uninitialised memory when a scan selects a table no DHT defined.
  Bytes b = small_jpeg();
  const std::size_t sos = find_marker(b, 0xDA);
  ASSERT_LT(sos, b.size());
  b[sos + 6] = 0x33;  // component 1: DC table 3, AC table 3
  expect_error(b, ErrorCode::kCorrupt, "undefined");
}

TEST(BadInput, ArithmeticJpegIsUnsupported) {
  Bytes b = small_jpeg();
  b[find_marker(b, 0xC0) + 1] = 0xC9;
  expect_error(b, ErrorCode::kUnsupported, "arithmetic");
}

TEST(BadInput, TruncatedBmpAndPnm) {
  const auto img = test::synthetic_xray(40, 30, 3, 8, 3);
  Bytes bmp = test::encode_bmp(img);
  bmp.resize(bmp.size() - 100);
  expect_error(bmp, ErrorCode::kTruncated, "truncated BMP");
  Bytes pnm = test::encode_pnm(img, 255);
  pnm.resize(pnm.size() - 1);
  expect_error(pnm, ErrorCode::kTruncated, "truncated PNM");
}

TEST(BadInput, EveryPrefixOfValidFilesIsRefusedCleanly) {
  // Cutting a file anywhere must give an error, never a crash or a half image.
  for (const Bytes& full : {small_jpeg(), small_png(), test::encode_bmp(test::synthetic_xray(20, 20, 3, 8, 4)),
                            test::encode_pnm(test::synthetic_xray(20, 20, 1, 16, 5), 65535)}) {
    for (std::size_t n = 0; n < full.size(); n += 1 + n / 16) {
      auto result = decode(Bytes(full.begin(), full.begin() + n));
      EXPECT_FALSE(result.ok()) << "prefix of " << n << " of " << full.size() << " bytes decoded";
    }
    EXPECT_TRUE(decode(full).ok());
  }
}

}  // namespace
}  // namespace xray
