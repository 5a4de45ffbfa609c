// One container walker per format; image_probe.cpp sniffs the format and dispatches.
#pragma once

#include <cstddef>
#include <cstdint>

#include "xray/image_probe.h"

namespace xray {

Expected<ImageInfo> probe_jpeg(const std::uint8_t* data, std::size_t size);
Expected<ImageInfo> probe_png(const std::uint8_t* data, std::size_t size);
Expected<ImageInfo> probe_bmp(const std::uint8_t* data, std::size_t size);
Expected<ImageInfo> probe_pnm(const std::uint8_t* data, std::size_t size);

// Palette BMPs: every pixel's index must be inside the palette stb_image reads. A scan of every
// pixel, so decode_gray runs it only once the size limits have passed.
Expected<bool> check_bmp_palette_indices(const std::uint8_t* data, std::size_t size);

}  // namespace xray
