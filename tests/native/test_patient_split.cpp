// Patient ids from file names, and the stratified, patient-grouped, deterministic val split.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "patient_split.h"

using xray::Label;
using xray::Sample;

namespace {

// A synthetic train split: patients with 1..4 images each, more PNEUMONIA than NORMAL,
// interleaved so that sample order is not patient order.
std::vector<Sample> synthetic_samples() {
  std::vector<Sample> samples;
  std::uint32_t state = 12345;
  auto next = [&state] { return state = state * 1664525u + 1013904223u; };
  for (int p = 0; p < 700; ++p) {
    const bool pneumonia = p % 7 >= 2;  // 5 of 7 patients
    const int images = 1 + static_cast<int>((next() >> 16) % 4);
    for (int k = 0; k < images; ++k) {
      Sample s;
      s.label = pneumonia ? Label::kPneumonia : Label::kNormal;
      s.split = "train";
      s.path = pneumonia ? "train/PNEUMONIA/person" + std::to_string(p) + "_bacteria_" + std::to_string(k) + ".jpeg"
                         : "train/NORMAL/IM-" + std::to_string(1000 + p) + "-000" + std::to_string(k) + ".jpeg";
      s.patient_id = xray::patient_id_from_filename(s.path);
      samples.push_back(s);
    }
  }
  // Deterministic interleave: reverse every other block of 5.
  for (std::size_t i = 0; i + 5 <= samples.size(); i += 10) std::reverse(samples.begin() + i, samples.begin() + i + 5);
  return samples;
}

std::set<std::string> patients_of(const std::vector<Sample>& samples, const std::vector<std::size_t>& idx) {
  std::set<std::string> out;
  for (std::size_t i : idx) out.insert(samples[i].patient_id);
  return out;
}

}  // namespace

TEST(PatientId, KaggleNames) {
  using xray::patient_id_from_filename;
  EXPECT_EQ(patient_id_from_filename("person1234_bacteria_3133.jpeg"), "person1234");
  EXPECT_EQ(patient_id_from_filename("person1234_virus_2133.jpeg"), "person1234");
  EXPECT_EQ(patient_id_from_filename("IM-0115-0001.jpeg"), "IM-0115");
  EXPECT_EQ(patient_id_from_filename("NORMAL2-IM-0381-0001.jpeg"), "NORMAL2-IM-0381");
  // Real names with an extra image number.
  EXPECT_EQ(patient_id_from_filename("IM-0429-0001-0002.jpeg"), "IM-0429");
  EXPECT_EQ(patient_id_from_filename("NORMAL2-IM-0395-0001-0001.jpeg"), "NORMAL2-IM-0395");
}

TEST(PatientId, ExtensionCaseAndFoldersDoNotMatter) {
  using xray::patient_id_from_filename;
  EXPECT_EQ(patient_id_from_filename("person7_virus_1.JPEG"), "person7");
  EXPECT_EQ(patient_id_from_filename("IM-0115-0001.Jpg"), "IM-0115");
  EXPECT_EQ(patient_id_from_filename("train/PNEUMONIA/person7_virus_1.jpeg"), "person7");
  EXPECT_EQ(patient_id_from_filename("C:\\data\\NORMAL\\IM-0001-0001.png"), "IM-0001");
}

TEST(PatientId, OtherNamesFallBackToTheStem) {
  using xray::patient_id_from_filename;
  EXPECT_EQ(patient_id_from_filename("scan_42.png"), "scan_42");
  EXPECT_EQ(patient_id_from_filename("noextension"), "noextension");
  EXPECT_EQ(patient_id_from_filename("IM-0115.jpeg"), "IM-0115");     // no image number
  EXPECT_EQ(patient_id_from_filename("personA_virus_1.jpeg"), "personA_virus_1");  // no digits
  EXPECT_EQ(patient_id_from_filename("person12.jpeg"), "person12");   // no underscore
  EXPECT_EQ(patient_id_from_filename("SIM-0001-0002.jpeg"), "SIM-0001-0002");  // IM- inside a word
  EXPECT_EQ(patient_id_from_filename("a.b.jpeg"), "a.b");
}

TEST(Split, KeepsPatientsApartAndUsesEveryIndexOnce) {
  const auto samples = synthetic_samples();
  const auto split = xray::split_by_patient(samples, 0.2, 7);
  ASSERT_TRUE(split.ok()) << split.error().message;

  EXPECT_TRUE(std::is_sorted(split->train.begin(), split->train.end()));
  EXPECT_TRUE(std::is_sorted(split->val.begin(), split->val.end()));
  std::vector<int> seen(samples.size(), 0);
  for (std::size_t i : split->train) ++seen.at(i);
  for (std::size_t i : split->val) ++seen.at(i);
  for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], 1) << "index " << i;

  const auto train_patients = patients_of(samples, split->train);
  for (const auto& p : patients_of(samples, split->val)) EXPECT_EQ(train_patients.count(p), 0u) << p;
}

