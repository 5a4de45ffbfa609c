// One split of a data folder (DATA/SPLIT/NORMAL, DATA/SPLIT/PNEUMONIA), decoded through the shared
// preprocessing, with its labels: what evaluate and calibrate score.
#pragma once

#include <string>
#include <vector>

#include "image_cache.h"
#include "xray/expected.h"
#include "xray/preprocess_spec.h"

namespace xray {

struct LabelledSplit {
  std::string data_name;   // the data folder's name only (cards never hold a machine's paths)
  ImageCache cache;        // the readable images
  std::vector<int> labels;  // parallel to the cache: 1 = PNEUMONIA
  std::int64_t normal = 0, pneumonia = 0;
  std::size_t skipped = 0;  // files the scan or the decoder could not use (reported on stderr)
};

// Error when the folder has no such split or it holds no image.
Expected<LabelledSplit> load_labelled_split(const std::string& data_dir, const std::string& split, const PreprocessSpec& spec);

}  // namespace xray
