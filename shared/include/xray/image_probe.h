// Identify an image from its bytes and check its structure before any decoder touches it.
//
// stb_image trusts its input too much (out-of-bounds writes on bad Huffman tables, huge allocations
// from a 1 KB header, silent zero-fill of truncated files). probe_image() walks the container
// itself, bounds-checked, and refuses with a reason anything stb_image should not see.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "xray/expected.h"

namespace xray {

enum class ImageFormat { kJpeg, kPng, kBmp, kPnm, kDicom };

const char* image_format_name(ImageFormat format);

struct ImageInfo {
  ImageFormat format = ImageFormat::kJpeg;
  int width = 0;
  int height = 0;
  int channels = 0;          // as stored: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA (JPEG: 1 or 3)
  int bits_per_channel = 8;  // 8 or 16; DICOM: bits stored, 1..16
  bool progressive = false;  // JPEG only
};

// Accepted image sizes. Refusals happen before decoding, from the header alone.
struct DecodeLimits {
  int max_side = 30000;               // width and height, each
  std::int64_t max_pixels = 40000000;  // 40 megapixels
  int min_side = 16;                  // smaller cannot be a radiograph worth classifying
};

// DICOM is recognised by content, "DICM" after a 128-byte preamble, whatever the file's name:
// folder scans use this to take DICOM files that have no extension.
bool looks_like_dicom(const std::uint8_t* data, std::size_t size);

// Reads the header and walks the whole container structure; does not decode pixels.
Expected<ImageInfo> probe_image(const std::uint8_t* data, std::size_t size);

// Checks probe results against limits; the message names the size and the limit.
Expected<ImageInfo> check_limits(const ImageInfo& info, const DecodeLimits& limits);

}  // namespace xray
