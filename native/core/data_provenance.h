// Where training data comes from, for the model card: said by the data itself, never assumed.
#pragma once

#include <string>
#include <vector>

#include "xray/expected.h"

namespace xray {

struct DataProvenance {
  std::string task;
  std::string source;
  std::string licence;
  std::string how;  // how this was established: "dataset.json", the recognised layout, or unknown
};

// From ROOT/dataset.json when it exists: {"task": ..., "source": ..., "licence": ...}, strings
// (a malformed file is an error that says what it needs). Else the Kermany et al. facts when the
// folder is recognisably their Kaggle download: train/ beside test/ or val/, and at least 95% of
// the image names in Kermany's patterns (IM-0001-0001.jpeg, NORMAL2-IM-..., person1_bacteria_1.jpeg,
// person1_virus_6.jpeg). Else "unknown", naming the folder.
Expected<DataProvenance> describe_data_source(const std::string& root, const std::vector<std::string>& image_paths);

}  // namespace xray
