// The results table: one row per dropped file, sortable, a click or the arrow keys select the
// file to show; above it the queue's progress and the buttons that act on all rows.
#pragma once

#include "app_state.h"

namespace xray::app {

void draw_results(AppState& s, float scale);

// Moves the selection by `delta` rows in the table's current order (clamped to the ends) and asks
// the page to show the newly selected file. Returns the selected row, -1 when there are none.
int step_selection(Results& r, int delta);

}  // namespace xray::app
