// The out-of-distribution gate's statistics: at each tap of the network (model_spec.h,
// ood_tap_layers) the spatially pooled features of the training films are summarised by their
// mean and a shrunk covariance. A tap's distance is the squared Mahalanobis distance divided by
// the tap's width and by the 99th percentile of that value over the validation films, so 1 means
// "as far as the farthest 1% of validation films" at every depth. A film's score is the largest
// of its taps' distances: an image may look ordinary to the deep layers and still be nothing like
// a film to the early ones (texture, contrast), and a mean over taps would water that down.
// No LibTorch: the network applies these numbers (model.cpp), the ONNX graph holds them
// (onnx_writer.cpp).
#pragma once

#include <string>
#include <vector>

#include "xray/expected.h"

namespace xray {

struct OodTap {
  int channels = 0;
  std::vector<float> mean;       // channels
  std::vector<float> whitening;  // channels x channels, row-major: z = (f - mean) W, score += |z|^2
};

// Shrinkage toward a multiple of the identity, Sigma' = (1 - s) Sigma + s (trace / C) I: a
// channel that barely moves on training films (a dead ReLU) must not make a tiny change on a new
// scanner look like a different world.
constexpr double kOodShrinkage = 0.1;

// features: one row of `channels` values per training film. W is scaled by 1 / sqrt(channels).
Expected<OodTap> fit_ood_tap(const std::vector<double>& features, int channels);
// |(f - mean) W|^2 for one film's features (channels values).
double ood_distance(const OodTap& tap, const double* features);
// Divides the tap's distances by `by` (W scaled by 1 / sqrt(by)).
void rescale_ood_tap(OodTap& tap, double by);
// The percentile used to put the taps on one scale (see above).
constexpr double kOodTapQuantile = 0.99;

// The limit rule: `factor` times the `quantile` (0..1) of the validation films' scores. The
// margin allows for films from other scanners, which are still chest X-rays.
struct OodLimitRule {
  double quantile = 0.99;
  double factor = 2.0;
  std::string describe() const;
};
double ood_limit(const std::vector<float>& validation_scores, const OodLimitRule& rule);

// Besides the score: the share of clearly coloured pixels (shared/include/xray/gray.h) above which
// an image is flagged, whatever its score. A coloured arrow or label on a film stays far below.
constexpr double kOodColourLimit = 0.05;

// The q-quantile (0..1) by linear interpolation between order statistics; NaN when empty.
double quantile_of(std::vector<float> values, double q);

}  // namespace xray
