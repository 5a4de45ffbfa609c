// Metrics against cases worked out by hand (the working is in the comments), plus two
// cross-checks on random data: the rank AUC equals a brute-force pair count and the area under
// roc_curve.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include <nlohmann/json.hpp>

#include "metrics.h"

namespace {

using xray::BinaryMetrics;
using xray::ConfusionMatrix;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Scores are floats; the hand-computed values assume the decimal scores, so compare loosely.
constexpr double kTol = 1e-6;

TEST(RocAuc, TiesCountHalf) {
  // scores {0.1, 0.4, 0.4, 0.8}, labels {0, 0, 1, 1}.
  // Positive-negative pairs: (0.4 vs 0.1) 1, (0.4 vs 0.4) tie 1/2, (0.8 vs 0.1) 1, (0.8 vs 0.4) 1
  // -> 3.5 / 4 = 0.875. By ranks: 0.1 -> 1, the two 0.4 -> 2.5 each, 0.8 -> 4; positive rank sum
  // 2.5 + 4 = 6.5; (6.5 - 2*3/2) / (2*2) = 0.875.
  EXPECT_DOUBLE_EQ(xray::roc_auc({0.1f, 0.4f, 0.4f, 0.8f}, {0, 0, 1, 1}), 0.875);
}

TEST(RocAuc, PerfectInvertedAndAllTied) {
  EXPECT_DOUBLE_EQ(xray::roc_auc({0.1f, 0.2f, 0.8f, 0.9f}, {0, 0, 1, 1}), 1.0);
  EXPECT_DOUBLE_EQ(xray::roc_auc({0.1f, 0.2f, 0.8f, 0.9f}, {1, 1, 0, 0}), 0.0);
  // Every pair tied: 4 half-pairs / 4 = 0.5.
  EXPECT_DOUBLE_EQ(xray::roc_auc({0.5f, 0.5f, 0.5f, 0.5f}, {0, 1, 0, 1}), 0.5);
}

TEST(RocAuc, OneClassIsNaN) {
  EXPECT_TRUE(std::isnan(xray::roc_auc({0.1f, 0.9f}, {1, 1})));
  EXPECT_TRUE(std::isnan(xray::roc_auc({0.1f, 0.9f}, {0, 0})));
  EXPECT_TRUE(std::isnan(xray::roc_auc({}, {})));
}

TEST(RocAuc, NaNScoresAreSkipped) {
  // Without the NaN pair: positive 0.9 over negative 0.1 -> 1.
  EXPECT_DOUBLE_EQ(xray::roc_auc({kNaN, 0.1f, 0.9f}, {0, 0, 1}), 1.0);
}

TEST(RocAuc, MatchesBruteForcePairCountAndCurveArea) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> level(0, 9);  // ten score levels: many ties
  std::bernoulli_distribution positive(0.6);
  std::vector<float> scores(300);
  std::vector<int> labels(300);
  for (std::size_t i = 0; i < scores.size(); ++i) {
    scores[i] = static_cast<float>(level(rng)) / 10;
    labels[i] = positive(rng);
  }
  double pairs = 0, wins = 0;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    for (std::size_t j = 0; j < scores.size(); ++j) {
      if (labels[i] == 1 && labels[j] == 0) {
        pairs += 1;
        wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
      }
    }
  }
  const double auc = xray::roc_auc(scores, labels);
  EXPECT_NEAR(auc, wins / pairs, 1e-12);

  // Tied scores step diagonally, so the trapezoid area of the curve is the same number.
  const auto curve = xray::roc_curve(scores, labels);
  ASSERT_EQ(curve.size(), 11u);  // (0,0) and one point per distinct score
  double area = 0;
  for (std::size_t k = 1; k < curve.size(); ++k) {
    area += (curve[k].fpr - curve[k - 1].fpr) * (curve[k].tpr + curve[k - 1].tpr) / 2;
  }
  EXPECT_NEAR(area, auc, 1e-12);
}

TEST(RocCurve, TiedScoresMoveTogether) {
  // Descending: 0.8 (pos) -> tp 1 fp 0 -> (0, 0.5); the tie at 0.4 (one pos, one neg) -> tp 2 fp 1
  // -> (0.5, 1): a diagonal step; 0.1 (neg) -> (1, 1).
  const auto c = xray::roc_curve({0.1f, 0.4f, 0.4f, 0.8f}, {0, 0, 1, 1});
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c[0].fpr, 0);
  EXPECT_EQ(c[0].tpr, 0);
  EXPECT_TRUE(std::isinf(c[0].threshold));
  EXPECT_DOUBLE_EQ(c[1].fpr, 0);
  EXPECT_DOUBLE_EQ(c[1].tpr, 0.5);
  EXPECT_DOUBLE_EQ(c[1].threshold, 0.8f);
  EXPECT_DOUBLE_EQ(c[2].fpr, 0.5);
  EXPECT_DOUBLE_EQ(c[2].tpr, 1);
  EXPECT_DOUBLE_EQ(c[2].threshold, 0.4f);
  EXPECT_DOUBLE_EQ(c[3].fpr, 1);
  EXPECT_DOUBLE_EQ(c[3].tpr, 1);
}

