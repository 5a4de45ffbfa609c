#include "xray/image_probe.h"

#include <cstdio>
#include <cstring>

#include "byte_reader.h"
#include "dicom.h"
#include "probes.h"

namespace xray {

const char* image_format_name(ImageFormat format) {
  switch (format) {
    case ImageFormat::kJpeg: return "JPEG";
    case ImageFormat::kPng: return "PNG";
    case ImageFormat::kBmp: return "BMP";
    case ImageFormat::kPnm: return "PNM";
    case ImageFormat::kDicom: return "DICOM";
  }
  return "?";
}

std::string hex_prefix(const std::uint8_t* data, std::size_t size, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < size && i < n; ++i) {
    char byte[4];
    std::snprintf(byte, sizeof byte, "%s%02x", i ? " " : "", data[i]);
    out += byte;
  }
  return out;
}

namespace {

bool starts_with(const std::uint8_t* data, std::size_t size, const char* magic, std::size_t n) {
  return size >= n && std::memcmp(data, magic, n) == 0;
}

// A DICOM data set written without the Part 10 header (no preamble, no "DICM") starts with a
// group 0008 element, little endian: 08 00 xx 00, then two capital letters (a VR) or a length.
bool looks_like_headerless_dicom(const std::uint8_t* data, std::size_t size) {
  if (size < 8 || data[0] != 0x08 || data[1] != 0x00 || data[3] != 0x00) return false;
  const bool vr = data[4] >= 'A' && data[4] <= 'Z' && data[5] >= 'A' && data[5] <= 'Z';
  const bool implicit_length = data[6] == 0x00 && data[7] == 0x00;
  return vr || implicit_length;
}

bool looks_like_text(const std::uint8_t* data, std::size_t size) {
  std::size_t n = size < 64 ? size : 64;
  for (std::size_t i = 0; i < n; ++i) {
    std::uint8_t c = data[i];
    if (c < 0x09 || (c > 0x0d && c < 0x20) || c == 0x7f) return false;
  }
  return n > 0;
}

}  // namespace

Expected<ImageInfo> probe_image(const std::uint8_t* data, std::size_t size) {
  if (data == nullptr || size == 0) {
    return Error{ErrorCode::kEmptyInput, "empty input: the file has zero bytes"};
  }
  // DICOM first: its 128-byte preamble may hold anything, even another format's signature.
  if (looks_like_dicom(data, size)) return probe_dicom(data, size);
  if (starts_with(data, size, "\xff\xd8\xff", 3)) return probe_jpeg(data, size);
  if (starts_with(data, size, "\x89PNG\r\n\x1a\n", 8)) return probe_png(data, size);
  if (starts_with(data, size, "BM", 2)) return probe_bmp(data, size);
  if (starts_with(data, size, "P5", 2) || starts_with(data, size, "P6", 2)) {
    return probe_pnm(data, size);
  }
  // A file cut inside its signature is truncated, not unknown.
  if ((size < 3 && starts_with(data, size, "\xff\xd8\xff", size)) ||
      (size < 8 && starts_with(data, size, "\x89PNG\r\n\x1a\n", size))) {
    return Error{ErrorCode::kTruncated,
                 "truncated: only " + std::to_string(size) + " bytes, the image header is cut off"};
  }
  std::string what = "not an image this reader knows (first bytes " + hex_prefix(data, size) + ")";
  if (looks_like_text(data, size)) what += "; it looks like text, perhaps an HTML page or a note";
  if (looks_like_headerless_dicom(data, size)) {
    what += "; it looks like a DICOM data set without the Part 10 header (no \"DICM\" at byte 128): "
            "add one, e.g. with dcmtk's dcmconv +F";
  }
  return Error{ErrorCode::kUnknownFormat,
               what + "; expected JPEG, PNG, BMP, binary PGM/PPM or DICOM"};
}

Expected<ImageInfo> check_limits(const ImageInfo& info, const DecodeLimits& limits) {
  const std::string size = std::to_string(info.width) + "x" + std::to_string(info.height);
  if (info.width > limits.max_side || info.height > limits.max_side) {
    return Error{ErrorCode::kTooLarge, "image is " + size + " pixels; the limit is " +
                                           std::to_string(limits.max_side) + " pixels per side"};
  }
  const std::int64_t pixels = static_cast<std::int64_t>(info.width) * info.height;
  if (pixels > limits.max_pixels) {
    char mp[64];
    std::snprintf(mp, sizeof mp, "%.1f megapixels; the limit is %.1f megapixels",
                  pixels / 1e6, limits.max_pixels / 1e6);
    return Error{ErrorCode::kTooLarge, "image is " + size + " pixels, " + mp};
  }
  if (info.width < limits.min_side || info.height < limits.min_side) {
    return Error{ErrorCode::kTooSmall,
                 "image is " + size + " pixels; the smallest accepted is " +
                     std::to_string(limits.min_side) + "x" + std::to_string(limits.min_side) +
                     " (too small to be a radiograph)"};
  }
  return info;
}

}  // namespace xray
