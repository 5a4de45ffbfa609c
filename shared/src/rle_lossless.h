// DICOM RLE Lossless (PS3.5 annex G): a 64-byte header of segment offsets, then one PackBits
// segment per byte plane (most significant byte of each sample first). Small enough to write here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "xray/expected.h"

namespace xray {

// One frame, returned in the layout of uncompressed DICOM pixel data: samples interleaved, each
// sample bytes_per_sample bytes, little endian. The sizes come from the container, already
// checked against the size limits.
Expected<std::vector<std::uint8_t>> decode_dicom_rle(const std::uint8_t* data, std::size_t size, int width,
                                                     int height, int samples_per_pixel, int bytes_per_sample);

}  // namespace xray
