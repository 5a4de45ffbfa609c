// Colour to gray, in integer arithmetic so every platform gets the same bits.
//
//   Y  = (299 R + 587 G + 114 B + 500) / 1000      ITU-R BT.601 luma weights, rounded;
//                                                   R = G = B gives Y = R exactly
//   Y' = (Y A + 127) / 255                          alpha composited over black, rounded
//                                                   (a radiograph's empty background is black)
// 16-bit samples are first brought to 8 bits by rounding: v8 = (v16 * 255 + 32767) / 65535.
#pragma once

#include <cstdint>

#include "xray/image.h"

namespace xray {

// A pixel counts as coloured when its channels, in 8 bits, spread by more than this: well above
// the one or two levels JPEG's chroma rounding leaves on a gray image stored as colour.
constexpr int kColourTolerance = 24;

std::uint8_t luma_bt601(std::uint8_t r, std::uint8_t g, std::uint8_t b);
std::uint8_t over_black(std::uint8_t y, std::uint8_t alpha);
std::uint8_t to_8bit(std::uint16_t v);

// Interleaved 8-bit samples with 1 (gray), 2 (gray+alpha), 3 (RGB) or 4 (RGBA) channels. The
// result's coloured_pixels counts the (R, G, B) pixels that are coloured (kColourTolerance).
GrayImage to_gray(const std::uint8_t* interleaved, int width, int height, int channels);
// The same for 16-bit samples.
GrayImage to_gray(const std::uint16_t* interleaved, int width, int height, int channels);

// Share of coloured pixels, 0..1 (0 for an empty image).
double colour_fraction(const GrayImage& image);

}  // namespace xray
