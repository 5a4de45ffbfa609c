// DICOM: the 8-bit rule by hand, the container's variants, the lossless JPEG decoder on what dcmtk
// cannot make (restart intervals, every predictor with 3 components and odd sizes), refusals.
// Runs natively and in WASM; tests/scripts/dicom_test.sh checks against pydicom and dcmtk.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <utility>
#include <vector>

#include "dicom_writer.h"
#include "jpeg_lossless.h"
#include "xray/decode.h"

namespace xray {
namespace {

using test::Bytes;
using test::DicomDescription;

constexpr const char* kLosslessSv1 = "1.2.840.10008.1.2.4.70";
constexpr const char* kLossless = "1.2.840.10008.1.2.4.57";

DecodeLimits any_size() {
  DecodeLimits limits;
  limits.min_side = 1;
  return limits;
}

// A one-row image holding the given stored values; returns the decoded 8-bit row.
std::vector<int> gray_of(DicomDescription d, const std::vector<std::uint16_t>& values) {
  d.rows = 1;
  d.columns = static_cast<int>(values.size());
  const Bytes file = test::encode_dicom(d, values);
  auto decoded = decode_gray(file.data(), file.size(), any_size());
  EXPECT_TRUE(decoded.ok()) << decoded.error().message;
  if (!decoded) return {};
  EXPECT_EQ(decoded->info.format, ImageFormat::kDicom);
  return std::vector<int>(decoded->gray.pixels.begin(), decoded->gray.pixels.end());
}

std::vector<std::uint16_t> random_samples(std::size_t n, int bits, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<std::uint16_t> v(n);
  for (auto& s : v) s = static_cast<std::uint16_t>(rng() & ((1u << bits) - 1));
  return v;
}

TEST(Dicom, FullStoredRangeFollowsThe16BitPngRule) {
  DicomDescription d;
  EXPECT_EQ(gray_of(d, {0, 128, 257, 32896, 65535}), (std::vector<int>{0, 0, 1, 128, 255}));
  d.bits_stored = 12;  // max 4095: (v * 255 + 2047) / 4095
  EXPECT_EQ(gray_of(d, {0, 16, 2048, 4095}), (std::vector<int>{0, 1, 128, 255}));
  d.bits_allocated = d.bits_stored = 8;
  EXPECT_EQ(gray_of(d, {0, 1, 127, 255}), (std::vector<int>{0, 1, 127, 255}));
}

TEST(Dicom, Monochrome1IsInverted) {
  DicomDescription d;
  d.photometric = "MONOCHROME1";
  EXPECT_EQ(gray_of(d, {0, 257, 65535}), (std::vector<int>{255, 254, 0}));
}

TEST(Dicom, SignedSamplesAreOffsetBeforeTheFullRangeRule) {
  DicomDescription d;
  d.pixel_representation = 1;
  // -32768, -1, 0, 32767 as two's complement cells
  EXPECT_EQ(gray_of(d, {0x8000, 0xFFFF, 0, 0x7FFF}), (std::vector<int>{0, 127, 128, 255}));
}

TEST(Dicom, BitsAroundTheStoredBitsAreIgnored) {
  DicomDescription d;
  d.bits_stored = 8;
  d.high_bit = 11;  // the sample sits in bits 4..11
  EXPECT_EQ(gray_of(d, {0xF00F, 0x0FF0, 0x8085}), (std::vector<int>{0, 255, 8}));
}

TEST(Dicom, LinearWindowByHand) {
  DicomDescription d;
  d.decimal_strings = {{0x1050, "100"}, {0x1051, "51"}};
  // edges at 74.5 and 124.5; inside ((x - 99.5) / 50 + 0.5) * 255, rounded half up
  EXPECT_EQ(gray_of(d, {74, 75, 100, 124, 125}), (std::vector<int>{0, 3, 130, 252, 255}));
  // the window applies to x = stored * slope + intercept: 100 = 100 * 2 - 100
  d.decimal_strings.push_back({0x1053, "2"});
  d.decimal_strings.push_back({0x1052, "-100"});
  EXPECT_EQ(gray_of(d, {100}), (std::vector<int>{130}));
}

TEST(Dicom, LinearExactWindowByHand) {
  DicomDescription d;
  d.decimal_strings = {{0x1050, "100"}, {0x1051, "50"}, {0x1056, "LINEAR_EXACT"}};
  EXPECT_EQ(gray_of(d, {75, 76, 100, 125, 126}), (std::vector<int>{0, 5, 128, 255, 255}));
}

TEST(Dicom, WindowWidthUnderOneFallsBackToTheFullRange) {
  DicomDescription d;
  d.decimal_strings = {{0x1050, "100"}, {0x1051, "0.5"}};
  EXPECT_EQ(gray_of(d, {0, 65535}), (std::vector<int>{0, 255}));
}

TEST(Dicom, ImplicitAndExplicitVrGiveTheSameImage) {
  DicomDescription d;
  d.decimal_strings = {{0x1050, "30000"}, {0x1051, "20000"}};
  const auto values = random_samples(64, 16, 3);
  const auto explicit_vr = gray_of(d, values);
  d.transfer_syntax = "1.2.840.10008.1.2";
  EXPECT_EQ(gray_of(d, values), explicit_vr);
}

// The same stored cells as an uncompressed file and as JPEG lossless SV1 (restart every N rows).
std::pair<Bytes, Bytes> plain_and_lossless(DicomDescription d, const std::vector<std::uint16_t>& cells, int restart_rows) {
  const Bytes plain = test::encode_dicom(d, cells);
  d.transfer_syntax = kLosslessSv1;
  const Bytes jpeg = test::encode_jpeg_lossless(cells, d.columns, d.rows, 1, d.bits_stored, 1, 0, restart_rows);
  return {plain, test::encode_dicom_encapsulated(d, {}, {jpeg})};
}

struct LosslessCase {
  int components, precision, predictor, point_transform, restart_rows;
};

TEST(JpegLossless, RoundTripsEveryPredictorWithRestartsAndPointTransforms) {
  const int width = 37, height = 23;  // odd sizes: no predictor may assume even ones
  std::vector<LosslessCase> cases;
  for (int components : {1, 3}) {
    for (int precision : {2, 8, 12, 16}) {
      for (int predictor = 1; predictor <= 7; ++predictor) {
        for (int restart_rows : {0, 1, 5}) cases.push_back({components, precision, predictor, 0, restart_rows});
        if (precision > 4) cases.push_back({components, precision, predictor, 3, 2});
      }
    }
  }
  for (const LosslessCase& c : cases) {
    SCOPED_TRACE(testing::Message() << c.components << " components, " << c.precision << " bits, predictor "
                                    << c.predictor << ", point transform " << c.point_transform << ", restart every "
                                    << c.restart_rows << " rows");
    auto samples = random_samples(static_cast<std::size_t>(width) * height * c.components, c.precision,
                                  c.predictor * 100 + c.precision);
    const Bytes jpeg = test::encode_jpeg_lossless(samples, width, height, c.components, c.precision, c.predictor,
                                                  c.point_transform, c.restart_rows);
    auto decoded = decode_jpeg_lossless(jpeg.data(), jpeg.size(), width, height, c.components);
    ASSERT_TRUE(decoded.ok()) << decoded.error().message;
    for (auto& s : samples) s = static_cast<std::uint16_t>(s >> c.point_transform << c.point_transform);
    EXPECT_EQ(decoded->samples, samples);
  }
}

TEST(JpegLossless, LongCodesSeparateScansAndRedefinedTables) {
  // Codes over 8 bits take the decoder's slow path; one scan per component with table 0
  // redefined before each (5-bit codes, then 12-bit, then 5-bit): nothing of a table may survive
  // its redefinition.
  const int width = 19, height = 11;
  for (const test::LosslessCoding& coding : {test::LosslessCoding{12, false, false}, test::LosslessCoding{16, true, false},
                                              test::LosslessCoding{5, true, true}}) {
    SCOPED_TRACE(testing::Message() << coding.code_length << "-bit codes, scan per component " << coding.scan_per_component
                                    << ", table per scan " << coding.table_per_scan);
    const auto samples = random_samples(static_cast<std::size_t>(width) * height * 3, 12, 77);
    const Bytes jpeg = test::encode_jpeg_lossless(samples, width, height, 3, 12, 4, 0, 3, coding);
    auto decoded = decode_jpeg_lossless(jpeg.data(), jpeg.size(), width, height, 3);
    ASSERT_TRUE(decoded.ok()) << decoded.error().message;
    EXPECT_EQ(decoded->samples, samples);
  }
}

TEST(JpegLossless, DifferenceOf32768HasNoExtraBits) {
  // 16 bits: the first sample is predicted as 2^15, so 0 there is a difference of -32768 (SSSS 16).
  std::vector<std::uint16_t> samples = {0, 65535, 32768, 1, 0, 0, 65535, 65535};
  const Bytes jpeg = test::encode_jpeg_lossless(samples, 4, 2, 1, 16, 1, 0, 0);
  auto decoded = decode_jpeg_lossless(jpeg.data(), jpeg.size(), 4, 2, 1);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->samples, samples);
}

TEST(JpegLossless, OversubscribedHuffmanTablesAreRefusedBeforeUse) {
  const std::vector<std::uint16_t> samples(64, 100);
  for (int codes : {3, 255}) {  // more 1-bit codes than one bit allows
    Bytes jpeg = test::encode_jpeg_lossless(samples, 8, 8, 1, 8, 1, 0, 0);
    std::size_t dht = 2;
    while (dht + 1 < jpeg.size() && !(jpeg[dht] == 0xFF && jpeg[dht + 1] == 0xC4)) ++dht;
    ASSERT_LT(dht + 1, jpeg.size());
    // A replacement table: `codes` codes of 1 bit, values 0.
    Bytes table = {0xFF, 0xC4, static_cast<std::uint8_t>((2 + 17 + codes) >> 8), static_cast<std::uint8_t>((2 + 17 + codes) & 0xFF), 0x00,
                   static_cast<std::uint8_t>(codes)};
    table.insert(table.end(), 15, 0);
    table.insert(table.end(), static_cast<std::size_t>(codes), 0);
    const std::size_t old_length = 2 + ((jpeg[dht + 2] << 8) | jpeg[dht + 3]);
    jpeg.erase(jpeg.begin() + dht, jpeg.begin() + dht + old_length);
    jpeg.insert(jpeg.begin() + dht, table.begin(), table.end());
    auto decoded = decode_jpeg_lossless(jpeg.data(), jpeg.size(), 8, 8, 1);
    ASSERT_FALSE(decoded.ok());
    EXPECT_NE(decoded.error().message.find("more codes than its lengths allow"), std::string::npos) << decoded.error().message;
  }
}

TEST(JpegLossless, InsideDicomEqualsTheUncompressedFile) {
  DicomDescription d;
  d.rows = 40;
  d.columns = 30;
  d.bits_stored = 12;
  const auto [plain, lossless] = plain_and_lossless(d, random_samples(1200, 12, 9), 4);
  auto a = decode_gray(plain.data(), plain.size());
  auto b = decode_gray(lossless.data(), lossless.size());
  ASSERT_TRUE(a.ok() && b.ok()) << (a.ok() ? b.error().message : a.error().message);
  EXPECT_EQ(a->gray.pixels, b->gray.pixels);
}

TEST(Dicom, MultiFrameUsesTheFirstFrameWithOrWithoutOffsetTable) {
  DicomDescription d;
  d.rows = d.columns = 16;
  d.frames = 2;
  const auto first = random_samples(256, 16, 1), second = random_samples(256, 16, 2);
  std::vector<std::uint16_t> both = first;
  both.insert(both.end(), second.begin(), second.end());
  const Bytes plain = test::encode_dicom(d, both);
  DicomDescription one = d;
  one.frames = 1;
  const Bytes first_only = test::encode_dicom(one, first);
  auto expected = decode_gray(first_only.data(), first_only.size());
  ASSERT_TRUE(expected.ok());

  d.transfer_syntax = kLossless;
  Bytes f1 = test::encode_jpeg_lossless(first, 16, 16, 1, 16, 6, 0, 0);
  Bytes f2 = test::encode_jpeg_lossless(second, 16, 16, 1, 16, 6, 0, 0);
  if (f1.size() % 2) f1.push_back(0);
  // Frame 1 split in two fragments; the second frame starts with its own start-of-image.
  const std::size_t half = f1.size() / 2 & ~std::size_t{1};
  const Bytes part1(f1.begin(), f1.begin() + half), part2(f1.begin() + half, f1.end());
  const auto frame2_offset = static_cast<std::uint32_t>(8 + part1.size() + 8 + part2.size());
  for (const auto& offsets : {std::vector<std::uint32_t>{}, std::vector<std::uint32_t>{0, frame2_offset}}) {
    for (const Bytes& file : {plain, test::encode_dicom_encapsulated(d, offsets, {part1, part2, f2})}) {
      auto decoded = decode_gray(file.data(), file.size());
      ASSERT_TRUE(decoded.ok()) << decoded.error().message;
      EXPECT_EQ(decoded->gray.pixels, expected->gray.pixels) << offsets.size() << " offsets";
    }
  }
}

TEST(Dicom, EveryTruncationIsRefused) {
  DicomDescription d;
  d.rows = 20;
  d.columns = 16;
  const auto [plain, lossless] = plain_and_lossless(d, random_samples(320, 16, 4), 0);
  for (const Bytes& file : {plain, lossless}) {
    for (std::size_t n = 0; n < file.size(); ++n) {
      auto decoded = decode_gray(file.data(), n, any_size());
      ASSERT_FALSE(decoded.ok()) << "a file cut to " << n << " of " << file.size() << " bytes was accepted";
    }
    EXPECT_TRUE(decode_gray(file.data(), file.size(), any_size()).ok());
  }
}

TEST(Dicom, AHeaderlessDataSetIsRecognisedAsSuch) {
  DicomDescription d;
  d.rows = d.columns = 16;
  const Bytes file = test::encode_dicom(d, random_samples(256, 16, 6));
  // Skip the preamble, "DICM" and the meta group: the data set alone starts with (0008,0060).
  std::size_t start = 132;
  while (start + 1 < file.size() && !(file[start] == 0x08 && file[start + 1] == 0x00)) ++start;
  const Bytes data_set(file.begin() + start, file.end());
  auto decoded = decode_gray(data_set.data(), data_set.size());
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, ErrorCode::kUnknownFormat);
  EXPECT_NE(decoded.error().message.find("DICOM data set without the Part 10 header"), std::string::npos)
      << decoded.error().message;
}

