// The out-of-distribution gate's statistics: at each tap of the network (model_spec.h,
// ood_tap_layers) the spatially averaged features of the training films are summarised by their
// mean and a shrunk covariance. A film's score is the mean over taps of its squared Mahalanobis
// distance divided by the tap's width, so a typical training film scores about 1 and a score of
// 10 is ten times as far, whatever the widths. No LibTorch: the network applies these numbers
// (model.cpp) and the ONNX graph holds them (onnx_writer.cpp).
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

// features: one row of `channels` values per training film. taps_total: how many taps share the
// score (each tap's W is scaled by 1 / sqrt(channels * taps_total)).
Expected<OodTap> fit_ood_tap(const std::vector<double>& features, int channels, int taps_total);

// The limit rule: `factor` times the `quantile` (0..1) of the validation films' scores. The
// margin allows for films from other scanners, which are still chest X-rays.
struct OodLimitRule {
  double quantile = 0.99;
  double factor = 2.0;
  std::string describe() const;
};
double ood_limit(const std::vector<float>& validation_scores, const OodLimitRule& rule);

// The q-quantile (0..1) by linear interpolation between order statistics; NaN when empty.
double quantile_of(std::vector<float> values, double q);

}  // namespace xray
