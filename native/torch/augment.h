// Augmentation for radiographs, on whatever device the batch lives on: one random affine warp per
// image (rotation, shift, zoom, a little anisotropy; bilinear, black outside), then photometric
// changes that mimic other scanners and exposure settings: gamma, contrast, brightness, blur or
// sharpening, noise. No flips: a mirrored chest puts the heart on the wrong side, and
// upside-down films do not occur.
#pragma once

#include <torch/torch.h>

#include <string>

namespace xray {

struct AugmentOptions {
  double rotation_degrees = 7.0;  // uniform in [-r, r]
  double shift = 0.06;            // fraction of the image size, each axis
  double zoom = 0.10;             // scale uniform in [1 - z, 1 + z]
  double aspect = 0.0;            // extra x/y scale ratio, uniform in [1 - a, 1 + a]
  double brightness = 0.08;       // added to pixel/255, uniform in [-b, b]
  double contrast = 0.15;         // around each image's mean, factor in [1 - c, 1 + c]
  double gamma = 0.0;             // pixel^g with log g uniform in [-gamma, gamma]
  double sharpen = 0.0;           // x + k (x - blur3x3(x)), k uniform in [-s, s] (negative blurs)
  double noise = 0.0;             // Gaussian noise, sd uniform in [0, noise]
};

// The recipes by name: "light" (the first recipe's values above), "strong" (the shift-robust
// default: stronger geometry and every photometric change) and "stress" (stronger still, used
// only to perturb validation films and so emulate a new scanner; never for training).
AugmentOptions augment_preset(const std::string& name);
// One line for the model card.
std::string describe(const AugmentOptions& options);

// pixels: N x 1 x H x W float in [0, 1]. Uses the global torch generator (seeded per epoch).
torch::Tensor augment_batch(const torch::Tensor& pixels, const AugmentOptions& options);

}  // namespace xray
