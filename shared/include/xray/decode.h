// Decode image bytes (JPEG baseline/progressive, PNG 8/16-bit, BMP, PGM/PPM, DICOM) to one gray
// channel.
#pragma once

#include <cstddef>
#include <cstdint>

#include "xray/expected.h"
#include "xray/image.h"
#include "xray/image_probe.h"

namespace xray {

struct DecodedImage {
  ImageInfo info;   // what the file was
  GrayImage gray;   // what preprocessing works on
};

// probe_image + check_limits + stb_image + to_gray. Never aborts; on failure, says why.
Expected<DecodedImage> decode_gray(const std::uint8_t* data, std::size_t size,
                                   const DecodeLimits& limits = {});

}  // namespace xray
