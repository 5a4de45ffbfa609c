// Turning the network's logits into a decision a user can trust: a calibrated probability (Platt
// scaling) and a threshold chosen by a rule that does not depend on where a near-separable
// validation split puts its ties. No LibTorch: plain vectors, checked by hand in the tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace xray {

// P(PNEUMONIA) = sigmoid(a * logit + b). The trainer weights PNEUMONIA by NORMAL/PNEUMONIA in the
// loss, which shifts every logit by about log(NORMAL/PNEUMONIA); b undoes that shift and a undoes
// over- or under-confidence, both fitted on validation.
struct PlattScaling {
  double a = 1.0, b = 0.0;
  double apply_logit(double logit) const { return a * logit + b; }
  double probability(double logit) const;
};

// Fits a and b by Newton's method on the mean log-loss, with Platt's targets (N+ + 1)/(N+ + 2)
// and 1/(N- + 2) instead of 1 and 0, so that a separable split still gives finite values.
// Identity when a class is absent.
PlattScaling fit_platt(const std::vector<float>& logits, const std::vector<int>& labels);

struct ReliabilityBin {
  double lower = 0, upper = 0;   // predicted-probability range [lower, upper)
  std::int64_t count = 0;
  double mean_predicted = 0;     // mean P(PNEUMONIA) in the bin
  double observed = 0;           // share of PNEUMONIA in the bin
};
// Equal-width bins over [0, 1]; the last bin includes 1.
std::vector<ReliabilityBin> reliability_bins(const std::vector<float>& probabilities, const std::vector<int>& labels, int bins = 15);
// Expected calibration error of P(PNEUMONIA): sum over bins of (count / n) |observed - mean_predicted|.
double expected_calibration_error(const std::vector<float>& probabilities, const std::vector<int>& labels, int bins = 15);

// The decision rule: the centre of the widest score interval on which Youden's J (sensitivity +
// specificity - 1) is at its maximum. Scores are logits, so "centre" is in logit space. On a
// validation split that separates the classes almost perfectly the maximum is a wide plateau;
// its lower edge (the old rule) sits just above the highest NORMAL score and turns every shift
// of NORMAL films toward PNEUMONIA into false alarms, the centre leaves room on both sides.
struct ThresholdChoice {
  double threshold = 0;       // in the scores' space: predict positive when score >= threshold
  double lower = 0, upper = 0;  // the interval that maximises J: scores in (lower, upper] admit the same films
  double youden_j = 0;
};
ThresholdChoice choose_threshold_j_centre(const std::vector<float>& scores, const std::vector<int>& labels);

// The highest threshold whose sensitivity on these scores is at least `target` (0 < target <= 1):
// the most specific operating point that keeps the asked-for share of PNEUMONIA films. Placed
// halfway (in score space) between the lowest PNEUMONIA score it must admit and the next lower
// score, so it does not sit on a film. NaN when there are no positives.
double threshold_for_sensitivity(const std::vector<float>& scores, const std::vector<int>& labels, double target);

double logit_of(double probability);  // clamped to [1e-7, 1 - 1e-7]
double sigmoid_of(double logit);

}  // namespace xray
