// How an image file becomes the model's input tensor, as data. The model card carries it; the
// trainer, the CLI and the web page all read it from there instead of hard-coding anything.
#pragma once

#include <string>

#include "xray/expected.h"

namespace xray {

enum class ResizeRule {
  kStretch,    // squash to the target size, aspect ratio not kept (how the 224x224 copies were made)
  kLetterbox,  // keep aspect ratio, centre, pad with black
};

const char* resize_rule_name(ResizeRule rule);

struct PreprocessSpec {
  static constexpr int kCurrentVersion = 1;

  int version = kCurrentVersion;
  int width = 224;
  int height = 224;
  ResizeRule resize = ResizeRule::kStretch;
  // value = (pixel / 255 - mean) / std, in float32.
  float mean = 0.5f;
  float std = 0.25f;

  bool operator==(const PreprocessSpec& other) const;
  bool operator!=(const PreprocessSpec& other) const { return !(*this == other); }
};

// Checks sizes (1..4096), std > 0, finite numbers, known version.
Expected<PreprocessSpec> validate(const PreprocessSpec& spec);

// Pretty-printed JSON object. Floats are written so that they read back to the same bits.
std::string to_json(const PreprocessSpec& spec);

// Accepts a spec object, or any object with the spec under "preprocess" (a model card).
// Unknown keys are ignored; missing keys take their defaults; wrong types are errors.
Expected<PreprocessSpec> spec_from_json(const std::string& text);

}  // namespace xray
