// Binary classification metrics. Everything that ranks scores sorts once (O(n log n)) and walks
// the distinct scores from the highest down, so tied scores always move together.
#include "metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include <nlohmann/json.hpp>

namespace xray {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

struct Scored {
  double score;
  bool positive;
};

// The usable pairs: the overlap of the two vectors, NaN scores dropped (see metrics.h).
std::vector<Scored> usable_pairs(const std::vector<float>& scores, const std::vector<int>& labels) {
  const std::size_t n = std::min(scores.size(), labels.size());
  std::vector<Scored> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isnan(scores[i])) out.push_back({static_cast<double>(scores[i]), labels[i] != 0});
  }
  return out;
}

double ratio(double num, double den) { return den == 0 ? kNaN : num / den; }

// Cumulative counts after admitting every score >= threshold, one step per distinct score.
struct Step {
  double threshold;
  std::int64_t tp, fp;
};
struct Steps {
  std::vector<Step> steps;  // highest threshold first
  std::int64_t positives = 0, negatives = 0;
};

Steps descending_steps(const std::vector<float>& scores, const std::vector<int>& labels) {
  std::vector<Scored> pairs = usable_pairs(scores, labels);
  std::sort(pairs.begin(), pairs.end(), [](const Scored& a, const Scored& b) { return a.score > b.score; });
  Steps out;
  std::int64_t tp = 0, fp = 0;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    (pairs[i].positive ? tp : fp) += 1;
    // Emit only at the end of a run of equal scores: a threshold cannot split a tie.
    if (i + 1 == pairs.size() || pairs[i + 1].score != pairs[i].score) {
      out.steps.push_back({pairs[i].score, tp, fp});
    }
  }
  out.positives = tp;
  out.negatives = fp;
  return out;
}

}  // namespace

ConfusionMatrix confusion_at(const std::vector<float>& scores, const std::vector<int>& labels, double threshold) {
  ConfusionMatrix cm;
  for (const Scored& p : usable_pairs(scores, labels)) {
    const bool predicted = p.score >= threshold;
    if (p.positive) {
      (predicted ? cm.tp : cm.fn) += 1;
    } else {
      (predicted ? cm.fp : cm.tn) += 1;
    }
  }
  return cm;
}

std::vector<RocPoint> roc_curve(const std::vector<float>& scores, const std::vector<int>& labels) {
  const Steps s = descending_steps(scores, labels);
  if (s.positives == 0 || s.negatives == 0) return {};
  std::vector<RocPoint> out;
  out.reserve(s.steps.size() + 1);
  out.push_back({0.0, 0.0, kInf});  // nothing is predicted positive above every score
  const double p = static_cast<double>(s.positives), n = static_cast<double>(s.negatives);
  for (const Step& step : s.steps) out.push_back({step.fp / n, step.tp / p, step.threshold});
  return out;
}

double roc_auc(const std::vector<float>& scores, const std::vector<int>& labels) {
  // Mann-Whitney: AUC = (sum of positive ranks - P(P+1)/2) / (P N), with tied scores sharing the
  // mean of their ranks, which counts each tied positive-negative pair as 1/2.
  std::vector<Scored> pairs = usable_pairs(scores, labels);
  std::sort(pairs.begin(), pairs.end(), [](const Scored& a, const Scored& b) { return a.score < b.score; });
  double positive_rank_sum = 0;
  std::int64_t positives = 0;
  for (std::size_t begin = 0; begin < pairs.size();) {
    std::size_t end = begin;
    std::int64_t tied_positives = 0;
    while (end < pairs.size() && pairs[end].score == pairs[begin].score) tied_positives += pairs[end++].positive;
    const double mid_rank = (static_cast<double>(begin + 1) + static_cast<double>(end)) / 2;  // ranks are 1-based
    positive_rank_sum += mid_rank * static_cast<double>(tied_positives);
    positives += tied_positives;
    begin = end;
  }
  const double p = static_cast<double>(positives);
  const double n = static_cast<double>(pairs.size()) - p;
  if (p == 0 || n == 0) return kNaN;
  return (positive_rank_sum - p * (p + 1) / 2) / (p * n);
}

std::vector<PrPoint> pr_curve(const std::vector<float>& scores, const std::vector<int>& labels) {
  const Steps s = descending_steps(scores, labels);
  if (s.positives == 0) return {};
  std::vector<PrPoint> out;
  out.reserve(s.steps.size() + 1);
  out.push_back({0.0, 1.0, kInf});  // the conventional start, as scikit-learn appends it
  const double p = static_cast<double>(s.positives);
  for (const Step& step : s.steps) {
    out.push_back({step.tp / p, static_cast<double>(step.tp) / static_cast<double>(step.tp + step.fp), step.threshold});
  }
  return out;
}

