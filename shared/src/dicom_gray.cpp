// DICOM samples to the 8-bit gray image that preprocessing works on. This is part of the
// preprocessing contract (README, "DICOM"); every stored code goes through one table:
//
//   code    = (cell >> (HighBit + 1 - BitsStored)) & (2^BitsStored - 1), sign-extended when
//             PixelRepresentation is 1
//   with a Window Center c / Width w (the first pair), on x = code * RescaleSlope + RescaleIntercept:
//     LINEAR (PS3.3 C.11.2.1.2.1, the default; w >= 1):
//       x <= c - 0.5 - (w-1)/2 -> 0;  x > c - 0.5 + (w-1)/2 -> 255;
//       else ((x - (c - 0.5)) / (w-1) + 0.5) * 255, rounded half up
//     LINEAR_EXACT (C.11.2.1.3.2; w > 0): x <= c - w/2 -> 0; x > c + w/2 -> 255;
//       else ((x - c) / w + 0.5) * 255, rounded half up
//     SIGMOID is read as LINEAR (its exp() would not give the same bits everywhere)
//   without a usable window, the full stored range, as for 16-bit PNG and PGM:
//     v8 = (u * 255 + max / 2) / max,  max = 2^BitsStored - 1,  u = code (+ 2^(BitsStored-1) if signed)
//   MONOCHROME1 (bone dark in storage): v8 = 255 - v8.
// Colour samples are brought to 8 bits by the full-range rule, then to gray by gray.h's rule.
// Doubles without fused multiply-add (CMake: -ffp-contract=off) give the same table natively and
// in WebAssembly.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "dicom.h"
#include "xray/decode.h"
#include "xray/gray.h"

namespace xray {
namespace {

std::uint8_t clamp_round(double y) {
  if (y <= 0) return 0;
  if (y >= 255) return 255;
  return static_cast<std::uint8_t>(std::floor(y + 0.5));
}

// The window as a function of the modality value x, or nothing when the file has no usable one.
struct Window {
  bool usable = false;
  bool exact = false;
  double center = 0;
  double width = 0;

  std::uint8_t apply(double x) const {
    if (exact) {
      if (x <= center - width / 2) return 0;
      if (x > center + width / 2) return 255;
      return clamp_round(((x - center) / width + 0.5) * 255);
    }
    if (x <= center - 0.5 - (width - 1) / 2) return 0;
    if (x > center - 0.5 + (width - 1) / 2) return 255;
    return clamp_round(((x - (center - 0.5)) / (width - 1) + 0.5) * 255);
  }
};

Window window_of(const DicomPixelModule& m) {
  Window w;
  if (!m.has_window()) return w;
  w.exact = m.voi_lut_function == "LINEAR_EXACT";
  w.center = m.window_center;
  w.width = m.window_width;
  w.usable = w.exact ? m.window_width > 0 : m.window_width >= 1;
  // A width of exactly 1 leaves LINEAR's middle case empty: the two comparisons decide.
  return w;
}

std::uint8_t full_range(std::uint32_t u, std::uint32_t max) {
  return static_cast<std::uint8_t>((static_cast<std::uint64_t>(u) * 255 + max / 2) / max);
}

// 8-bit gray for every stored code 0 .. 2^bits - 1.
std::vector<std::uint8_t> monochrome_table(const DicomPixelModule& m, int bits, bool is_signed) {
  const std::uint32_t codes = 1u << bits, max = codes - 1, half = codes / 2;
  const Window window = window_of(m);
  const bool invert = m.photometric == "MONOCHROME1";
  std::vector<std::uint8_t> table(codes);
  for (std::uint32_t code = 0; code < codes; ++code) {
    const std::int64_t value = is_signed && code >= half ? static_cast<std::int64_t>(code) - codes : code;
    std::uint8_t v8;
    if (window.usable) {
      v8 = window.apply(static_cast<double>(value) * m.rescale_slope + m.rescale_intercept);
    } else {
      v8 = full_range(static_cast<std::uint32_t>(is_signed ? value + half : value), max);
    }
    table[code] = invert ? static_cast<std::uint8_t>(255 - v8) : v8;
  }
  return table;
}

GrayImage samples_to_gray(const DicomSamples& samples, const DicomPixelModule& m) {
  const int shift = m.high_bit + 1 - m.bits_stored;
  const std::uint32_t mask = (1u << m.bits_stored) - 1;
  const std::size_t count = samples.values.size();
  if (samples.samples_per_pixel == 1) {
    const std::vector<std::uint8_t> table = monochrome_table(m, m.bits_stored, m.pixel_representation == 1);
    GrayImage out;
    out.width = samples.width;
    out.height = samples.height;
    out.pixels.resize(count);
    for (std::size_t i = 0; i < count; ++i) out.pixels[i] = table[(samples.values[i] >> shift) & mask];
    return out;
  }
  std::vector<std::uint8_t> rgb(count);
  for (std::size_t i = 0; i < count; ++i) rgb[i] = full_range((samples.values[i] >> shift) & mask, mask);
  return to_gray(rgb.data(), samples.width, samples.height, samples.samples_per_pixel);
}

// JPEG baseline frames are ordinary JPEG files: decoded by the same path as a .jpg (so a DICOM
// wrapping a JPEG gives that JPEG's pixels), then windowed or inverted like any 8-bit gray.
Expected<GrayImage> baseline_to_gray(const DicomFile& file, const DecodeLimits& limits) {
  auto bytes = first_frame_bytes(file);
  if (!bytes) return bytes.error();
  if (bytes->size() < 3 || (*bytes)[0] != 0xFF || (*bytes)[1] != 0xD8 || (*bytes)[2] != 0xFF) {
    return Error{ErrorCode::kCorrupt, "corrupt DICOM: the JPEG baseline frame does not start with a JPEG marker"};
  }
  auto decoded = decode_gray(bytes->data(), bytes->size(), limits);  // and its size must match the header's
  if (!decoded && decoded.error().code == ErrorCode::kUnsupported) {
    return Error{ErrorCode::kUnsupported, "unsupported DICOM transfer syntax " + file.syntax.uid + " (" +
                                              file.syntax.name + ") with this frame: " + decoded.error().message};
  }
  if (!decoded) return decoded.error();
  const DicomPixelModule& m = file.pixels;
  if (decoded->gray.width != m.columns || decoded->gray.height != m.rows) {
    return Error{ErrorCode::kCorrupt, "corrupt DICOM: the JPEG frame is " + std::to_string(decoded->gray.width) +
                                          "x" + std::to_string(decoded->gray.height) + ", the header says " +
                                          std::to_string(m.columns) + "x" + std::to_string(m.rows)};
  }
  GrayImage gray = std::move(decoded->gray);
  if (decoded->info.channels == 1) {
    const std::vector<std::uint8_t> table = monochrome_table(m, 8, false);
    for (std::uint8_t& p : gray.pixels) p = table[p];
  }
  return gray;
}

}  // namespace

Expected<GrayImage> decode_dicom_gray(const DicomFile& file, const DecodeLimits& limits) {
  if (file.syntax.encoding == PixelEncoding::kJpegBaseline) return baseline_to_gray(file, limits);
  auto samples = decode_first_frame(file);
  if (!samples) return samples.error();
  return samples_to_gray(*samples, file.pixels);
}

}  // namespace xray