TEST(RocCurve, EmptyWhenAClassIsAbsent) {
  EXPECT_TRUE(xray::roc_curve({0.2f, 0.7f}, {1, 1}).empty());
  EXPECT_TRUE(xray::roc_curve({}, {}).empty());
}

TEST(PrAuc, AveragePrecisionWithTies) {
  // scores {0.1, 0.4, 0.4, 0.8}, labels {0, 0, 1, 1}, P = 2. Descending thresholds:
  //   0.8: tp 1 fp 0 -> recall 0.5, precision 1
  //   0.4: tp 2 fp 1 -> recall 1,   precision 2/3
  //   0.1: tp 2 fp 2 -> recall 1,   precision 1/2 (no recall gained, weight 0)
  // AP = 0.5 * 1 + 0.5 * 2/3 = 5/6.
  EXPECT_NEAR(xray::pr_auc({0.1f, 0.4f, 0.4f, 0.8f}, {0, 0, 1, 1}), 5.0 / 6, 1e-12);
}

TEST(PrAuc, AveragePrecisionInterleaved) {
  // scores {0.9 .. 0.5}, labels {1, 0, 1, 0, 1}, P = 3. Recall gains at 0.9 (precision 1/1),
  // 0.7 (2/3) and 0.5 (3/5): AP = (1 + 2/3 + 3/5) / 3 = 34/45. A trapezoid would give more.
  EXPECT_NEAR(xray::pr_auc({0.9f, 0.8f, 0.7f, 0.6f, 0.5f}, {1, 0, 1, 0, 1}), 34.0 / 45, 1e-12);
}

TEST(PrAuc, PerfectInvertedAndNoPositives) {
  EXPECT_DOUBLE_EQ(xray::pr_auc({0.1f, 0.2f, 0.8f, 0.9f}, {0, 0, 1, 1}), 1.0);
  // Inverted: positives 0.2 and 0.1 come last; gains at 0.2 (1/3) and 0.1 (2/4):
  // 0.5 * 1/3 + 0.5 * 1/2 = 5/12.
  EXPECT_NEAR(xray::pr_auc({0.1f, 0.2f, 0.8f, 0.9f}, {1, 1, 0, 0}), 5.0 / 12, 1e-12);
  EXPECT_TRUE(std::isnan(xray::pr_auc({0.1f, 0.9f}, {0, 0})));
}

TEST(PrCurve, StartsAtRecallZeroPrecisionOneThenOnePointPerScore) {
  const auto c = xray::pr_curve({0.1f, 0.4f, 0.4f, 0.8f}, {0, 0, 1, 1});
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c[0].recall, 0);
  EXPECT_EQ(c[0].precision, 1);
  EXPECT_DOUBLE_EQ(c[1].recall, 0.5);
  EXPECT_DOUBLE_EQ(c[1].precision, 1);
  EXPECT_DOUBLE_EQ(c[2].recall, 1);
  EXPECT_DOUBLE_EQ(c[2].precision, 2.0 / 3);
  EXPECT_DOUBLE_EQ(c[3].precision, 0.5);
  EXPECT_DOUBLE_EQ(c[3].threshold, 0.1f);
  EXPECT_TRUE(xray::pr_curve({0.1f}, {0}).empty());
}

TEST(Confusion, ThresholdEqualToAScoreIsPositive) {
  // scores {0.2, 0.5, 0.5, 0.9}, labels {0, 0, 1, 1}, threshold 0.5 (>=): both 0.5 scores and
  // 0.9 are predicted positive -> tp 2 (0.5, 0.9), fp 1 (the negative 0.5), tn 1 (0.2), fn 0.
  const ConfusionMatrix cm = xray::confusion_at({0.2f, 0.5f, 0.5f, 0.9f}, {0, 0, 1, 1}, 0.5);
  EXPECT_EQ(cm.tp, 2);
  EXPECT_EQ(cm.fp, 1);
  EXPECT_EQ(cm.tn, 1);
  EXPECT_EQ(cm.fn, 0);
}

TEST(Confusion, ReadsOnlyTheOverlapOfMismatchedVectors) {
  const ConfusionMatrix cm = xray::confusion_at({0.9f, 0.1f, 0.7f}, {1, 0}, 0.5);
  EXPECT_EQ(cm.tp + cm.fp + cm.tn + cm.fn, 2);
}

