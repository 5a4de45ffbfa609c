// JPEG lossless, process 14 (ITU-T T.81 annex H): Huffman coded differences from one of the
// seven predictors, with a point transform, 2 to 16 bits per sample. DICOM's most common
// compressed syntax for CR/DX radiographs (1.2.840.10008.1.2.4.70, predictor 1, and .57, any
// predictor); neither stb_image nor Debian's libjpeg-turbo decodes it, so it is done here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "xray/expected.h"

namespace xray {

struct LosslessImage {
  int width = 0;
  int height = 0;
  int components = 0;
  int precision = 0;                   // bits per sample, 2..16
  std::vector<std::uint16_t> samples;  // interleaved, width * height * components
};

// The frame must be expected_width x expected_height with expected_components components (the
// container's description, already checked against the size limits): that bounds the allocation.
Expected<LosslessImage> decode_jpeg_lossless(const std::uint8_t* data, std::size_t size, int expected_width,
                                             int expected_height, int expected_components);

}  // namespace xray
