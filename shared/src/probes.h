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

}  // namespace xray
