// Augmentation for radiographs, on whatever device the batch lives on: small rotations, shifts
// and zooms (one random affine warp per image, bilinear, black outside), brightness and contrast.
// No flips: a mirrored chest puts the heart on the wrong side, and upside-down films do not occur.
#pragma once

#include <torch/torch.h>

namespace xray {

struct AugmentOptions {
  double rotation_degrees = 7.0;  // uniform in [-r, r]
  double shift = 0.06;            // fraction of the image size, each axis
  double zoom = 0.10;             // scale uniform in [1 - z, 1 + z]
  double brightness = 0.08;       // added to pixel/255, uniform in [-b, b]
  double contrast = 0.15;         // around each image's mean, factor in [1 - c, 1 + c]
};

// pixels: N x 1 x H x W float in [0, 1]. Uses the global torch generator (seeded per epoch).
torch::Tensor augment_batch(const torch::Tensor& pixels, const AugmentOptions& options);

}  // namespace xray
