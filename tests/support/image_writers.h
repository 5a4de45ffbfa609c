// Encoders for test images, so the tests make every fixture themselves: PNG (8/16-bit, every
// colour type, uncompressed deflate), PGM/PPM, BMP, and baseline JPEG through stb_image_write.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace xray::test {

using Bytes = std::vector<std::uint8_t>;

// Interleaved samples, 8- or 16-bit, 1..4 channels (gray, gray+alpha, RGB, RGBA).
struct RawImage {
  int width = 0;
  int height = 0;
  int channels = 1;
  int bits = 8;
  std::vector<std::uint16_t> samples;  // width * height * channels

  std::uint16_t& at(int x, int y, int c) {
    return samples[(static_cast<std::size_t>(y) * width + x) * channels + c];
  }
};

// A deterministic picture with smooth structure and noise, roughly like a chest film.
RawImage synthetic_xray(int width, int height, int channels, int bits, std::uint32_t seed);

Bytes encode_png(const RawImage& image);
// 8-bit palette PNG: indices into a gray ramp palette; with tRNS alpha for index 0 when asked.
Bytes encode_png_palette(const RawImage& gray8, bool transparent_zero);
// Gray PNG whose tRNS marks one gray value as transparent.
Bytes encode_png_gray_trns(const RawImage& gray, std::uint16_t transparent_value);
// P5 (1 channel) or P6 (3 channels); samples above 255 need max_value > 255 (two bytes each).
Bytes encode_pnm(const RawImage& image, int max_value);
// 24-bit (3 channels), 32-bit (4 channels) or 8-bit palette (1 channel) BMP, bottom-up rows.
Bytes encode_bmp(const RawImage& image);
// Baseline JPEG, 3 components (stb_image_write writes gray as RGB).
Bytes encode_jpeg(const RawImage& image, int quality);

bool write_bytes(const std::string& path, const Bytes& bytes);

}  // namespace xray::test
