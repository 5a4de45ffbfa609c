// A trained model loaded from its directory (model.json + model.pt), ready to score images.
// No LibTorch in this header: the torch parts live behind a pointer in classifier.cpp.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model_card.h"
#include "operating_point.h"
#include "xray/expected.h"
#include "xray/preprocess_spec.h"

namespace xray {

struct Prediction {
  float probability = 0;  // calibrated P(PNEUMONIA)
  float logit = 0;        // raw network output, before calibration
  float ood_score = 0;
  float colour_fraction = 0;  // of the source image (0 when not given)
  bool out_of_distribution = false;
};

class Classifier {
 public:
  // device: auto | cpu | cuda.
  static Expected<Classifier> load(const std::string& model_dir, const std::string& device = "auto");

  // For `count` model-size 8-bit images laid out one after another, with each source image's share
  // of coloured pixels (ImageCache::colour_fraction; null: all gray).
  std::vector<Prediction> predict(const std::uint8_t* images, std::size_t count, const float* colour_fractions, int batch = 64) const;

  const ModelCard& card() const;
  std::string device_name() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// The end of the message for weights without the statistics their card's gate needs.
extern const char* const kMissingGateStatistics;

// "cpu" or "cuda" for auto | cpu | cuda; an error when cuda is asked for and absent.
Expected<std::string> resolve_device(const std::string& requested);

}  // namespace xray
