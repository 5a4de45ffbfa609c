// Small helpers for the two GL textures the page shows: the X-ray and its heatmap.
#pragma once

#include <GLES3/gl3.h>

#include <cstdint>
#include <vector>

#include "xray/image.h"

namespace xray::app {

struct Texture {
  GLuint id = 0;
  int width = 0, height = 0;
};

// Gray image -> RGBA texture (WebGL samples .rgba; a one-channel texture would show red).
void upload_gray(Texture& texture, const GrayImage& image);

// Class activation map -> RGBA heatmap: values scaled to 0..1 within the map, coloured from
// transparent dark blue through yellow to opaque red, linearly filtered so it is smooth when
// stretched over the image.
void upload_heatmap(Texture& texture, const std::vector<float>& cam, int width, int height);

// A colour on the same scale, for the legend.
std::uint32_t heat_colour(float t, float alpha);

}  // namespace xray::app
