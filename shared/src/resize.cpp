#include "xray/resize.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace xray {
namespace {

// For each output position: the first input index, the tap count, and normalised weights.
struct Taps {
  std::vector<int> first;
  std::vector<int> count;
  std::vector<float> weights;  // out_size * max_count, row per output
  int max_count = 0;
};

Taps triangle_taps(int in_size, int out_size) {
  const double scale = static_cast<double>(in_size) / out_size;
  const double support = std::max(scale, 1.0);  // tent half-width, widened when shrinking
  Taps t;
  t.max_count = static_cast<int>(std::ceil(support)) * 2 + 1;
  t.first.resize(out_size);
  t.count.resize(out_size);
  t.weights.assign(static_cast<std::size_t>(out_size) * t.max_count, 0.0f);
  std::vector<double> w(t.max_count);
  for (int i = 0; i < out_size; ++i) {
    const double center = (i + 0.5) * scale;
    const int lo = std::max(0, static_cast<int>(center - support + 0.5));
    const int hi = std::min(in_size, static_cast<int>(center + support + 0.5));
    double sum = 0.0;
    int n = 0;
    for (int x = lo; x < hi && n < t.max_count; ++x, ++n) {
      const double d = std::fabs((x + 0.5 - center) / support);
      w[n] = d < 1.0 ? 1.0 - d : 0.0;
      sum += w[n];
    }
    t.first[i] = lo;
    t.count[i] = n;
    float* row = &t.weights[static_cast<std::size_t>(i) * t.max_count];
    for (int k = 0; k < n; ++k) row[k] = static_cast<float>(sum > 0.0 ? w[k] / sum : 1.0 / n);
  }
  return t;
}

std::uint8_t round_to_u8(float v) {
  if (!(v > 0.0f)) return 0;
  if (v >= 255.0f) return 255;
  return static_cast<std::uint8_t>(v + 0.5f);
}

}  // namespace

GrayImage resize_triangle(const GrayImage& in, int out_width, int out_height) {
  const Taps tx = triangle_taps(in.width, out_width);
  const Taps ty = triangle_taps(in.height, out_height);

  // Horizontal pass: in.height rows of out_width floats.
  std::vector<float> rows(static_cast<std::size_t>(in.height) * out_width);
  for (int y = 0; y < in.height; ++y) {
    const std::uint8_t* src = &in.pixels[static_cast<std::size_t>(y) * in.width];
    float* dst = &rows[static_cast<std::size_t>(y) * out_width];
    for (int x = 0; x < out_width; ++x) {
      const float* w = &tx.weights[static_cast<std::size_t>(x) * tx.max_count];
      const std::uint8_t* s = src + tx.first[x];
      float acc = 0.0f;
      for (int k = 0; k < tx.count[x]; ++k) acc += w[k] * static_cast<float>(s[k]);
      dst[x] = acc;
    }
  }

  // Vertical pass, accumulated a whole output row at a time so memory is read in order.
  GrayImage out;
  out.width = out_width;
  out.height = out_height;
  out.pixels.resize(static_cast<std::size_t>(out_width) * out_height);
  std::vector<float> acc(out_width);
  for (int y = 0; y < out_height; ++y) {
    std::fill(acc.begin(), acc.end(), 0.0f);
    const float* w = &ty.weights[static_cast<std::size_t>(y) * ty.max_count];
    for (int k = 0; k < ty.count[y]; ++k) {
      const float* src = &rows[static_cast<std::size_t>(ty.first[y] + k) * out_width];
      for (int x = 0; x < out_width; ++x) acc[x] += w[k] * src[x];
    }
    std::uint8_t* dst = &out.pixels[static_cast<std::size_t>(y) * out_width];
    for (int x = 0; x < out_width; ++x) dst[x] = round_to_u8(acc[x]);
  }
  return out;
}

GrayImage resize_letterbox(const GrayImage& in, int out_width, int out_height) {
  const double scale = std::min(static_cast<double>(out_width) / in.width,
                                static_cast<double>(out_height) / in.height);
  const int w = std::max(1, std::min(out_width, static_cast<int>(std::lround(in.width * scale))));
  const int h = std::max(1, std::min(out_height, static_cast<int>(std::lround(in.height * scale))));
  const GrayImage fitted = resize_triangle(in, w, h);
  GrayImage out;
  out.width = out_width;
  out.height = out_height;
  out.pixels.assign(static_cast<std::size_t>(out_width) * out_height, 0);
  const int x0 = (out_width - w) / 2, y0 = (out_height - h) / 2;
  for (int y = 0; y < h; ++y) {
    std::copy_n(&fitted.pixels[static_cast<std::size_t>(y) * w], w,
                &out.pixels[static_cast<std::size_t>(y + y0) * out_width + x0]);
  }
  return out;
}

}  // namespace xray
