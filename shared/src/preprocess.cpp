#include "xray/preprocess.h"

#include "xray/gray.h"

#include "xray/resize.h"

namespace xray {

GrayImage resize_for_spec(const GrayImage& gray, const PreprocessSpec& spec) {
  if (spec.resize == ResizeRule::kLetterbox) return resize_letterbox(gray, spec.width, spec.height);
  return resize_triangle(gray, spec.width, spec.height);
}

Expected<PreprocessedImage> preprocess_pixels(const std::uint8_t* data, std::size_t size,
                                              const PreprocessSpec& spec, const DecodeLimits& limits) {
  auto valid = validate(spec);
  if (!valid) return valid.error();
  auto decoded = decode_gray(data, size, limits);
  if (!decoded) return decoded.error();
  PreprocessedImage out;
  out.source = decoded->info;
  out.colour_fraction = colour_fraction(decoded->gray);
  out.pixels = resize_for_spec(decoded->gray, spec);
  return out;
}

std::array<float, 256> normalization_table(const PreprocessSpec& spec) {
  std::array<float, 256> lut{};
  for (int p = 0; p < 256; ++p) lut[p] = (static_cast<float>(p) / 255.0f - spec.mean) / spec.std;
  return lut;
}

Tensor normalize(const GrayImage& pixels, const PreprocessSpec& spec) {
  const std::array<float, 256> lut = normalization_table(spec);
  Tensor t;
  t.channels = 1;
  t.height = pixels.height;
  t.width = pixels.width;
  t.data.resize(pixels.pixels.size());
  for (std::size_t i = 0; i < pixels.pixels.size(); ++i) t.data[i] = lut[pixels.pixels[i]];
  return t;
}

Expected<Tensor> preprocess(const std::uint8_t* data, std::size_t size, const PreprocessSpec& spec,
                            const DecodeLimits& limits) {
  auto pixels = preprocess_pixels(data, size, spec, limits);
  if (!pixels) return pixels.error();
  return normalize(pixels->pixels, spec);
}

}  // namespace xray
