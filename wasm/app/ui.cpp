#include "ui.h"

#include <emscripten/emscripten.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "colours.h"
#include "results_table.h"

namespace xray::app {
namespace {

// A titled rule between sections (ImGui 1.86 has no SeparatorText).
void section(const char* title) {
  ImGui::Spacing();
  ImGui::TextColored(kDimColour, "%s", title);
  ImGui::Separator();
}

void open_file_dialog() { EM_ASM(document.getElementById('file-input').click()); }
void open_folder_dialog() { EM_ASM(document.getElementById('folder-input').click()); }

// Lines of text centred in a box: the empty drop zone, and the place of a file that has no image.
void centred_lines(ImDrawList* draw, ImVec2 origin, ImVec2 avail, const std::vector<std::pair<std::string, ImU32>>& lines, float& y) {
  for (const auto& [text, colour] : lines) {
    const ImVec2 size = ImGui::CalcTextSize(text.c_str(), nullptr, false, avail.x - 16);
    draw->AddText(nullptr, 0, {origin.x + std::max(8.0f, (avail.x - size.x) / 2), y}, colour, text.c_str(), nullptr, avail.x - 16);
    y += size.y + ImGui::GetTextLineHeight() * 0.6f;
  }
}

void open_buttons(ImVec2 origin, ImVec2 avail, float y, float scale) {
  const ImVec2 button(150 * scale, 0);
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  ImGui::SetCursorScreenPos({origin.x + (avail.x - 2 * button.x - gap) / 2, y + 8 * scale});
  if (ImGui::Button("Open X-rays...", button)) open_file_dialog();
  ImGui::SameLine();
  if (ImGui::Button("Open folder...", button)) open_folder_dialog();
}

// The X-ray fitted into the panel, with the heatmap stretched over it.
void draw_image(AppState& s, float scale) {
  ImVec2 avail = ImGui::GetContentRegionAvail();
  const float caption = ImGui::GetTextLineHeightWithSpacing() * 2;
  avail.y -= caption;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  if (!s.has_image) {
    const ImVec2 end(origin.x + avail.x, origin.y + avail.y);
    float y = origin.y + avail.y * 0.38f;
    if (!s.file_name.empty()) {  // a file is being read, or could not be analysed: no picture, not the last one's
      draw->AddRectFilled(origin, end, IM_COL32(28, 30, 36, 255), 8 * scale);
      if (s.shown_error.empty()) {
        centred_lines(draw, origin, avail, {{s.file_name, IM_COL32(230, 232, 236, 255)}, {"Working...", IM_COL32(160, 165, 172, 255)}}, y);
      } else {
        centred_lines(draw, origin, avail,
                      {{s.file_name + " could not be analysed", IM_COL32(255, 110, 110, 255)}, {s.shown_error, IM_COL32(230, 232, 236, 255)}}, y);
      }
      open_buttons(origin, avail, y, scale);
      return;
    }
    const ImU32 border = s.drag_hover ? IM_COL32(120, 190, 255, 255) : IM_COL32(110, 115, 125, 255);
    draw->AddRectFilled(origin, end, s.drag_hover ? IM_COL32(40, 60, 90, 255) : IM_COL32(28, 30, 36, 255), 8 * scale);
    for (float x = origin.x + 8 * scale; x < end.x - 8 * scale; x += 16 * scale) {  // dashed border
      draw->AddLine({x, origin.y}, {std::min(x + 8 * scale, end.x), origin.y}, border, 2 * scale);
      draw->AddLine({x, end.y}, {std::min(x + 8 * scale, end.x), end.y}, border, 2 * scale);
    }
    for (float y2 = origin.y + 8 * scale; y2 < end.y - 8 * scale; y2 += 16 * scale) {
      draw->AddLine({origin.x, y2}, {origin.x, std::min(y2 + 8 * scale, end.y)}, border, 2 * scale);
      draw->AddLine({end.x, y2}, {end.x, std::min(y2 + 8 * scale, end.y)}, border, 2 * scale);
    }
    centred_lines(draw, origin, avail,
                  {{"Drop chest X-rays or a folder here", IM_COL32(230, 232, 236, 255)},
                   {"JPEG, PNG, BMP, PGM or DICOM, up to 40 megapixels; many at once", IM_COL32(160, 165, 172, 255)},
                   {"The images are read in this browser and never leave this computer.", IM_COL32(160, 165, 172, 255)}},
                  y);
    open_buttons(origin, avail, y, scale);
    return;
  }
  const float fit = std::min(avail.x / s.image.width, avail.y / s.image.height);
  const ImVec2 size(s.image.width * fit, s.image.height * fit);
  const ImVec2 top_left(origin.x + (avail.x - size.x) / 2, origin.y + (avail.y - size.y) / 2);
  const ImVec2 bottom_right(top_left.x + size.x, top_left.y + size.y);
  draw->AddImage(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(s.image.id)), top_left, bottom_right);
  const bool negative = s.result.valid && s.result.label == s.model.labels[0];
  // A flagged file's map would paint "evidence" on something that is not an X-ray.
  const bool answer_shown = !s.result.out_of_distribution || s.result.show_anyway;
  if (s.show_heatmap && s.result.valid && answer_shown && s.has_heatmap && s.heatmap.id != 0 && (!negative || s.show_heatmap_when_negative)) {
    const ImU32 tint = IM_COL32(255, 255, 255, static_cast<int>(s.heatmap_opacity * 255));
    draw->AddImage(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(s.heatmap.id)), top_left, bottom_right, {0, 0}, {1, 1}, tint);
  }
  ImGui::SetCursorScreenPos({origin.x, origin.y + avail.y + 4 * scale});
  ImGui::TextColored(kDimColour, "%s  |  %s %dx%d", s.file_name.c_str(), s.source_format.c_str(), s.source_width, s.source_height);
}

