#include "ood_fit.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace xray {

Expected<OodTap> fit_ood_tap(const std::vector<double>& features, int channels) {
  const std::size_t c = static_cast<std::size_t>(channels);
  if (channels < 1 || features.size() % c != 0) return Error{ErrorCode::kInvalidSpec, "OOD fit: features are not rows of the tap width"};
  const std::size_t n = features.size() / c;
  if (n < 2) return Error{ErrorCode::kInvalidSpec, "OOD fit: needs at least 2 training films"};
  std::vector<double> mean(c, 0.0), cov(c * c, 0.0);
  for (std::size_t r = 0; r < n; ++r)
    for (std::size_t i = 0; i < c; ++i) mean[i] += features[r * c + i];
  for (double& m : mean) m /= static_cast<double>(n);
  for (std::size_t r = 0; r < n; ++r) {
    const double* f = &features[r * c];
    for (std::size_t i = 0; i < c; ++i)
      for (std::size_t j = 0; j <= i; ++j) cov[i * c + j] += (f[i] - mean[i]) * (f[j] - mean[j]);
  }
  double trace = 0;
  for (std::size_t i = 0; i < c; ++i) {
    for (std::size_t j = 0; j <= i; ++j) cov[i * c + j] /= static_cast<double>(n - 1);
    trace += cov[i * c + i];
  }
  // Shrink, and keep a floor so that an all-constant tap still has an invertible covariance.
  const double ridge = std::max(kOodShrinkage * trace / static_cast<double>(c), 1e-12);
  for (std::size_t i = 0; i < c; ++i) {
    for (std::size_t j = 0; j <= i; ++j) cov[i * c + j] *= 1 - kOodShrinkage;
    cov[i * c + i] += ridge;
  }
  // Cholesky: Sigma = L L^T (lower triangle of cov).
  std::vector<double> l(c * c, 0.0);
  for (std::size_t i = 0; i < c; ++i) {
    for (std::size_t j = 0; j <= i; ++j) {
      double sum = cov[i * c + j];
      for (std::size_t k = 0; k < j; ++k) sum -= l[i * c + k] * l[j * c + k];
      if (i == j) {
        if (!(sum > 0)) return Error{ErrorCode::kInvalidSpec, "OOD fit: covariance is not positive definite"};
        l[i * c + i] = std::sqrt(sum);
      } else {
        l[i * c + j] = sum / l[j * c + j];
      }
    }
  }
  // d^2 = |L^-1 (f - mean)|^2. With row vectors, z = (f - mean) W where W = (L^-1)^T.
  std::vector<double> inverse(c * c, 0.0);  // L^-1, lower triangular, by forward substitution
  for (std::size_t col = 0; col < c; ++col) {
    for (std::size_t i = col; i < c; ++i) {
      double sum = i == col ? 1.0 : 0.0;
      for (std::size_t k = col; k < i; ++k) sum -= l[i * c + k] * inverse[k * c + col];
      inverse[i * c + col] = sum / l[i * c + i];
    }
  }
  const double scale = 1.0 / std::sqrt(static_cast<double>(c));
  OodTap tap;
  tap.channels = channels;
  tap.mean.assign(mean.begin(), mean.end());
  tap.whitening.assign(c * c, 0.0f);
  for (std::size_t i = 0; i < c; ++i)
    for (std::size_t j = 0; j < c; ++j) tap.whitening[i * c + j] = static_cast<float>(inverse[j * c + i] * scale);
  return tap;
}

double ood_distance(const OodTap& tap, const double* f) {
  const std::size_t c = static_cast<std::size_t>(tap.channels);
  double sum = 0;
  for (std::size_t j = 0; j < c; ++j) {
    double z = 0;
    for (std::size_t i = 0; i < c; ++i) z += (f[i] - tap.mean[i]) * tap.whitening[i * c + j];
    sum += z * z;
  }
  return sum;
}

void rescale_ood_tap(OodTap& tap, double by) {
  const double factor = 1.0 / std::sqrt(by);
  for (float& w : tap.whitening) w = static_cast<float>(w * factor);
}

double quantile_of(std::vector<float> values, double q) {
  values.erase(std::remove_if(values.begin(), values.end(), [](float v) { return !std::isfinite(v); }), values.end());
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(values.begin(), values.end());
  const double position = std::clamp(q, 0.0, 1.0) * static_cast<double>(values.size() - 1);
  const std::size_t below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(values.size() - 1, below + 1);
  return values[below] + (position - static_cast<double>(below)) * (values[above] - values[below]);
}

double ood_limit(const std::vector<float>& validation_scores, const OodLimitRule& rule) {
  return rule.factor * quantile_of(validation_scores, rule.quantile);
}

std::string OodLimitRule::describe() const {
  char text[160];
  std::snprintf(text, sizeof text, "%g x the %g%% quantile of the validation films' scores", factor, quantile * 100);
  return text;
}

}  // namespace xray
