#include "results_table.h"

#include <emscripten/emscripten.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "imgui.h"
#include "colours.h"

namespace xray::app {
namespace {

enum Column { kIndex, kFile, kLabel, kProbability, kOod, kTime, kError, kColumns };

// Numbers that may be missing (a failed file has none) sort after all the others.
int compare_numbers(float a, float b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) - std::isnan(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

int compare(const ResultRow& a, const ResultRow& b, int column) {
  const float nan = std::nanf("");
  switch (column) {
    case kFile: return a.file.compare(b.file);
    case kLabel: {  // analysed NORMAL, PNEUMONIA, then not X-rays, then failed files
      auto rank = [](const ResultRow& r) { return !r.error.empty() ? 3 : r.out_of_distribution ? 2 : r.positive ? 1 : 0; };
      return rank(a) - rank(b);
    }
    case kProbability: return compare_numbers(a.error.empty() ? a.probability : nan, b.error.empty() ? b.probability : nan);
    case kOod: return compare_numbers(a.ood_score, b.ood_score);
    case kTime: return compare_numbers(a.total_ms, b.total_ms);
    case kError: return a.error.compare(b.error);
    default: return 0;
  }
}

void sort_rows(Results& r) {
  r.order.resize(r.rows.size());
  for (std::size_t i = 0; i < r.order.size(); ++i) r.order[i] = static_cast<int>(i);
  if (r.sort_column > kIndex) {
    std::stable_sort(r.order.begin(), r.order.end(), [&](int a, int b) {
      const int c = compare(r.rows[a], r.rows[b], r.sort_column);
      return r.sort_descending ? c > 0 : c < 0;
    });
  } else if (r.sort_descending) {
    std::reverse(r.order.begin(), r.order.end());
  }
  r.order_dirty = false;
}

void call_page(const char* hook) {
  // The page's JavaScript defines these on the Emscripten module (web/app.js).
  EM_ASM({ const f = Module[UTF8ToString($0)]; if (f) f(); }, hook);
}

void draw_toolbar(Results& r, float scale) {
  if (r.running) {
    char progress[64];
    std::snprintf(progress, sizeof progress, "%d of %d", r.done, r.total);
    ImGui::ProgressBar(r.total ? static_cast<float>(r.done) / r.total : 0.0f, {160 * scale, 0}, progress);
    ImGui::SameLine();
    if (ImGui::Button("Stop")) call_page("xrayStop");
    ImGui::SameLine();
  } else {
    int failed = 0;
    for (const ResultRow& row : r.rows) failed += !row.error.empty();
    ImGui::TextColored(kDimColour, "%zu file%s, %d failed", r.rows.size(), r.rows.size() == 1 ? "" : "s", failed);
    ImGui::SameLine();
  }
  if (ImGui::Button("Save CSV")) call_page("xraySaveCsv");
  ImGui::SameLine();
  if (ImGui::Button("Open files...")) EM_ASM(document.getElementById('file-input').click());
  ImGui::SameLine();
  if (ImGui::Button("Open folder...")) EM_ASM(document.getElementById('folder-input').click());
  if (!r.running) {
    ImGui::SameLine();
    if (ImGui::Button("Clear")) call_page("xrayClear");
  }
}

// Keeps the selected row in view after a keyboard step (the table clips rows it does not draw,
// so ImGui cannot scroll to an item it never saw).
void scroll_to_selection(Results& r, float row_height) {
  if (!r.scroll_to_selected) return;
  r.scroll_to_selected = false;
  const auto at = std::find(r.order.begin(), r.order.end(), r.selected);
  if (at == r.order.end()) return;
  const float top = (at - r.order.begin()) * row_height;
  const float view = ImGui::GetWindowHeight() - 2 * row_height;  // less the frozen header row
  if (top < ImGui::GetScrollY()) ImGui::SetScrollY(top);
  else if (top + row_height > ImGui::GetScrollY() + view) ImGui::SetScrollY(top + row_height - view);
}

void draw_row(const AppState& s, Results& r, int index) {
  const ResultRow& row = r.rows[index];
  ImGui::TableNextRow();
  ImGui::PushID(index);
  ImGui::TableNextColumn();
  char number[16];
  std::snprintf(number, sizeof number, "%d", index + 1);
  if (ImGui::Selectable(number, r.selected == index, ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowItemOverlap)) {
    select_row(index, true);
  }
  ImGui::TableNextColumn();
  ImGui::TextUnformatted(row.file.c_str());
  if (ImGui::IsItemHovered() && ImGui::CalcTextSize(row.file.c_str()).x > ImGui::GetColumnWidth()) ImGui::SetTooltip("%s", row.file.c_str());
  ImGui::TableNextColumn();
  if (!row.error.empty()) ImGui::TextColored(kErrorColour, "error");
  else if (row.out_of_distribution) ImGui::TextColored(kWarnColour, "not an X-ray");
  else ImGui::TextColored(row.positive ? kPneumoniaColour : kNormalColour, "%s", s.model.labels[row.positive ? 1 : 0].c_str());
  ImGui::TableNextColumn();
  if (row.error.empty()) {
    if (row.out_of_distribution) ImGui::TextColored(kDimColour, "%.4f", row.probability);
    else ImGui::Text("%.4f", row.probability);
  }
  ImGui::TableNextColumn();
  if (!std::isnan(row.ood_score)) {
    if (row.out_of_distribution) ImGui::TextColored(kWarnColour, "yes %s", format_score(row.ood_score).c_str());
    else ImGui::TextColored(kDimColour, "no %s", format_score(row.ood_score).c_str());
  }
  ImGui::TableNextColumn();
  ImGui::Text("%.0f", row.total_ms);
  ImGui::TableNextColumn();
  if (!row.error.empty()) {
    ImGui::TextColored(kErrorColour, "%s", row.error.c_str());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", row.error.c_str());
  }
  ImGui::PopID();
}

}  // namespace

void select_row(int index, bool notify) {
  Results& r = state().results;
  if (index < 0 || index >= static_cast<int>(r.rows.size())) return;
  r.selected = index;
  r.scroll_to_selected = true;
  if (notify) request_input_frames();  // a click or a key: answer at once
  else request_frames();
  if (notify) EM_ASM({ if (Module.xraySelectRow) Module.xraySelectRow($0); }, index);
}

int step_selection(Results& r, int delta) {
  if (r.rows.empty()) return -1;
  if (r.order_dirty || r.order.size() != r.rows.size()) sort_rows(r);
  const auto at = std::find(r.order.begin(), r.order.end(), r.selected);
  const long from = at == r.order.end() ? (delta > 0 ? -1 : static_cast<long>(r.order.size())) : at - r.order.begin();
  const long to = std::clamp<long>(from + delta, 0, static_cast<long>(r.order.size()) - 1);
  if (r.order[to] != r.selected) select_row(r.order[to], true);
  return r.selected;
}

void draw_results(AppState& s, float scale) {
  Results& r = s.results;
  draw_toolbar(r, scale);
  if (r.rows.empty()) return;
  const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_Resizable |
                                ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("results", kColumns, flags)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("#", ImGuiTableColumnFlags_DefaultSort | ImGuiTableColumnFlags_WidthFixed, 36 * scale);
  ImGui::TableSetupColumn("File", ImGuiTableColumnFlags_WidthStretch, 3.0f);
  ImGui::TableSetupColumn("Label", ImGuiTableColumnFlags_WidthStretch, 1.3f);
  std::string p = "P(" + s.model.labels[1] + ")";
  ImGui::TableSetupColumn(p.c_str(), ImGuiTableColumnFlags_WidthStretch | ImGuiTableColumnFlags_PreferSortDescending, 1.5f);
  ImGui::TableSetupColumn("Not X-ray", ImGuiTableColumnFlags_WidthStretch | ImGuiTableColumnFlags_PreferSortDescending, 1.1f);
  ImGui::TableSetupColumn("ms", ImGuiTableColumnFlags_WidthStretch, 0.6f);
  ImGui::TableSetupColumn("Error", ImGuiTableColumnFlags_WidthStretch, 3.0f);
  ImGui::TableHeadersRow();
  if (ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs(); specs && specs->SpecsDirty) {
    if (specs->SpecsCount > 0) {
      r.sort_column = specs->Specs[0].ColumnIndex;
      r.sort_descending = specs->Specs[0].SortDirection == ImGuiSortDirection_Descending;
    }
    specs->SpecsDirty = false;
    r.order_dirty = true;
  }
  if (r.order_dirty || r.order.size() != r.rows.size()) sort_rows(r);
  const float row_height = ImGui::GetTextLineHeight() + 2 * ImGui::GetStyle().CellPadding.y;
  scroll_to_selection(r, row_height);
  ImGuiListClipper clipper;  // only the visible rows are drawn: 10,000 rows cost what 20 do
  clipper.Begin(static_cast<int>(r.order.size()), row_height);
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) draw_row(s, r, r.order[i]);
  }
  ImGui::EndTable();
}

}  // namespace xray::app