TEST(ComputeMetrics, HandComputedCase) {
  // scores {0.1, 0.4, 0.35, 0.8}, labels {0, 0, 1, 1}, threshold 0.5: only 0.8 is predicted
  // positive -> tp 1 fp 0 tn 2 fn 1. accuracy 3/4, precision 1/1, recall 1/2, specificity 2/2,
  // F1 2*1 / (2*1 + 0 + 1) = 2/3. AUC: pairs (0.35 vs 0.1) 1, (0.35 vs 0.4) 0, (0.8 vs both) 2
  // -> 3/4. AP: gains at 0.8 (precision 1) and 0.35 (2/3) -> 0.5 + 1/3 = 5/6.
  // Log loss: -(ln 0.9 + ln 0.6 + ln 0.35 + ln 0.8) / 4 = 0.4722880 (ln of 1 - score for negatives).
  const BinaryMetrics m = xray::compute_metrics({0.1f, 0.4f, 0.35f, 0.8f}, {0, 0, 1, 1}, 0.5);
  EXPECT_EQ(m.count, 4);
  EXPECT_EQ(m.positives, 2);
  EXPECT_EQ(m.negatives, 2);
  EXPECT_EQ(m.nan_scores, 0);
  EXPECT_EQ(m.confusion.tp, 1);
  EXPECT_EQ(m.confusion.fp, 0);
  EXPECT_EQ(m.confusion.tn, 2);
  EXPECT_EQ(m.confusion.fn, 1);
  EXPECT_DOUBLE_EQ(m.accuracy, 0.75);
  EXPECT_DOUBLE_EQ(m.precision, 1);
  EXPECT_DOUBLE_EQ(m.recall, 0.5);
  EXPECT_DOUBLE_EQ(m.specificity, 1);
  EXPECT_DOUBLE_EQ(m.f1, 2.0 / 3);
  EXPECT_DOUBLE_EQ(m.roc_auc, 0.75);
  EXPECT_NEAR(m.pr_auc, 5.0 / 6, 1e-12);
  EXPECT_NEAR(m.log_loss, 0.47228795, kTol);
  EXPECT_EQ(xray::summary_line(m), "acc 0.750 sens 0.500 spec 1.000 F1 0.667 AUC 0.750 PR-AUC 0.833");
}

TEST(ComputeMetrics, NoPredictedPositivesLeavesPrecisionUndefined) {
  // scores {0.1, 0.2, 0.3}, labels {0, 1, 1}, threshold 0.5: nothing predicted positive ->
  // tp 0 fp 0 tn 1 fn 2. precision 0/0 -> NaN; recall 0/2 = 0; specificity 1/1; accuracy 1/3;
  // F1 = 0 / (0 + 0 + 2) = 0 (defined: positives were missed).
  const BinaryMetrics m = xray::compute_metrics({0.1f, 0.2f, 0.3f}, {0, 1, 1}, 0.5);
  EXPECT_TRUE(std::isnan(m.precision));
  EXPECT_DOUBLE_EQ(m.recall, 0);
  EXPECT_DOUBLE_EQ(m.specificity, 1);
  EXPECT_DOUBLE_EQ(m.accuracy, 1.0 / 3);
  EXPECT_DOUBLE_EQ(m.f1, 0);
  const nlohmann::json j = xray::to_json(m);
  EXPECT_TRUE(j.at("precision").is_null());
  EXPECT_EQ(j.at("recall").get<double>(), 0);
}

TEST(ComputeMetrics, OneClassGivesNaNAucAndNullJson) {
  // Only positives: specificity 0/0 and AUC undefined; AP is defined (every threshold has
  // precision 1 -> 1).
  const BinaryMetrics m = xray::compute_metrics({0.3f, 0.9f}, {1, 1}, 0.5);
  EXPECT_TRUE(std::isnan(m.roc_auc));
  EXPECT_TRUE(std::isnan(m.specificity));
  EXPECT_DOUBLE_EQ(m.pr_auc, 1);
  const nlohmann::json j = xray::to_json(m);
  EXPECT_TRUE(j.at("roc_auc").is_null());
  EXPECT_TRUE(j.at("specificity").is_null());
  const std::string text = j.dump();
  // No NaN token as a value (the key "nan_scores" is fine).
  EXPECT_EQ(text.find(":nan"), std::string::npos) << text;
  EXPECT_EQ(text.find(":NaN"), std::string::npos) << text;
  EXPECT_NE(text.find("\"roc_auc\":null"), std::string::npos) << text;
  EXPECT_NE(xray::summary_line(m).find("spec n/a"), std::string::npos) << xray::summary_line(m);
}

TEST(ComputeMetrics, EmptyInputIsAllUndefinedNotZero) {
  const BinaryMetrics m = xray::compute_metrics({}, {}, 0.5);
  EXPECT_EQ(m.count, 0);
  EXPECT_TRUE(std::isnan(m.accuracy));
  EXPECT_TRUE(std::isnan(m.f1));
  EXPECT_TRUE(std::isnan(m.log_loss));
  EXPECT_TRUE(std::isnan(m.roc_auc));
  EXPECT_TRUE(std::isnan(m.pr_auc));
}

