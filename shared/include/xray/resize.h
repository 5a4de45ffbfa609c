// Antialiased resampling of gray images.
//
// Separable triangle (tent) filter whose support grows with the downscale factor, the rule Pillow
// uses for Image.resize(BILINEAR): output pixel i covers input centre (i + 0.5) * scale, every
// input pixel within `scale` of it contributes with weight 1 - |d| / scale, weights normalised to
// sum 1. At a ~7x downscale each output averages ~14x14 inputs, so no aliasing. Horizontal pass
// first, in float32 with weights in input order; the result is rounded half up and clamped to
// 0..255. Plain float32 arithmetic, no FMA contraction: same bits natively and in WASM.
#pragma once

#include "xray/image.h"

namespace xray {

// Any size to any size (both sides >= 1).
GrayImage resize_triangle(const GrayImage& in, int out_width, int out_height);

// Keep the aspect ratio: scale to fit inside out_width x out_height, centre, pad with black.
GrayImage resize_letterbox(const GrayImage& in, int out_width, int out_height);

}  // namespace xray
