#include "textures.h"

#include <algorithm>
#include <cmath>

namespace xray::app {
namespace {

// format: GL_RGBA (4 bytes per pixel) or GL_LUMINANCE (1 byte, sampled as gray: WebGL2 keeps
// this unsized format for exactly such uploads).
void upload_pixels(Texture& t, const std::uint8_t* pixels, int width, int height, GLenum format, GLint filter) {
  if (t.id == 0) glGenTextures(1, &t.id);
  glBindTexture(GL_TEXTURE_2D, t.id);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, filter);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, filter);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexImage2D(GL_TEXTURE_2D, 0, format, width, height, 0, format, GL_UNSIGNED_BYTE, pixels);
  t.width = width;
  t.height = height;
}

// Five stops: dark blue, blue, cyan-green, yellow, red.
void heat_rgb(float t, float rgb[3]) {
  static const float stops[5][3] = {{0.05f, 0.05f, 0.35f}, {0.1f, 0.3f, 0.9f}, {0.1f, 0.8f, 0.6f}, {1.0f, 0.9f, 0.1f}, {0.9f, 0.1f, 0.1f}};
  t = std::clamp(t, 0.0f, 1.0f) * 4.0f;
  const int i = std::min(3, static_cast<int>(t));
  const float f = t - i;
  for (int c = 0; c < 3; ++c) rgb[c] = stops[i][c] + (stops[i + 1][c] - stops[i][c]) * f;
}

}  // namespace

// One byte per pixel as it is: a quarter of an RGBA upload, and no copy to expand it (the shown
// film's upload is the longest step of the frame that shows it).
void upload_gray(Texture& texture, const GrayImage& image) {
  upload_pixels(texture, image.pixels.data(), image.width, image.height, GL_LUMINANCE, GL_LINEAR);
}

void upload_heatmap(Texture& texture, const std::vector<float>& cam, int width, int height) {
  const auto [lo, hi] = std::minmax_element(cam.begin(), cam.end());
  const float range = *hi - *lo > 1e-6f ? *hi - *lo : 1.0f;
  std::vector<std::uint8_t> rgba(cam.size() * 4);
  for (std::size_t i = 0; i < cam.size(); ++i) {
    const float t = (cam[i] - *lo) / range;
    float rgb[3];
    heat_rgb(t, rgb);
    for (int c = 0; c < 3; ++c) rgba[4 * i + c] = static_cast<std::uint8_t>(rgb[c] * 255.0f + 0.5f);
    // Weak evidence stays see-through: alpha rises smoothly from 0 at t = 0.3 to 1 at t = 1.
    const float a = std::clamp((t - 0.3f) / 0.7f, 0.0f, 1.0f);
    rgba[4 * i + 3] = static_cast<std::uint8_t>(a * a * (3 - 2 * a) * 255.0f + 0.5f);
  }
  upload_pixels(texture, rgba.data(), width, height, GL_RGBA, GL_LINEAR);
}

std::uint32_t heat_colour(float t, float alpha) {
  float rgb[3];
  heat_rgb(t, rgb);
  auto byte = [](float v) { return static_cast<std::uint32_t>(std::clamp(v, 0.0f, 1.0f) * 255.0f + 0.5f); };
  return byte(rgb[0]) | (byte(rgb[1]) << 8) | (byte(rgb[2]) << 16) | (byte(alpha) << 24);
}

}  // namespace xray::app
