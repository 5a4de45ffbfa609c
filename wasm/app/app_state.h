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

// One analysed file as the results table shows it. Small on purpose: no pixels, so 10,000 rows
// cost a few megabytes; the selected file is decoded again to be shown.
struct ResultRow {
  std::string file;   // the file's name, or its path inside a dropped folder
  std::string error;  // empty when the file was analysed
  float probability = 0;
  bool positive = false;
  bool out_of_distribution = false;
  float ood_score = std::numeric_limits<float>::quiet_NaN();
  float total_ms = 0;
};

// Every file of every drop since the page opened (or since "Clear"), and the queue's progress.
struct Results {
  std::vector<ResultRow> rows;  // in arrival order: a row's index is its index in window.xray.results
  std::vector<int> order;       // row indices in display (sorted) order
  bool order_dirty = false;     // rows added or sort changed: sort again before drawing
  int sort_column = -1;         // -1: arrival order
  bool sort_descending = false;
  int selected = -1;            // the row shown above the table, -1 none
  bool scroll_to_selected = false;
  int done = 0, total = 0;      // the queue: files handled of files dropped since it was last empty
  bool running = false;
};

struct AppState {
  ModelInfo model;
  std::string status = "Loading the model...";
  bool status_error = false;
  bool drag_hover = false;

  // The file shown above the table. shown_error: it could not be analysed (then no image is
  // shown: never another file's picture or verdict under its name).
  std::string file_name;
  std::string shown_error;
  bool has_image = false;
  int source_width = 0, source_height = 0;
  std::string source_format;
  Texture image;    // the X-ray, scaled for display
  Texture heatmap;  // the class activation map, coloured, with alpha
  bool has_heatmap = false;  // heatmap belongs to the file shown now (the texture outlives files)
  Result result;
  Results results;

  bool show_heatmap = true;
  // For a NORMAL result the map (scaled within the image) would still paint "strongest evidence"
  // somewhere; hidden unless asked for, so it does not read as a finding.
  bool show_heatmap_when_negative = false;
  float heatmap_opacity = 0.45f;
  std::deque<Message> messages;  // newest first

  void post(const std::string& text, bool error);
};

AppState& state();

// Selects a row (arrival index) and, when notify is set, asks the page to show that file.
void select_row(int index, bool notify);

// The queue starts: its first frame waits one busy interval (render loop, main.cpp), so a few
// files are analysed before any frame costs them time.
void hold_frames();

// Input (pointer, keys, wheel): frames at once, also while the queue works.
void request_input_frames();

// Asks the render loop to draw the next few frames (it sleeps while nothing changes).
void request_frames();

}  // namespace xray::app
