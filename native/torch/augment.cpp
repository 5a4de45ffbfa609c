#include "augment.h"

#include <cmath>
#include <cstdio>

namespace xray {

AugmentOptions augment_preset(const std::string& name) {
  AugmentOptions o;  // "light"
  if (name == "strong") {
    o.rotation_degrees = 10, o.shift = 0.08, o.zoom = 0.15, o.aspect = 0.08;
    o.brightness = 0.10, o.contrast = 0.25, o.gamma = 0.35, o.sharpen = 0.8, o.noise = 0.03;
  } else if (name == "stress") {
    o.rotation_degrees = 12, o.shift = 0.10, o.zoom = 0.18, o.aspect = 0.10;
    o.brightness = 0.15, o.contrast = 0.35, o.gamma = 0.5, o.sharpen = 1.2, o.noise = 0.05;
  }
  return o;
}

std::string describe(const AugmentOptions& o) {
  char text[320];
  std::snprintf(text, sizeof text,
                "rotation +-%g deg, shift +-%g%%, zoom +-%g%%, aspect +-%g%%, brightness +-%g, contrast +-%g%%, "
                "gamma exp(+-%g), blur/sharpen +-%g, noise sd <= %g; no flips",
                o.rotation_degrees, o.shift * 100, o.zoom * 100, o.aspect * 100, o.brightness, o.contrast * 100, o.gamma, o.sharpen,
                o.noise);
  return text;
}

torch::Tensor augment_batch(const torch::Tensor& x, const AugmentOptions& o) {
  namespace F = torch::nn::functional;
  const std::int64_t n = x.size(0);
  // On CUDA each draw is a kernel launch, which at small batches costs more than the arithmetic,
  // so a batch's numbers come from one draw there. On the CPU they are drawn one after another,
  // as before, so that recorded CPU runs stay reproducible.
  const bool one_draw = x.is_cuda();
  const torch::Tensor signed_draws = one_draw ? torch::rand({10, n}, x.options()) * 2 - 1 : torch::Tensor();
  int next_draw = 0;
  auto signed_unit = [&] { return one_draw ? signed_draws[next_draw++] : torch::rand({n}, x.options()) * 2 - 1; };
  auto uniform = [&](double half_width) { return signed_unit() * half_width; };  // n values in [-half_width, half_width]
  const torch::Tensor angle = uniform(o.rotation_degrees * M_PI / 180.0);
  const torch::Tensor scale = 1 + uniform(o.zoom);
  const torch::Tensor aspect = 1 + uniform(o.aspect);
  const torch::Tensor tx = uniform(2 * o.shift);  // affine_grid coordinates span [-1, 1]
  const torch::Tensor ty = uniform(2 * o.shift);
  const torch::Tensor sx = scale * aspect, sy = scale / aspect;
  const torch::Tensor theta = torch::stack({torch::stack({torch::cos(angle) / sx, -torch::sin(angle) / sx, tx}, 1),
                                            torch::stack({torch::sin(angle) / sy, torch::cos(angle) / sy, ty}, 1)},
                                           1);
  const torch::Tensor grid = F::affine_grid(theta, x.sizes(), /*align_corners=*/false);
  torch::Tensor y = F::grid_sample(x, grid, F::GridSampleFuncOptions().mode(torch::kBilinear).padding_mode(torch::kZeros).align_corners(false));

  const auto per_image = [n](const torch::Tensor& t) { return t.view({n, 1, 1, 1}); };
  if (o.gamma > 0) y = y.clamp(1e-6, 1).pow(per_image(torch::exp(uniform(o.gamma))));
  if (o.sharpen > 0) {
    const torch::Tensor box = torch::full({1, 1, 3, 3}, 1.0 / 9, x.options());
    const torch::Tensor blurred = F::conv2d(F::pad(y, F::PadFuncOptions({1, 1, 1, 1}).mode(torch::kReplicate)), box);
    y = y + per_image(uniform(o.sharpen)) * (y - blurred);
  }
  const torch::Tensor mean = y.mean({1, 2, 3}, /*keepdim=*/true);
  y = (y - mean) * per_image(1 + uniform(o.contrast)) + mean + per_image(uniform(o.brightness));
  if (o.noise > 0) {
    const torch::Tensor noise_sd = one_draw ? (signed_unit() + 1) * (o.noise / 2) : torch::rand({n}, x.options()) * o.noise;
    y = y + torch::randn_like(y) * per_image(noise_sd);
  }
  return y.clamp(0, 1);
}

}  // namespace xray
