#include "patient_split.h"

#include "random.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <map>

namespace xray {
namespace {

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

bool starts_with_ci(const std::string& s, std::size_t at, const char* prefix) {
  for (std::size_t i = 0; prefix[i] != '\0'; ++i) {
    if (at + i >= s.size()) return false;
    if (std::tolower(static_cast<unsigned char>(s[at + i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

// "person1234_bacteria_3133" -> length of "person1234", else 0.
std::size_t person_prefix(const std::string& stem) {
  if (!starts_with_ci(stem, 0, "person")) return 0;
  std::size_t end = 6;
  while (end < stem.size() && is_digit(stem[end])) ++end;
  if (end == 6 || end >= stem.size() || stem[end] != '_') return 0;
  return end;
}

// "NORMAL2-IM-0381-0001" and "IM-0429-0001-0002" -> length through "IM-<digits>", else 0.
// The digits must be followed by '-': a bare "IM-0115" has no image number to strip.
std::size_t im_prefix(const std::string& stem) {
  for (std::size_t at = 0; at + 3 < stem.size(); ++at) {
    if (!starts_with_ci(stem, at, "IM-") || (at > 0 && stem[at - 1] != '-')) continue;
    std::size_t end = at + 3;
    while (end < stem.size() && is_digit(stem[end])) ++end;
    if (end > at + 3 && end < stem.size() && stem[end] == '-') return end;
  }
  return 0;
}

struct Patient {
  std::vector<std::size_t> indices;
  std::size_t normal = 0, pneumonia = 0;
};

}  // namespace

std::string patient_id_from_filename(const std::string& filename) {
  const auto slash = filename.find_last_of("/\\");
  std::string stem = slash == std::string::npos ? filename : filename.substr(slash + 1);
  const auto dot = stem.rfind('.');
  if (dot != std::string::npos && dot > 0) stem.erase(dot);
  if (const std::size_t n = person_prefix(stem)) return stem.substr(0, n);
  if (const std::size_t n = im_prefix(stem)) return stem.substr(0, n);
  return stem;
}

Expected<TrainValSplit> split_by_patient(const std::vector<Sample>& samples, double val_fraction,
                                         std::uint64_t seed) {
  if (!(val_fraction >= 0.0 && val_fraction < 1.0)) {  // also refuses NaN
    return Error{ErrorCode::kInvalidSpec,
                 "validation fraction " + std::to_string(val_fraction) +
                     " is out of range; use a value from 0 (no validation split) up to, not "
                     "including, 1 (e.g. 0.15)"};
  }

  // std::map: patients in id order, so the shuffle input does not depend on sample order quirks.
  std::map<std::string, Patient> patients;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const Sample& s = samples[i];
    Patient& p = patients[s.patient_id.empty() ? patient_id_from_filename(s.path) : s.patient_id];
    p.indices.push_back(i);
    (s.label == Label::kNormal ? p.normal : p.pneumonia) += 1;
  }

  std::vector<const Patient*> by_class[2];
  std::size_t class_images[2] = {0, 0};
  for (const auto& [id, p] : patients) {
    const int label = p.pneumonia > p.normal ? 1 : 0;
    by_class[label].push_back(&p);
    class_images[label] += p.indices.size();
  }

  TrainValSplit split;
  SplitMix64 rng(seed);
  for (int label = 0; label < 2; ++label) {
    shuffle(by_class[label], rng);
    const auto target = static_cast<std::size_t>(
        std::llround(val_fraction * static_cast<double>(class_images[label])));
    std::size_t in_val = 0;
    for (const Patient* p : by_class[label]) {
      const std::size_t n = p->indices.size();
      // Take the patient only if overshooting by it is no worse than stopping short without it.
      const bool take = in_val < target &&
                        (in_val + n <= target || in_val + n - target <= target - in_val);
      auto& side = take ? split.val : split.train;
      side.insert(side.end(), p->indices.begin(), p->indices.end());
      if (take) in_val += n;
    }
  }
  std::sort(split.train.begin(), split.train.end());
  std::sort(split.val.begin(), split.val.end());
  return split;
}

}  // namespace xray
