// The interface, drawn with Dear ImGui every frame from AppState.
#pragma once

#include "app_state.h"
#include "imgui.h"

namespace xray::app {

void apply_style(ImGuiStyle& style);
void draw_ui(AppState& state, float scale);

}  // namespace xray::app
