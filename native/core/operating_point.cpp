#include "operating_point.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace xray {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Pair {
  double score;
  bool positive;
};

std::vector<Pair> usable(const std::vector<float>& scores, const std::vector<int>& labels) {
  std::vector<Pair> out;
  const std::size_t n = std::min(scores.size(), labels.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isfinite(scores[i])) out.push_back({scores[i], labels[i] != 0});
  }
  return out;
}

}  // namespace

double sigmoid_of(double logit) { return 1.0 / (1.0 + std::exp(-logit)); }
double logit_of(double p) {
  p = std::clamp(p, 1e-7, 1 - 1e-7);
  return std::log(p / (1 - p));
}
double PlattScaling::probability(double logit) const { return sigmoid_of(apply_logit(logit)); }

PlattScaling fit_platt(const std::vector<float>& logits, const std::vector<int>& labels) {
  const std::vector<Pair> pairs = usable(logits, labels);
  double positives = 0;
  for (const Pair& p : pairs) positives += p.positive;
  const double negatives = static_cast<double>(pairs.size()) - positives;
  if (positives == 0 || negatives == 0) return {};
  const double hi = (positives + 1) / (positives + 2), lo = 1 / (negatives + 2);
  // Mean negative log-likelihood of sigmoid(a z + b) against the smoothed targets.
  auto loss = [&](double a, double b) {
    double sum = 0;
    for (const Pair& p : pairs) {
      const double t = p.positive ? hi : lo, f = a * p.score + b;
      // log(1 + e^f) - t f, computed without overflow
      sum += (f > 0 ? f + std::log1p(std::exp(-f)) : std::log1p(std::exp(f))) - t * f;
    }
    return sum / static_cast<double>(pairs.size());
  };
  PlattScaling s;
  double current = loss(s.a, s.b);
  for (int iteration = 0; iteration < 100; ++iteration) {
    double ga = 0, gb = 0, haa = 1e-12, hab = 0, hbb = 1e-12;
    for (const Pair& p : pairs) {
      const double t = p.positive ? hi : lo, q = sigmoid_of(s.a * p.score + s.b), w = q * (1 - q);
      ga += (q - t) * p.score, gb += q - t;
      haa += w * p.score * p.score, hab += w * p.score, hbb += w;
    }
    const double det = haa * hbb - hab * hab;
    if (!(det > 0)) break;
    const double da = -(hbb * ga - hab * gb) / det, db = -(haa * gb - hab * ga) / det;
    // Backtracking: Newton's step can overshoot where the loss is flat.
    double step = 1;
    while (step > 1e-10 && loss(s.a + step * da, s.b + step * db) > current) step /= 2;
    if (step <= 1e-10) break;
    s.a += step * da, s.b += step * db;
    const double next = loss(s.a, s.b);
    const bool converged = current - next < 1e-12;
    current = next;
    if (converged) break;
  }
  return s;
}

std::vector<ReliabilityBin> reliability_bins(const std::vector<float>& probabilities, const std::vector<int>& labels, int bins) {
  bins = std::max(1, bins);
  std::vector<ReliabilityBin> out(bins);
  for (int b = 0; b < bins; ++b) out[b].lower = static_cast<double>(b) / bins, out[b].upper = static_cast<double>(b + 1) / bins;
  for (const Pair& p : usable(probabilities, labels)) {
    const int b = std::clamp(static_cast<int>(p.score * bins), 0, bins - 1);
    out[b].count += 1;
    out[b].mean_predicted += p.score;
    out[b].observed += p.positive;
  }
  for (ReliabilityBin& bin : out) {
    if (bin.count == 0) continue;
    bin.mean_predicted /= static_cast<double>(bin.count);
    bin.observed /= static_cast<double>(bin.count);
  }
  return out;
}

double expected_calibration_error(const std::vector<float>& probabilities, const std::vector<int>& labels, int bins) {
  std::int64_t total = 0;
  double sum = 0;
  for (const ReliabilityBin& bin : reliability_bins(probabilities, labels, bins)) {
    total += bin.count;
    sum += static_cast<double>(bin.count) * std::abs(bin.observed - bin.mean_predicted);
  }
  return total == 0 ? kNaN : sum / static_cast<double>(total);
}

ThresholdChoice choose_threshold_j_centre(const std::vector<float>& scores, const std::vector<int>& labels) {
  std::vector<Pair> pairs = usable(scores, labels);
  std::sort(pairs.begin(), pairs.end(), [](const Pair& x, const Pair& y) { return x.score > y.score; });
  std::int64_t positives = 0, negatives = 0;
  for (const Pair& p : pairs) (p.positive ? positives : negatives) += 1;
  ThresholdChoice best;
  if (positives == 0 || negatives == 0) return best;
  // Walk the distinct scores from the top. Admitting every score >= s_k gives J_k, the same J for
  // any threshold in (s_{k+1}, s_k]. Equal J on neighbouring steps joins their intervals.
  // J is compared as the integer tp N - fp P so that equal values tie exactly.
  struct Interval {
    double lower, upper;
    std::int64_t j;
  };
  std::vector<Interval> intervals;
  std::int64_t tp = 0, fp = 0;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    (pairs[i].positive ? tp : fp) += 1;
    if (i + 1 < pairs.size() && pairs[i + 1].score == pairs[i].score) continue;
    const double upper = pairs[i].score;
    // Below the lowest score every film is admitted (J = 0): the interval stays open one unit down.
    const double lower = i + 1 < pairs.size() ? pairs[i + 1].score : upper - 1.0;
    const std::int64_t j = tp * negatives - fp * positives;
    if (!intervals.empty() && intervals.back().j == j && intervals.back().lower == upper) {
      intervals.back().lower = lower;
    } else {
      intervals.push_back({lower, upper, j});
    }
  }
  std::int64_t best_j = std::numeric_limits<std::int64_t>::min();
  for (const Interval& in : intervals) best_j = std::max(best_j, in.j);
  double widest = -1;
  for (const Interval& in : intervals) {
    if (in.j != best_j || in.upper - in.lower <= widest) continue;
    widest = in.upper - in.lower;
    best.lower = in.lower, best.upper = in.upper;
  }
  best.threshold = (best.lower + best.upper) / 2;
  best.youden_j = static_cast<double>(best_j) / (static_cast<double>(positives) * static_cast<double>(negatives));
  return best;
}

double threshold_for_sensitivity(const std::vector<float>& scores, const std::vector<int>& labels, double target) {
  std::vector<Pair> pairs = usable(scores, labels);
  std::vector<double> positive_scores;
  for (const Pair& p : pairs) {
    if (p.positive) positive_scores.push_back(p.score);
  }
  if (positive_scores.empty()) return kNaN;
  std::sort(positive_scores.begin(), positive_scores.end(), std::greater<>());
  // The k highest PNEUMONIA scores must be admitted, k = ceil(target P).
  const std::size_t need = std::clamp<std::size_t>(
      static_cast<std::size_t>(std::ceil(std::clamp(target, 0.0, 1.0) * static_cast<double>(positive_scores.size()) - 1e-9)), 1,
      positive_scores.size());
  const double admit = positive_scores[need - 1];
  // The next lower score of any film; one unit below when there is none.
  double below = admit - 1.0;
  for (const Pair& p : pairs) {
    if (p.score < admit) below = std::max(below, p.score);
  }
  return (admit + below) / 2;
}

}  // namespace xray
