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
        o[i] = luma_bt601(to8(in[3 * i]), to8(in[3 * i + 1]), to8(in[3 * i + 2]));
      }
      break;
    default:
      for (std::size_t i = 0; i < n; ++i) {
        const Sample* p = in + 4 * i;
        o[i] = over_black(luma_bt601(to8(p[0]), to8(p[1]), to8(p[2])), to8(p[3]));
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

}  // namespace xray