TEST(Dicom, RefusalsNameTheReason) {
  DicomDescription d;
  d.rows = d.columns = 16;
  const auto cells = random_samples(256, 16, 5);
  auto refused = [](const Bytes& file, ErrorCode code, const std::string& words) {
    auto decoded = decode_gray(file.data(), file.size());
    ASSERT_FALSE(decoded.ok());
    EXPECT_EQ(decoded.error().code, code) << decoded.error().message;
    EXPECT_NE(decoded.error().message.find(words), std::string::npos) << decoded.error().message;
  };
  DicomDescription j2k = d;
  j2k.transfer_syntax = "1.2.840.10008.1.2.4.90";
  refused(test::encode_dicom_encapsulated(j2k, {}, {Bytes(64, 0)}), ErrorCode::kUnsupported,
          "unsupported DICOM transfer syntax 1.2.840.10008.1.2.4.90 (JPEG 2000)");
  DicomDescription huge = d;
  huge.rows = huge.columns = 20000;  // 400 megapixels described by 512 bytes of data
  refused(test::encode_dicom(huge, cells), ErrorCode::kTooLarge, "megapixels");
  DicomDescription palette = d;
  palette.photometric = "PALETTE COLOR";
  refused(test::encode_dicom(palette, cells), ErrorCode::kUnsupported, "PALETTE COLOR");
  DicomDescription restarts = d;
  restarts.transfer_syntax = kLosslessSv1;
  Bytes jpeg = test::encode_jpeg_lossless(cells, 16, 16, 1, 16, 1, 0, 1);
  for (std::size_t i = 0; i + 5 < jpeg.size(); ++i) {
    if (jpeg[i] == 0xFF && jpeg[i + 1] == 0xDD) jpeg[i + 5] = 7;  // 7 samples: not a whole row
  }
  refused(test::encode_dicom_encapsulated(restarts, {}, {jpeg}), ErrorCode::kUnsupported, "restart interval");
  DicomDescription wrong_size = restarts;
  wrong_size.rows = 17;
  refused(test::encode_dicom_encapsulated(wrong_size, {}, {test::encode_jpeg_lossless(cells, 16, 16, 1, 16, 1, 0, 0)}),
          ErrorCode::kCorrupt, "the container says 16x17");
}

}  // namespace
}  // namespace xray