TEST(Split, EachClassGetsCloseToTheFraction) {
  const auto samples = synthetic_samples();
  for (double fraction : {0.1, 0.15, 0.3, 0.5}) {
    const auto split = xray::split_by_patient(samples, fraction, 99);
    ASSERT_TRUE(split.ok());
    double total[2] = {0, 0}, val[2] = {0, 0};
    for (const auto& s : samples) total[static_cast<int>(s.label)] += 1;
    for (std::size_t i : split->val) val[static_cast<int>(samples[i].label)] += 1;
    for (int c = 0; c < 2; ++c) {
      // Whole patients of at most 4 images: within 2 images of the target.
      EXPECT_NEAR(val[c], fraction * total[c], 2.0) << "class " << c << " fraction " << fraction;
    }
  }
}

TEST(Split, SameSeedSameSplitDifferentSeedDifferentSplit) {
  const auto samples = synthetic_samples();
  const auto a = xray::split_by_patient(samples, 0.15, 2024);
  const auto b = xray::split_by_patient(samples, 0.15, 2024);
  const auto c = xray::split_by_patient(samples, 0.15, 2025);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(a->val, b->val);
  EXPECT_EQ(a->train, b->train);
  EXPECT_NE(a->val, c->val);
}

TEST(Split, IsPinnedAcrossPlatforms) {
  // Own SplitMix64 + Fisher-Yates: this exact result must hold on every standard library.
  std::vector<Sample> samples;
  for (int p = 0; p < 10; ++p) {
    Sample s;
    s.label = p < 5 ? Label::kNormal : Label::kPneumonia;
    s.patient_id = "p" + std::to_string(p);
    samples.push_back(s);
  }
  const auto split = xray::split_by_patient(samples, 0.4, 1);
  ASSERT_TRUE(split.ok());
  ASSERT_EQ(split->val.size(), 4u);  // 2 of 5 per class
  const auto again = xray::split_by_patient(samples, 0.4, 1);
  EXPECT_EQ(split->val, again->val);
  // Recorded from the first run; a change here means splits of existing models would move.
  EXPECT_EQ(split->val, (std::vector<std::size_t>{1, 2, 7, 9}));
}

TEST(Split, ZeroFractionGivesEmptyVal) {
  const auto samples = synthetic_samples();
  const auto split = xray::split_by_patient(samples, 0.0, 1);
  ASSERT_TRUE(split.ok());
  EXPECT_TRUE(split->val.empty());
  EXPECT_EQ(split->train.size(), samples.size());
}

TEST(Split, RefusesFractionsOutsideZeroToOne) {
  const auto samples = synthetic_samples();
  for (double bad : {1.0, 1.5, -0.1, std::numeric_limits<double>::quiet_NaN()}) {
    const auto split = xray::split_by_patient(samples, bad, 1);
    ASSERT_FALSE(split.ok()) << bad;
    EXPECT_NE(split.error().message.find("out of range"), std::string::npos) << split.error().message;
  }
}

TEST(Split, EmptyInputGivesEmptySplit) {
  const auto split = xray::split_by_patient({}, 0.2, 1);
  ASSERT_TRUE(split.ok());
  EXPECT_TRUE(split->train.empty());
  EXPECT_TRUE(split->val.empty());
}

TEST(Split, MixedLabelPatientStaysWholeAndFollowsItsMajority) {
  std::vector<Sample> samples;
  auto add = [&](const std::string& id, Label label) {
    Sample s;
    s.patient_id = id;
    s.label = label;
    samples.push_back(s);
  };
  // "mixed" has 2 PNEUMONIA + 1 NORMAL images: a PNEUMONIA patient, moved as one.
  add("mixed", Label::kPneumonia);
  add("mixed", Label::kNormal);
  add("mixed", Label::kPneumonia);
  for (int i = 0; i < 6; ++i) add("n" + std::to_string(i), Label::kNormal);
  for (int i = 0; i < 6; ++i) add("p" + std::to_string(i), Label::kPneumonia);
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    const auto split = xray::split_by_patient(samples, 0.5, seed);
    ASSERT_TRUE(split.ok());
    const auto val = patients_of(samples, split->val);
    const auto train = patients_of(samples, split->train);
    for (const auto& p : val) EXPECT_EQ(train.count(p), 0u) << p << " seed " << seed;
  }
}

TEST(Split, EmptyPatientIdFallsBackToTheFileName) {
  std::vector<Sample> samples(2);
  samples[0].path = "x/person3_virus_1.jpeg";
  samples[1].path = "x/person3_bacteria_2.jpeg";
  samples[0].label = samples[1].label = Label::kPneumonia;
  for (std::uint64_t seed = 0; seed < 10; ++seed) {
    const auto split = xray::split_by_patient(samples, 0.5, seed);
    ASSERT_TRUE(split.ok());
    EXPECT_TRUE(split->val.empty() || split->val.size() == 2u);
  }
}
