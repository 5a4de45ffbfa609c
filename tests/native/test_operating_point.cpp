// The decision rule, the calibration and the out-of-distribution statistics, on hand-made cases.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "model_spec.h"
#include "ood_fit.h"
#include "operating_point.h"

namespace xray {
namespace {

TEST(ThresholdRule, SeparableValidationLandsInTheMiddleOfThePlateau) {
  // NORMAL logits up to -1, PNEUMONIA from 2: every threshold in (-1, 2] gives J = 1. The old
  // rule put it at 2, on the lowest PNEUMONIA film; the centre rule puts it at 0.5.
  const std::vector<float> logits = {-3, -2, -1, 2, 3, 4};
  const std::vector<int> labels = {0, 0, 0, 1, 1, 1};
  const ThresholdChoice c = choose_threshold_j_centre(logits, labels);
  EXPECT_DOUBLE_EQ(c.lower, -1);
  EXPECT_DOUBLE_EQ(c.upper, 2);
  EXPECT_DOUBLE_EQ(c.threshold, 0.5);
  EXPECT_DOUBLE_EQ(c.youden_j, 1.0);
}

TEST(ThresholdRule, OverlapPicksTheMaximumAndItsCentre) {
  // Descending: 3(P) 2(P) 1(N) 0.5(P) 0(N) -2(N). J by step: 1/3, 2/3, 2/3-1/3, 1-1/3, 1-2/3, 0.
  // Maximum 2/3 twice: (1, 2] after two positives and (0, 0.5] after three positives and one
  // negative; the widest is (1, 2], centre 1.5.
  const std::vector<float> logits = {-2, 0, 1, 0.5, 2, 3};
  const std::vector<int> labels = {0, 0, 0, 1, 1, 1};
  const ThresholdChoice c = choose_threshold_j_centre(logits, labels);
  EXPECT_NEAR(c.youden_j, 2.0 / 3, 1e-12);
  EXPECT_DOUBLE_EQ(c.lower, 1);
  EXPECT_DOUBLE_EQ(c.upper, 2);
  EXPECT_DOUBLE_EQ(c.threshold, 1.5);
}

TEST(ThresholdRule, TiedScoresMoveTogether) {
  const std::vector<float> logits = {0, 0, 5, 5};
  const std::vector<int> labels = {0, 1, 1, 1};
  const ThresholdChoice c = choose_threshold_j_centre(logits, labels);
  // Admitting the tie at 0 costs the only negative: J max = 2/3 at (0, 5], centre 2.5.
  EXPECT_DOUBLE_EQ(c.threshold, 2.5);
}

TEST(ThresholdForSensitivity, MostSpecificThresholdKeepingTheTarget) {
  const std::vector<float> scores = {4, 3, 2, 1, 2.5, 0};
  const std::vector<int> labels = {1, 1, 1, 1, 0, 0};
  // 0.75 of 4 positives: admit 4, 3, 2; the next lower score is 1: threshold 1.5.
  EXPECT_DOUBLE_EQ(threshold_for_sensitivity(scores, labels, 0.75), 1.5);
  // All of them: admit down to 1; the next lower is 0: threshold 0.5.
  EXPECT_DOUBLE_EQ(threshold_for_sensitivity(scores, labels, 1.0), 0.5);
  EXPECT_TRUE(std::isnan(threshold_for_sensitivity({1, 2}, {0, 0}, 0.9)));
}

TEST(Calibration, ExpectedCalibrationErrorByHand) {
  // Bin [0.1, 0.2): two films predicted 0.15, half positive: |0.5 - 0.15| = 0.35, weight 2/4.
  // Bin [0.9, 1.0]: two films predicted 0.95, both positive: |1 - 0.95| = 0.05, weight 2/4.
  const std::vector<float> p = {0.15f, 0.15f, 0.95f, 0.95f};
  const std::vector<int> y = {0, 1, 1, 1};
  EXPECT_NEAR(expected_calibration_error(p, y, 10), 0.5 * 0.35 + 0.5 * 0.05, 1e-6);
  const auto bins = reliability_bins(p, y, 10);
  EXPECT_EQ(bins[1].count, 2);
  EXPECT_NEAR(bins[1].observed, 0.5, 1e-12);
  EXPECT_EQ(bins[9].count, 2);
  // A probability of exactly 1 falls in the last bin, not past it.
  EXPECT_EQ(reliability_bins({1.0f}, {1}, 10)[9].count, 1);
}

TEST(Calibration, PlattRecoversAKnownLogisticModel) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(-3, 3), coin(0, 1);
  std::vector<float> logits;
  std::vector<int> labels;
  for (int i = 0; i < 20000; ++i) {
    const double z = u(rng);
    logits.push_back(static_cast<float>(z));
    labels.push_back(coin(rng) < sigmoid_of(2 * z - 1) ? 1 : 0);
  }
  const PlattScaling s = fit_platt(logits, labels);
  EXPECT_NEAR(s.a, 2.0, 0.1);
  EXPECT_NEAR(s.b, -1.0, 0.1);
}

TEST(Calibration, SeparableSplitGivesFiniteValuesAndOneClassGivesIdentity) {
  const PlattScaling s = fit_platt({-4, -3, -2, 2, 3, 4}, {0, 0, 0, 1, 1, 1});
  EXPECT_TRUE(std::isfinite(s.a) && std::isfinite(s.b));
  EXPECT_GT(s.a, 0);
  // Platt's targets: 4/5 for positives, so the most positive film stays below 1.
  EXPECT_LT(s.probability(4), 0.99);
  const PlattScaling identity = fit_platt({1, 2}, {1, 1});
  EXPECT_EQ(identity.a, 1.0);
  EXPECT_EQ(identity.b, 0.0);
}

TEST(OodFit, MahalanobisByHandWithShrinkage) {
  // Rows (1,0) (-1,0) (0,2) (0,-2): mean 0, covariance diag(2/3, 8/3), trace 10/3. Shrunk with
  // s = 0.1: diag(0.9 * 2/3 + 0.1 * 10/6, 0.9 * 8/3 + 0.1 * 10/6). For f = (1, 1), one tap of
  // width 2: score = (1 / 0.76667 + 1 / 2.56667) / 2.
  ASSERT_DOUBLE_EQ(kOodShrinkage, 0.1);
  const auto tap = fit_ood_tap({1, 0, -1, 0, 0, 2, 0, -2}, 2);
  ASSERT_TRUE(tap.ok());
  const double f[2] = {1, 1};
  double score = 0;
  for (int j = 0; j < 2; ++j) {
    double z = 0;
    for (int i = 0; i < 2; ++i) z += (f[i] - tap->mean[i]) * tap->whitening[i * 2 + j];
    score += z * z;
  }
  const double d0 = 0.9 * 2 / 3 + 0.1 * 10.0 / 6, d1 = 0.9 * 8 / 3 + 0.1 * 10.0 / 6;
  EXPECT_NEAR(score, (1 / d0 + 1 / d1) / 2, 1e-6);
  EXPECT_NEAR(ood_distance(*tap, f), score, 1e-9);
  auto scaled = *tap;
  rescale_ood_tap(scaled, 4.0);
  EXPECT_NEAR(ood_distance(scaled, f), score / 4, 1e-6);
}

TEST(OodFit, CorrelatedFeaturesAreWhitened) {
  // Strongly correlated 3-D features: a film off the correlation line is far, one along it is not,
  // although both are the same Euclidean distance from the mean.
  std::mt19937 rng(3);
  std::normal_distribution<double> n(0, 1);
  std::vector<double> rows;
  for (int i = 0; i < 5000; ++i) {
    const double t = n(rng);
    rows.insert(rows.end(), {t + 0.05 * n(rng), t + 0.05 * n(rng), t + 0.05 * n(rng)});
  }
  const auto tap = fit_ood_tap(rows, 3);
  ASSERT_TRUE(tap.ok());
  auto score = [&](const std::vector<double>& f) {
    double s = 0;
    for (int j = 0; j < 3; ++j) {
      double z = 0;
      for (int i = 0; i < 3; ++i) z += (f[i] - tap->mean[i]) * tap->whitening[i * 3 + j];
      s += z * z;
    }
    return s;
  };
  const double along = score({1.5, 1.5, 1.5}), across = score({1.5 * 1.732, -1.5 * 1.732, 0});
  EXPECT_GT(across, 5 * along);
  EXPECT_FALSE(fit_ood_tap({1, 2, 3}, 2).ok());  // not rows of 2
  EXPECT_FALSE(fit_ood_tap({1, 2}, 2).ok());     // one film only
}

TEST(OodFit, QuantileAndLimitRule) {
  EXPECT_DOUBLE_EQ(quantile_of({5, 1, 3, 2, 4}, 0.5), 3);
  EXPECT_NEAR(quantile_of({1, 2, 3, 4, 5}, 0.9), 4.6, 1e-12);
  EXPECT_TRUE(std::isnan(quantile_of({}, 0.5)));
  OodLimitRule rule;
  rule.quantile = 1.0, rule.factor = 2.0;
  EXPECT_DOUBLE_EQ(ood_limit({0.5f, 1.5f, 1.0f}, rule), 3.0);
}

TEST(OodTaps, LastLayerOfEveryBlock) {
  CnnOptions o;
  o.widths = {8, 16};
  o.convs_per_block = 1;
  // conv bn relu maxpool conv bn relu gap dropout linear: taps after each block's ReLU.
  const ModelSpec spec = make_cnn(o);
  EXPECT_EQ(ood_tap_layers(spec), (std::vector<std::size_t>{2, 6}));
  EXPECT_EQ(ood_tap_channels(spec), (std::vector<int>{8, 16}));
  // Narrow taps add the second moment; the 8x8 input thumbnail comes last.
  EXPECT_EQ(ood_tap_dims(spec), (std::vector<int>{16, 32, 64}));
  o.widths = {16, 32, 64};
  EXPECT_EQ(ood_tap_dims(make_cnn(o)), (std::vector<int>{32, 64, 64, 64}));
}

}  // namespace
}  // namespace xray
