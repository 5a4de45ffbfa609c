// Binary classification metrics for P(PNEUMONIA) scores against 0/1 labels (1 = PNEUMONIA).
// No LibTorch: plain vectors, so tests can check hand-computed cases.
// Every function reads the first min(scores.size(), labels.size()) pairs; a label other than 0
// counts as positive. A NaN score carries no ranking information, so every function skips its
// pair (compute_metrics reports how many in nan_scores).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace xray {

struct ConfusionMatrix {
  std::int64_t tp = 0, fp = 0, tn = 0, fn = 0;  // positive = PNEUMONIA
};

// Predicts positive when score >= threshold.
ConfusionMatrix confusion_at(const std::vector<float>& scores, const std::vector<int>& labels, double threshold);

struct RocPoint {
  double fpr, tpr, threshold;  // threshold: predict positive when score >= threshold
};
// From (0,0) to (1,1), one point per distinct score (tied scores move together: a diagonal step).
// The first point, (0,0), has threshold +infinity. Empty when a class is absent.
std::vector<RocPoint> roc_curve(const std::vector<float>& scores, const std::vector<int>& labels);
// Exact ROC AUC = P(score_pos > score_neg) + 0.5 P(tie), by ranks. NaN when a class is absent.
double roc_auc(const std::vector<float>& scores, const std::vector<int>& labels);

struct PrPoint {
  double recall, precision, threshold;
};
// Recall increasing: starts at (recall 0, precision 1, threshold +infinity), then one point per
// distinct score, highest first. Empty when there are no positives.
std::vector<PrPoint> pr_curve(const std::vector<float>& scores, const std::vector<int>& labels);
// Average precision: sum over distinct thresholds of (recall_k - recall_{k-1}) * precision_k
// (scikit-learn's definition; no interpolation). NaN when there are no positives.
double pr_auc(const std::vector<float>& scores, const std::vector<int>& labels);

struct BinaryMetrics {
  double threshold = 0.5;
  std::int64_t count = 0, positives = 0, negatives = 0;
  ConfusionMatrix confusion;
  // A ratio whose denominator is 0 is NaN (written as null in JSON), never a made-up 0 or 1.
  double accuracy = 0, precision = 0, recall = 0, specificity = 0, f1 = 0;
  double roc_auc = 0, pr_auc = 0;
  double log_loss = 0;  // mean binary cross-entropy of the scores, clamped to [1e-7, 1 - 1e-7]
  std::int64_t nan_scores = 0;  // pairs skipped because the score was NaN (not in count)
};

BinaryMetrics compute_metrics(const std::vector<float>& scores, const std::vector<int>& labels, double threshold);

// The decision threshold rule: the score that maximises Youden's J = sensitivity + specificity - 1
// on the given (validation) scores; ties broken toward the threshold closest to 0.5 (then toward
// the lower one, which favours sensitivity). Returns 0.5 when a class is absent.
double choose_threshold_youden(const std::vector<float>& scores, const std::vector<int>& labels);

nlohmann::json to_json(const BinaryMetrics& m);
// One line for humans: "acc 0.912 sens 0.950 spec 0.820 F1 0.940 AUC 0.963 PR-AUC 0.985"
// ("n/a" for a NaN).
std::string summary_line(const BinaryMetrics& m);

}  // namespace xray
