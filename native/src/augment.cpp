#include "augment.h"

#include <cmath>

namespace xray {

torch::Tensor augment_batch(const torch::Tensor& x, const AugmentOptions& o) {
  namespace F = torch::nn::functional;
  const std::int64_t n = x.size(0);
  auto uniform = [&](double half_width) {  // n values uniform in [-half_width, half_width]
    return (torch::rand({n}, x.options()) * 2 - 1) * half_width;
  };
  const torch::Tensor angle = uniform(o.rotation_degrees * M_PI / 180.0);
  const torch::Tensor scale = 1 + uniform(o.zoom);
  const torch::Tensor tx = uniform(2 * o.shift);  // affine_grid coordinates span [-1, 1]
  const torch::Tensor ty = uniform(2 * o.shift);
  const torch::Tensor cos = torch::cos(angle) / scale, sin = torch::sin(angle) / scale;
  const torch::Tensor theta = torch::stack({torch::stack({cos, -sin, tx}, 1), torch::stack({sin, cos, ty}, 1)}, 1);
  const torch::Tensor grid = F::affine_grid(theta, x.sizes(), /*align_corners=*/false);
  torch::Tensor y = F::grid_sample(x, grid, F::GridSampleFuncOptions().mode(torch::kBilinear).padding_mode(torch::kZeros).align_corners(false));

  const torch::Tensor mean = y.mean({1, 2, 3}, /*keepdim=*/true);
  const torch::Tensor contrast = (1 + uniform(o.contrast)).view({n, 1, 1, 1});
  const torch::Tensor brightness = uniform(o.brightness).view({n, 1, 1, 1});
  return ((y - mean) * contrast + mean + brightness).clamp(0, 1);
}

}  // namespace xray