// Probability bar with the decision threshold marked.
void draw_probability(const AppState& s, float scale) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x, height = 22 * scale;
  const float prob = s.result.valid ? s.result.probability : 0.0f;
  const bool positive = s.result.valid && prob >= s.model.threshold;
  draw->AddRectFilled(p, {p.x + width, p.y + height}, IM_COL32(45, 48, 56, 255), 4 * scale);
  if (s.result.valid) {
    draw->AddRectFilled(p, {p.x + width * prob, p.y + height},
                        ImGui::ColorConvertFloat4ToU32(positive ? kPneumoniaColour : kNormalColour), 4 * scale);
  }
  const float tx = p.x + width * static_cast<float>(s.model.threshold);
  draw->AddLine({tx, p.y - 4 * scale}, {tx, p.y + height + 4 * scale}, IM_COL32(255, 255, 255, 255), 2 * scale);
  ImGui::Dummy({width, height + 6 * scale});
  char text[64];
  std::snprintf(text, sizeof text, "threshold %.3f", s.model.threshold);
  const float text_width = ImGui::CalcTextSize(text).x;
  ImGui::SetCursorPosX(ImGui::GetCursorPosX() + std::clamp(tx - p.x - text_width / 2, 0.0f, width - text_width));
  ImGui::TextColored(kDimColour, "%s", text);
}

void draw_timings(const AppState& s) {
  if (ImGui::BeginTable("timings", 2, ImGuiTableFlags_SizingStretchProp)) {
    const std::pair<const char*, double> rows[] = {{"decode", s.result.decode_ms},
                                                   {"preprocess", s.result.preprocess_ms},
                                                   {"inference", s.result.inference_ms},
                                                   {"total", s.result.decode_ms + s.result.preprocess_ms + s.result.inference_ms}};
    for (const auto& [name, ms] : rows) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextColored(kDimColour, "%s", name);
      ImGui::TableNextColumn();
      ImGui::Text("%.1f ms", ms);
    }
    ImGui::EndTable();
  }
}