double pr_auc(const std::vector<float>& scores, const std::vector<int>& labels) {
  const Steps s = descending_steps(scores, labels);
  if (s.positives == 0) return kNaN;
  // Average precision: a step function, each recall gain weighted by the precision where it is
  // reached; no trapezoids, which would overstate the area (scikit-learn's argument).
  const double p = static_cast<double>(s.positives);
  double area = 0;
  std::int64_t previous_tp = 0;
  for (const Step& step : s.steps) {
    area += static_cast<double>(step.tp - previous_tp) / p *
            (static_cast<double>(step.tp) / static_cast<double>(step.tp + step.fp));
    previous_tp = step.tp;
  }
  return area;
}

BinaryMetrics compute_metrics(const std::vector<float>& scores, const std::vector<int>& labels, double threshold) {
  BinaryMetrics m;
  m.threshold = threshold;
  const std::vector<Scored> pairs = usable_pairs(scores, labels);
  m.nan_scores = static_cast<std::int64_t>(std::min(scores.size(), labels.size()) - pairs.size());
  m.count = static_cast<std::int64_t>(pairs.size());
  double loss_sum = 0;
  for (const Scored& p : pairs) {
    m.positives += p.positive;
    // Clamped so that one confident mistake costs about 16 nats instead of infinity.
    const double q = std::clamp(p.score, 1e-7, 1 - 1e-7);
    loss_sum -= p.positive ? std::log(q) : std::log(1 - q);
  }
  m.negatives = m.count - m.positives;
  m.confusion = confusion_at(scores, labels, threshold);

  const ConfusionMatrix& c = m.confusion;
  const auto d = [](std::int64_t v) { return static_cast<double>(v); };
  m.accuracy = ratio(d(c.tp + c.tn), d(m.count));
  m.precision = ratio(d(c.tp), d(c.tp + c.fp));
  m.recall = ratio(d(c.tp), d(c.tp + c.fn));
  m.specificity = ratio(d(c.tn), d(c.tn + c.fp));
  // 2TP / (2TP + FP + FN) equals the harmonic mean of precision and recall where both exist, and
  // stays defined (0) when the model predicts no positives but positives exist.
  m.f1 = ratio(d(2 * c.tp), d(2 * c.tp + c.fp + c.fn));
  m.roc_auc = roc_auc(scores, labels);
  m.pr_auc = pr_auc(scores, labels);
  m.log_loss = ratio(loss_sum, d(m.count));
  return m;
}

double choose_threshold_youden(const std::vector<float>& scores, const std::vector<int>& labels) {
  const Steps s = descending_steps(scores, labels);
  if (s.positives == 0 || s.negatives == 0) return 0.5;
  // J = tp/P - fp/N = (tp N - fp P) / (P N): compare the integer numerators so that equal J values
  // tie exactly instead of differing in the last bit.
  const std::int64_t p = s.positives, n = s.negatives;
  double best = 0.5;
  std::int64_t best_j = std::numeric_limits<std::int64_t>::min();
  for (const Step& step : s.steps) {
    const std::int64_t j = step.tp * n - step.fp * p;
    const double distance = std::abs(step.threshold - 0.5), best_distance = std::abs(best - 0.5);
    // Steps run from high to low thresholds, so "<=" on an equal distance prefers the lower one.
    if (j > best_j || (j == best_j && distance <= best_distance)) {
      best_j = j;
      best = step.threshold;
    }
  }
  return best;
}

nlohmann::json to_json(const BinaryMetrics& m) {
  // nlohmann would store a NaN as a number and only print it as null; store null outright so that
  // readers of the json value (not just of the text) see "undefined", not a number.
  const auto number = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
  return nlohmann::json{
      {"threshold", number(m.threshold)},
      {"count", m.count},
      {"positives", m.positives},
      {"negatives", m.negatives},
      {"nan_scores", m.nan_scores},
      {"confusion", {{"tp", m.confusion.tp}, {"fp", m.confusion.fp}, {"tn", m.confusion.tn}, {"fn", m.confusion.fn}}},
      {"accuracy", number(m.accuracy)},
      {"precision", number(m.precision)},
      {"recall", number(m.recall)},
      {"specificity", number(m.specificity)},
      {"f1", number(m.f1)},
      {"roc_auc", number(m.roc_auc)},
      {"pr_auc", number(m.pr_auc)},
      {"log_loss", number(m.log_loss)},
  };
}

std::string summary_line(const BinaryMetrics& m) {
  const auto f = [](double v) {
    if (std::isnan(v)) return std::string("n/a");
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", v);
    return std::string(buf);
  };
  return "acc " + f(m.accuracy) + " sens " + f(m.recall) + " spec " + f(m.specificity) + " F1 " + f(m.f1) +
         " AUC " + f(m.roc_auc) + " PR-AUC " + f(m.pr_auc);
}

}  // namespace xray
