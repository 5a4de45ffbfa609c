// Plain pixel containers shared by every stage of preprocessing.
#pragma once

#include <cstdint>
#include <vector>

namespace xray {

// One 8-bit gray channel, row-major, no padding.
struct GrayImage {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> pixels;  // width * height
  // Set by the colour-to-gray conversion (gray.h): how many source pixels were clearly coloured.
  // Radiographs are gray, so this is one of the cheap facts the out-of-distribution gate uses.
  std::int64_t coloured_pixels = 0;

  std::uint8_t at(int x, int y) const { return pixels[static_cast<std::size_t>(y) * width + x]; }
};

// The model's input: channels x height x width float32, row-major (CHW).
struct Tensor {
  int channels = 0;
  int height = 0;
  int width = 0;
  std::vector<float> data;
};

}  // namespace xray
