// Everything the page shows, in one place: the model, the current image and result, messages.
// The JavaScript side feeds it through exports.cpp; ui.cpp draws it every frame.
#pragma once

#include <deque>
#include <limits>
#include <string>
#include <vector>

#include "model_info.h"
#include "textures.h"

namespace xray::app {

struct Message {
  std::string text;
  bool error = false;
  double time = 0;  // seconds since start
};

struct Result {
  bool valid = false;
  float probability = 0;
  std::string label;
  double decode_ms = 0, preprocess_ms = 0, inference_ms = 0;
  // Out-of-distribution gate: NaN when the model has none.
  double ood_score = std::numeric_limits<double>::quiet_NaN();
  double ood_limit = std::numeric_limits<double>::quiet_NaN();
  double colour_fraction = 0;  // of the source image's pixels (xray/gray.h)
  bool in_colour = false;      // flagged because of colour, whatever the score
  bool out_of_distribution = false;
  bool show_anyway = false;  // per file: each flagged file starts with the answer hidden
};

struct AppState {
  ModelInfo model;
  std::string status = "Loading the model...";
  bool status_error = false;
  bool drag_hover = false;

  std::string file_name;
  int source_width = 0, source_height = 0;
  std::string source_format;
  Texture image;    // the X-ray, scaled for display
  Texture heatmap;  // the class activation map, coloured, with alpha
  Result result;

  bool show_heatmap = true;
  // For a NORMAL result the map (scaled within the image) would still paint "strongest evidence"
  // somewhere; hidden unless asked for, so it does not read as a finding.
  bool show_heatmap_when_negative = false;
  float heatmap_opacity = 0.45f;
  std::deque<Message> messages;  // newest first

  void post(const std::string& text, bool error);
};

AppState& state();

// Asks the render loop to draw the next few frames (it sleeps while nothing changes).
void request_frames();

}  // namespace xray::app