TEST(ComputeMetrics, LogLossIsClamped) {
  // A certain mistake costs -ln(1e-7) = 16.118096 instead of infinity, both ways round.
  const BinaryMetrics m = xray::compute_metrics({0.0f, 1.0f}, {1, 0}, 0.5);
  EXPECT_TRUE(std::isfinite(m.log_loss));
  EXPECT_NEAR(m.log_loss, -std::log(1e-7), 1e-6);
}

TEST(ComputeMetrics, NaNScoresAreCountedAndSkipped) {
  const BinaryMetrics m = xray::compute_metrics({kNaN, 0.2f, 0.9f}, {1, 0, 1}, 0.5);
  EXPECT_EQ(m.nan_scores, 1);
  EXPECT_EQ(m.count, 2);
  EXPECT_EQ(m.positives, 1);
  EXPECT_DOUBLE_EQ(m.roc_auc, 1);
  EXPECT_TRUE(std::isfinite(m.log_loss));
}

TEST(ToJson, HasEveryFieldAndTheConfusionMatrixAsAnObject) {
  const BinaryMetrics m = xray::compute_metrics({0.1f, 0.4f, 0.35f, 0.8f}, {0, 0, 1, 1}, 0.5);
  const nlohmann::json j = xray::to_json(m);
  for (const char* key : {"threshold", "count", "positives", "negatives", "nan_scores", "confusion", "accuracy",
                          "precision", "recall", "specificity", "f1", "roc_auc", "pr_auc", "log_loss"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  ASSERT_TRUE(j.at("confusion").is_object());
  EXPECT_EQ(j.at("confusion").at("tp").get<int>(), 1);
  EXPECT_EQ(j.at("confusion").at("fp").get<int>(), 0);
  EXPECT_EQ(j.at("confusion").at("tn").get<int>(), 2);
  EXPECT_EQ(j.at("confusion").at("fn").get<int>(), 1);
  EXPECT_DOUBLE_EQ(j.at("roc_auc").get<double>(), 0.75);
  EXPECT_EQ(j.at("count").get<int>(), 4);
  // The text round-trips through a parser.
  EXPECT_EQ(nlohmann::json::parse(j.dump()), j);
}

TEST(Youden, PicksMaxJAndBreaksTiesTowardHalf) {
  // scores {0.1, 0.3, 0.35, 0.4, 0.8, 0.9}, labels {0, 0, 1, 0, 1, 1}; P = N = 3.
  // J = tp/3 - fp/3 at each threshold (descending):
  //   0.9: 1-0 -> 1/3   0.8: 2-0 -> 2/3   0.4: 2-1 -> 1/3
  //   0.35: 3-1 -> 2/3  0.3: 3-2 -> 1/3   0.1: 3-3 -> 0
  // Max 2/3 at 0.8 and 0.35; 0.35 is closer to 0.5 (0.15 vs 0.3).
  const std::vector<float> scores = {0.1f, 0.3f, 0.35f, 0.4f, 0.8f, 0.9f};
  const std::vector<int> labels = {0, 0, 1, 0, 1, 1};
  const double t = xray::choose_threshold_youden(scores, labels);
  EXPECT_EQ(t, static_cast<double>(0.35f));
  // The returned threshold reproduces its J with confusion_at (>=): tp 3, fp 1.
  const ConfusionMatrix cm = xray::confusion_at(scores, labels, t);
  EXPECT_EQ(cm.tp, 3);
  EXPECT_EQ(cm.fp, 1);
}

TEST(Youden, EquidistantTieGoesToTheLowerThreshold) {
  // Descending: 0.9 pos, 0.75 pos, 0.6 neg, 0.25 pos, 0.2 neg, 0.1 neg; P = N = 3.
  // J: 0.9 -> 1/3, 0.75 -> 2/3, 0.6 -> 1/3, 0.25 -> 3/3 - 1/3 = 2/3, 0.2 -> 1/3, 0.1 -> 0.
  // 0.75 and 0.25 tie on J and on distance to 0.5 (exact in float): the lower wins.
  const double t = xray::choose_threshold_youden({0.9f, 0.75f, 0.6f, 0.25f, 0.2f, 0.1f}, {1, 1, 0, 1, 0, 0});
  EXPECT_EQ(t, 0.25);
}

TEST(Youden, HalfWhenAClassIsAbsent) {
  EXPECT_EQ(xray::choose_threshold_youden({0.2f, 0.9f}, {1, 1}), 0.5);
  EXPECT_EQ(xray::choose_threshold_youden({}, {}), 0.5);
}

}  // namespace
