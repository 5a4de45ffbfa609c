#include "xray/gray.h"

#include <cstddef>

namespace xray {

std::uint8_t luma_bt601(std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  return static_cast<std::uint8_t>((299u * r + 587u * g + 114u * b + 500u) / 1000u);
}

std::uint8_t over_black(std::uint8_t y, std::uint8_t alpha) {
  return static_cast<std::uint8_t>((static_cast<unsigned>(y) * alpha + 127u) / 255u);
}

std::uint8_t to_8bit(std::uint16_t v) { return static_cast<std::uint8_t>((v * 255u + 32767u) / 65535u); }

namespace {

bool coloured(std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  const int hi = r > g ? (r > b ? r : b) : (g > b ? g : b);
  const int lo = r < g ? (r < b ? r : b) : (g < b ? g : b);
  return hi - lo > kColourTolerance;
}

template <typename Sample, typename To8>
GrayImage convert(const Sample* in, int width, int height, int channels, To8 to8) {
  GrayImage out;
  out.width = width;
  out.height = height;
  const std::size_t n = static_cast<std::size_t>(width) * height;
  out.pixels.resize(n);
  std::uint8_t* o = out.pixels.data();
  switch (channels) {
    case 1:
      for (std::size_t i = 0; i < n; ++i) o[i] = to8(in[i]);
      break;
    case 2:
      for (std::size_t i = 0; i < n; ++i) o[i] = over_black(to8(in[2 * i]), to8(in[2 * i + 1]));
      break;
    case 3:
      for (std::size_t i = 0; i < n; ++i) {
        const std::uint8_t r = to8(in[3 * i]), g = to8(in[3 * i + 1]), b = to8(in[3 * i + 2]);
        o[i] = luma_bt601(r, g, b);
        out.coloured_pixels += coloured(r, g, b);
      }
      break;
    default:
      for (std::size_t i = 0; i < n; ++i) {
        const Sample* p = in + 4 * i;
        const std::uint8_t r = to8(p[0]), g = to8(p[1]), b = to8(p[2]);
        o[i] = over_black(luma_bt601(r, g, b), to8(p[3]));
        out.coloured_pixels += coloured(r, g, b);
      }
      break;
  }
  return out;
}

}  // namespace

GrayImage to_gray(const std::uint8_t* in, int width, int height, int channels) {
  return convert(in, width, height, channels, [](std::uint8_t v) { return v; });
}

GrayImage to_gray(const std::uint16_t* in, int width, int height, int channels) {
  return convert(in, width, height, channels, to_8bit);
}

double colour_fraction(const GrayImage& image) {
  const auto n = static_cast<double>(image.width) * image.height;
  return n > 0 ? static_cast<double>(image.coloured_pixels) / n : 0.0;
}

}  // namespace xray
