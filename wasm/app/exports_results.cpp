// The functions the page's JavaScript calls for the results table: rows in, the queue's progress,
// keyboard selection. The page keeps the files and the full rows (window.xray.results); the app
// keeps what the table draws.
#include <emscripten/emscripten.h>

#include <cmath>
#include <exception>

#include "app_state.h"
#include "results_table.h"

using xray::app::state;

extern "C" {

// Appends a row; error is empty for an analysed file. select: this row is the file shown above the
// table. Returns the row's index, or -1 when there was no memory for it.
EMSCRIPTEN_KEEPALIVE int xray_add_row(const char* file, const char* error, float probability, int out_of_distribution, float ood_score,
                                      float total_ms, int select) {
  auto& r = state().results;
  try {
    xray::app::ResultRow row;
    row.file = file;
    row.error = error;
    row.probability = probability;
    row.positive = row.error.empty() && probability >= state().model.threshold;
    row.out_of_distribution = out_of_distribution != 0;
    row.ood_score = ood_score;
    row.total_ms = total_ms;
    r.rows.push_back(std::move(row));
  } catch (const std::exception&) {
    return -1;
  }
  r.order_dirty = true;
  const int index = static_cast<int>(r.rows.size()) - 1;
  if (select) xray::app::select_row(index, false);
  xray::app::request_frames();
  return index;
}

EMSCRIPTEN_KEEPALIVE void xray_clear_results() {
  auto& r = state().results;
  r = {};
  xray::app::request_frames();
}

// The queue: done of total files handled; running while it works (the table shows Stop).
EMSCRIPTEN_KEEPALIVE void xray_set_progress(int done, int total, int running) {
  auto& r = state().results;
  if (running && !r.running) xray::app::hold_frames();  // a single file is done before the first frame
  r.done = done;
  r.total = total;
  r.running = running != 0;
  xray::app::request_frames();
}

// Arrow keys, Page Up/Down, Home/End: the page handles the keys and moves the selection here, so
// that they work wherever the focus is. Returns the selected row (-1: no rows).
EMSCRIPTEN_KEEPALIVE int xray_select_step(int delta) { return xray::app::step_selection(state().results, delta); }

EMSCRIPTEN_KEEPALIVE int xray_selected_row() { return state().results.selected; }

}  // extern "C"
