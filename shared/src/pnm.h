// Binary PGM (P5) and PPM (P6). Decoded here rather than by stb_image, whose 2.27 PNM reader
// neither scales by maxval nor converts 16-bit samples correctly.
#pragma once

#include <cstddef>
#include <cstdint>

#include "xray/expected.h"
#include "xray/image.h"

namespace xray {

struct PnmHeader {
  int width = 0;
  int height = 0;
  int channels = 0;          // 1 for P5, 3 for P6
  int max_value = 0;         // 1..65535; over 255 means 2 bytes per sample, big-endian
  std::size_t data_offset = 0;
};

// Validates the header and that all samples are present.
Expected<PnmHeader> parse_pnm_header(const std::uint8_t* data, std::size_t size);

// Samples scaled to 0..255 by v8 = (v * 255 + max / 2) / max, then to gray (gray.h).
GrayImage decode_pnm_gray(const std::uint8_t* data, const PnmHeader& header);

}  // namespace xray
