// The whole pipeline: bytes -> decode -> gray -> resize -> uint8 model-size image -> normalize.
//
// The uint8 stage is public on purpose: the trainer caches it and augments it, the browser and the
// CLI normalize it at once. Both then see the same bits.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "xray/decode.h"
#include "xray/expected.h"
#include "xray/image.h"
#include "xray/preprocess_spec.h"

namespace xray {

struct PreprocessedImage {
  ImageInfo source;   // format and size of the input file
  GrayImage pixels;   // spec.width x spec.height, 8-bit
  double colour_fraction = 0;  // of the source image's pixels (gray.h)
};

// Decode and resize to the spec's size; the result is what the trainer caches.
Expected<PreprocessedImage> preprocess_pixels(const std::uint8_t* data, std::size_t size,
                                              const PreprocessSpec& spec,
                                              const DecodeLimits& limits = {});

// Resize an already decoded gray image by the spec's rule.
GrayImage resize_for_spec(const GrayImage& gray, const PreprocessSpec& spec);

// 256-entry table: lut[p] = (float(p) / 255.0f - mean) / std, evaluated in float32.
std::array<float, 256> normalization_table(const PreprocessSpec& spec);

// 1 x H x W float32 tensor from model-size pixels.
Tensor normalize(const GrayImage& pixels, const PreprocessSpec& spec);

// preprocess_pixels + normalize.
Expected<Tensor> preprocess(const std::uint8_t* data, std::size_t size, const PreprocessSpec& spec,
                            const DecodeLimits& limits = {});

}  // namespace xray
