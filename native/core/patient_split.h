// Validation split carved from train: stratified by class, grouped by patient, deterministic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "dataset.h"
#include "xray/expected.h"

namespace xray {

// "person1234_bacteria_3133.jpeg" -> "person1234", "IM-0115-0001.jpeg" -> "IM-0115",
// "NORMAL2-IM-0381-0001.jpeg" -> "NORMAL2-IM-0381"; anything else -> the name without extension.
std::string patient_id_from_filename(const std::string& filename);

struct TrainValSplit {
  std::vector<std::size_t> train;  // indices into the samples given
  std::vector<std::size_t> val;
};

// Puts about val_fraction of each class's images in val, whole patients only: no patient is on
// both sides. Patients are taken in shuffled order while they bring the class's val image count
// closer to its target. A patient whose images carry both labels is placed by the majority label
// (NORMAL on a tie); a sample with an empty patient_id gets one from its file name. Same samples + fraction + seed = same split, on every
// platform (own SplitMix64 shuffle, not std::shuffle). Indices sorted ascending.
// Error (kInvalidSpec) unless 0 <= val_fraction < 1; 0 gives an empty val.
Expected<TrainValSplit> split_by_patient(const std::vector<Sample>& samples, double val_fraction,
                                         std::uint64_t seed);

}  // namespace xray