void draw_result(AppState& s, float scale) {
  section("Result");
  if (!s.shown_error.empty()) {
    ImGui::TextColored(kErrorColour, "Could not analyse %s", s.file_name.c_str());
    ImGui::PushStyleColor(ImGuiCol_Text, kErrorColour);
    ImGui::TextWrapped("%s", s.shown_error.c_str());
    ImGui::PopStyleColor();
    return;
  }
  if (!s.result.valid) {
    ImGui::TextColored(kDimColour, s.file_name.empty() ? "No image yet." : "Working...");
    draw_probability(s, scale);
    return;
  }
  const Result& r = s.result;
  const bool gate = !std::isnan(r.ood_limit);
  if (r.out_of_distribution) {
    // The gate's verdict replaces the classifier's: an answer for a holiday photo or a knee
    // would look just as confident as a real one.
    ImGui::SetWindowFontScale(1.6f);
    ImGui::TextColored(kWarnColour, "NOT A CHEST X-RAY");
    ImGui::SetWindowFontScale(1.0f);
    if (r.in_colour) {
      ImGui::TextWrapped("This does not look like a frontal pediatric chest X-ray: it is in colour (%.0f%% of its pixels), "
                         "and radiographs are gray. The classifier's answer would be meaningless.",
                         100 * r.colour_fraction);
    } else {
      ImGui::TextWrapped("This does not look like a frontal pediatric chest X-ray (score %s, limit %s). "
                         "The classifier's answer would be meaningless.",
                         format_score(r.ood_score).c_str(), format_score(r.ood_limit).c_str());
    }
    ImGui::Checkbox("Show the classifier's answer anyway", &s.result.show_anyway);
    if (!r.show_anyway) {
      draw_timings(s);
      return;
    }
    ImGui::PushStyleColor(ImGuiCol_Text, kDimColour);
    ImGui::TextWrapped("The classifier's answer, for an image unlike the training X-rays:");
    ImGui::PopStyleColor();
  }
  const bool positive = r.label == s.model.labels[1];
  ImGui::SetWindowFontScale(1.6f);
  ImGui::TextColored(positive ? kPneumoniaColour : kNormalColour, "%s", r.label.c_str());
  ImGui::SetWindowFontScale(1.0f);
  ImGui::Text("P(%s) = %.4f", s.model.labels[1].c_str(), r.probability);
  draw_probability(s, scale);
  ImGui::PushStyleColor(ImGuiCol_Text, kDimColour);
  if (!gate) {
    ImGui::TextWrapped("No out-of-distribution check in this model: it answers for any image.");
  } else if (!r.out_of_distribution) {
    ImGui::TextWrapped("Out-of-distribution score %s (limit %s): like the training X-rays.", format_score(r.ood_score).c_str(),
                       format_score(r.ood_limit).c_str());
  }
  ImGui::PopStyleColor();
  draw_timings(s);
  section("Heatmap");
  ImGui::Checkbox("Show heatmap", &s.show_heatmap);
  if (!positive) {
    ImGui::Checkbox("Also for a NORMAL result", &s.show_heatmap_when_negative);
    ImGui::TextColored(kDimColour, "(hidden by default: below the threshold everywhere)");
  }
  ImGui::SliderFloat("Opacity", &s.heatmap_opacity, 0.0f, 1.0f, "%.2f");
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x, height = 10 * scale;
  const int steps = 32;
  for (int i = 0; i < steps; ++i) {
    draw->AddRectFilled({p.x + width * i / steps, p.y}, {p.x + width * (i + 1) / steps, p.y + height}, heat_colour(i / (steps - 1.0f), 1.0f));
  }
  ImGui::Dummy({width, height});
  ImGui::TextColored(kDimColour, "weaker  <  evidence for %s  >  stronger", s.model.labels[1].c_str());
  ImGui::TextWrapped("Class activation map: where the network's features pushed toward %s, scaled within this image.",
                     s.model.labels[1].c_str());
}

void draw_model(const AppState& s) {
  if (!ImGui::CollapsingHeader("Model", ImGuiTreeNodeFlags_DefaultOpen)) return;
  const std::vector<PanelLine>& lines = s.model.panel;
  if (lines.empty()) {
    ImGui::TextColored(kWarnColour, "Research demo, not a medical device.");
    return;
  }
  using K = PanelLine::Kind;
  for (std::size_t i = 0; i < lines.size();) {
    const PanelLine& l = lines[i];
    if (l.kind == K::kRow) {  // consecutive rows make one table
      ImGui::PushID(static_cast<int>(i));
      const bool table = ImGui::BeginTable("rows", 2, ImGuiTableFlags_SizingStretchSame | ImGuiTableFlags_RowBg);
      if (table) {  // the same proportions in every table, so the panel's columns line up
        ImGui::TableSetupColumn("name", ImGuiTableColumnFlags_WidthStretch, 3.0f);
        ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch, 2.0f);
      }
      for (; i < lines.size() && lines[i].kind == K::kRow; ++i) {
        if (!table) continue;
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(lines[i].text.c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(lines[i].value.c_str());
      }
      if (table) ImGui::EndTable();
      ImGui::PopID();
      continue;
    }
    switch (l.kind) {
      case K::kWarning:
        ImGui::PushStyleColor(ImGuiCol_Text, kWarnColour);
        ImGui::TextWrapped("%s", l.text.c_str());
        ImGui::PopStyleColor();
        break;
      case K::kHeading:
        ImGui::Spacing();
        ImGui::PushStyleColor(ImGuiCol_Text, kDimColour);
        ImGui::TextWrapped("%s", l.text.c_str());
        ImGui::PopStyleColor();
        ImGui::Separator();
        break;
      case K::kNote:
        ImGui::PushStyleColor(ImGuiCol_Text, kDimColour);
        ImGui::TextWrapped("%s", l.text.c_str());
        ImGui::PopStyleColor();
        break;
      default:
        ImGui::TextWrapped("%s", l.text.c_str());
    }
    ++i;
  }
}

