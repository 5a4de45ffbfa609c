// The page's text colours, one set for every panel, so a verdict looks the same everywhere.
#pragma once

#include "imgui.h"

namespace xray::app {

inline const ImVec4 kNormalColour(0.35f, 0.80f, 0.45f, 1.0f);
inline const ImVec4 kPneumoniaColour(1.00f, 0.45f, 0.35f, 1.0f);
inline const ImVec4 kWarnColour(1.00f, 0.75f, 0.30f, 1.0f);
inline const ImVec4 kErrorColour(1.00f, 0.40f, 0.40f, 1.0f);
inline const ImVec4 kDimColour(0.65f, 0.68f, 0.72f, 1.0f);

}  // namespace xray::app