void draw_messages(AppState& s) {
  if (s.messages.empty()) return;
  section("Messages");
  int dismiss = -1;
  for (int i = 0; i < static_cast<int>(s.messages.size()); ++i) {
    const Message& m = s.messages[i];
    ImGui::PushID(i);
    if (ImGui::SmallButton("x")) dismiss = i;
    ImGui::SameLine();
    ImGui::PushStyleColor(ImGuiCol_Text, m.error ? kErrorColour : kDimColour);
    ImGui::TextWrapped("%s", m.text.c_str());
    ImGui::PopStyleColor();
    ImGui::PopID();
  }
  if (dismiss >= 0) s.messages.erase(s.messages.begin() + dismiss);
}

}  // namespace

void apply_style(ImGuiStyle& style) {
  ImGui::StyleColorsDark(&style);
  style.WindowRounding = 0;
  style.FrameRounding = 4;
  style.WindowPadding = ImVec2(14, 12);
  style.ItemSpacing = ImVec2(8, 7);
  style.Colors[ImGuiCol_WindowBg] = ImVec4(0.09f, 0.10f, 0.12f, 1.0f);
  style.Colors[ImGuiCol_ChildBg] = ImVec4(0.12f, 0.13f, 0.16f, 1.0f);
}

void AppState::post(const std::string& text, bool error) {
  messages.push_front({text, error, ImGui::GetTime()});
  while (messages.size() > 6) messages.pop_back();
}

AppState& state() {
  static AppState s;
  return s;
}

void draw_ui(AppState& s, float scale) {
  const ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos({0, 0});
  ImGui::SetNextWindowSize(io.DisplaySize);
  // No background: the render loop's clear paints the same colour, and with software WebGL every
  // full-window layer costs milliseconds of each frame.
  ImGui::Begin("xray", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                                    ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoBackground);
  ImGui::SetWindowFontScale(1.25f);
  ImGui::TextUnformatted("Pediatric chest X-ray: NORMAL or PNEUMONIA");
  ImGui::SetWindowFontScale(1.0f);
  ImGui::SameLine();
  ImGui::TextColored(kWarnColour, "  research demo, not a medical device");
  ImGui::PushStyleColor(ImGuiCol_Text, s.status_error ? kErrorColour : kDimColour);
  ImGui::TextWrapped("%s", s.status.c_str());  // narrow windows: the whole status, on two lines
  ImGui::PopStyleColor();
  ImGui::Separator();

  const bool wide = io.DisplaySize.x >= 820 * scale;
  const float sidebar = wide ? std::min(400 * scale, io.DisplaySize.x * 0.4f) : 0.0f;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float spacing = ImGui::GetStyle().ItemSpacing.y;
  // Left (or top, when narrow): the shown image, and the results table below it once there are rows.
  const ImVec2 column = wide ? ImVec2(avail.x - sidebar - ImGui::GetStyle().ItemSpacing.x, avail.y) : ImVec2(avail.x, avail.y * 0.66f);
  const bool table = !s.results.rows.empty() || s.results.running;
  const float table_height = table ? std::floor(column.y * (wide ? 0.38f : 0.42f)) : 0.0f;
  ImGui::BeginGroup();
  ImGui::BeginChild("image", {column.x, column.y - table_height - (table ? spacing : 0)}, false, ImGuiWindowFlags_NoScrollbar);
  draw_image(s, scale);
  ImGui::EndChild();
  if (table) {
    ImGui::BeginChild("results", {column.x, table_height}, false, ImGuiWindowFlags_NoScrollbar);
    draw_results(s, scale);
    ImGui::EndChild();
  }
  ImGui::EndGroup();
  if (wide) ImGui::SameLine();
  ImGui::BeginChild("side", {0, 0}, false);
  draw_result(s, scale);
  draw_messages(s);
  ImGui::Spacing();
  draw_model(s);
  ImGui::EndChild();
  ImGui::End();
}

}  // namespace xray::app
