// SVG charts at the level of the text: well-formed XML (a small tag-balance and entity check, as
// no XML parser is a dependency), escaped labels, the expected marks, and no NaN ever printed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "plots.h"

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// "" when every tag is closed in order and every '&' starts a known entity; else what is wrong.
std::string xml_problem(const std::string& s) {
  std::vector<std::string> open;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '&') {
      static const char* const kEntities[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
      const bool known = std::any_of(std::begin(kEntities), std::end(kEntities),
                                     [&](const char* e) { return s.compare(i, std::string(e).size(), e) == 0; });
      if (!known) return "bare & at " + std::to_string(i);
      continue;
    }
    if (s[i] == '>') return "bare > at " + std::to_string(i);
    if (s[i] != '<') continue;
    // Find the tag's end, skipping quoted attribute values.
    std::size_t end = i + 1;
    char quote = 0;
    for (; end < s.size(); ++end) {
      if (quote) {
        if (s[end] == quote) quote = 0;
        if (s[end] == '<') return "< inside an attribute at " + std::to_string(end);
      } else if (s[end] == '"' || s[end] == '\'') {
        quote = s[end];
      } else if (s[end] == '>') {
        break;
      }
    }
    if (end == s.size()) return "unterminated tag at " + std::to_string(i);
    const std::string tag = s.substr(i + 1, end - i - 1);
    if (tag.empty()) return "empty tag at " + std::to_string(i);
    const bool closing = tag[0] == '/';
    const std::size_t name_start = closing ? 1 : 0;
    std::size_t name_end = name_start;
    while (name_end < tag.size() && (std::isalnum(static_cast<unsigned char>(tag[name_end])) || tag[name_end] == '-')) {
      ++name_end;
    }
    const std::string name = tag.substr(name_start, name_end - name_start);
    if (name.empty()) return "tag without a name at " + std::to_string(i);
    if (closing) {
      if (open.empty() || open.back() != name) return "</" + name + "> does not close <" + (open.empty() ? "" : open.back()) + ">";
      open.pop_back();
    } else if (tag.back() != '/') {
      open.push_back(name);
    }
    i = end;
  }
  if (!open.empty()) return "<" + open.back() + "> is never closed";
  return "";
}

std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

bool has_nan_or_inf(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s.find("nan") != std::string::npos || s.find("inf") != std::string::npos;
}

void expect_clean_svg(const std::string& svg) {
  EXPECT_EQ(svg.rfind("<svg", 0), 0u) << svg.substr(0, 80);
  EXPECT_NE(svg.find("xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos);
  EXPECT_EQ(xml_problem(svg), "");
  EXPECT_FALSE(has_nan_or_inf(svg)) << svg;
}

TEST(XmlCheck, CatchesWhatItShould) {  // the checker itself, so a pass above means something
  EXPECT_EQ(xml_problem("<a><b/><c x=\"1\">t &amp; u</c></a>"), "");
  EXPECT_NE(xml_problem("<a><b></a>"), "");
  EXPECT_NE(xml_problem("<a>x & y</a>"), "");
  EXPECT_NE(xml_problem("<a>"), "");
}

TEST(LineChart, RocWithDiagonalLegendAndEscapedText) {
  xray::LineChart c;
  c.title = "ROC <val> & \"test\"";
  c.x_label = "False positive rate";
  c.y_label = "True positive rate";
  c.x_min = 0, c.x_max = 1, c.y_min = 0, c.y_max = 1;
  c.diagonal = true;
  c.series.push_back({"model (AUC 0.875)", {{0, 0}, {0, 0.5}, {0.5, 1}, {1, 1}}});
  const std::string svg = xray::svg_line_chart(c);
  expect_clean_svg(svg);
  EXPECT_NE(svg.find("ROC &lt;val&gt; &amp; &quot;test&quot;"), std::string::npos);
  EXPECT_EQ(svg.find("<val>"), std::string::npos);
  EXPECT_NE(svg.find("True positive rate"), std::string::npos);
  EXPECT_NE(svg.find("model (AUC 0.875)"), std::string::npos);  // legend
  EXPECT_NE(svg.find("class=\"diagonal\""), std::string::npos);
  EXPECT_NE(svg.find("stroke-dasharray"), std::string::npos);
  EXPECT_EQ(count(svg, "<polyline"), 1u);
  // Fixed range [0, 1]: round ticks every 0.2.
  for (const char* tick : {">0.0<", ">0.2<", ">0.4<", ">0.6<", ">0.8<", ">1.0<"}) {
    EXPECT_NE(svg.find(tick), std::string::npos) << tick;
  }
}

TEST(LineChart, RangeFromDataIsRoundedToTicks) {
  // Losses from 0.3 to 37 over epochs 1..9: y ticks step 10 (0..40), x ticks step 2 (0..10).
  xray::LineChart c;
  c.title = "Loss";
  c.series.push_back({"train", {{1, 37}, {3, 12}, {5, 4}, {9, 0.3}}});
  c.series.push_back({"val", {{1, 30}, {9, 2}}});
  const std::string svg = xray::svg_line_chart(c);
  expect_clean_svg(svg);
  EXPECT_NE(svg.find(">40<"), std::string::npos);
  EXPECT_NE(svg.find(">10<"), std::string::npos);
  EXPECT_EQ(svg.find(">37<"), std::string::npos);  // ticks are round, not the data's extremes
  EXPECT_EQ(count(svg, "<polyline"), 2u);
  EXPECT_NE(svg.find("#0072B2"), std::string::npos);
  EXPECT_NE(svg.find("#D55E00"), std::string::npos);
}

TEST(LineChart, NaNPointsAreSkippedAndBreakTheLine) {
  xray::LineChart c;
  c.title = "Val loss";
  c.series.push_back({"val", {{1, 0.9}, {2, kNaN}, {3, 0.5}, {4, 0.4}, {kNaN, 1}, {5, INFINITY}}});
  const std::string svg = xray::svg_line_chart(c);
  expect_clean_svg(svg);
  // {1} alone (a marker, no line), then {3, 4} as one line.
  EXPECT_EQ(count(svg, "<polyline"), 1u);
  EXPECT_EQ(count(svg, "<circle"), 3u);
}

TEST(LineChart, EmptyAndSinglePoint) {
  xray::LineChart empty;
  empty.title = "Nothing yet";
  std::string svg = xray::svg_line_chart(empty);
  expect_clean_svg(svg);
  EXPECT_NE(svg.find("no data"), std::string::npos);

  empty.series.push_back({"all missing", {{kNaN, kNaN}}});
  svg = xray::svg_line_chart(empty);
  expect_clean_svg(svg);
  EXPECT_NE(svg.find("no data"), std::string::npos);

  xray::LineChart one;
  one.title = "One epoch";
  one.series.push_back({"train", {{1, 0.7}}});
  svg = xray::svg_line_chart(one);
  expect_clean_svg(svg);
  EXPECT_EQ(count(svg, "<circle"), 1u);
  EXPECT_EQ(svg.find("no data"), std::string::npos);
}

TEST(BarChart, OneBarPerValueWithItsValue) {
  const std::vector<xray::BarGroup> groups = {{"train", {1341, 3875}}, {"val", {8, 8}}, {"test", {234, 390}}};
  const std::string svg = xray::svg_grouped_bar_chart("Images per class & split", {"NORMAL", "PNEUMONIA"}, groups);
  expect_clean_svg(svg);
  EXPECT_EQ(count(svg, "class=\"bar\""), 6u);
  EXPECT_EQ(count(svg, "class=\"swatch\""), 2u);  // legend: one per category
  for (const char* value : {">1341<", ">3875<", ">8<", ">234<", ">390<"}) EXPECT_NE(svg.find(value), std::string::npos) << value;
  for (const char* name : {">train<", ">val<", ">test<", ">NORMAL<", ">PNEUMONIA<"}) EXPECT_NE(svg.find(name), std::string::npos) << name;
  EXPECT_NE(svg.find("Images per class &amp; split"), std::string::npos);
}

TEST(BarChart, FractionsNaNAndEmpty) {
  std::string svg = xray::svg_grouped_bar_chart("Share", {"a", "b"}, {{"x", {0.25, kNaN}}});
  expect_clean_svg(svg);
  EXPECT_EQ(count(svg, "class=\"bar\""), 1u);  // the NaN gets no bar
  EXPECT_NE(svg.find(">0.25<"), std::string::npos);

  svg = xray::svg_grouped_bar_chart("Empty", {}, {});
  expect_clean_svg(svg);
  EXPECT_EQ(count(svg, "class=\"bar\""), 0u);
  EXPECT_NE(svg.find("no data"), std::string::npos);
}

TEST(ConfusionMatrixChart, CountsAndRowPercentages) {
  // Rows are the true class: NORMAL row tn 90, fp 10 -> 90.0% and 10.0%;
  // PNEUMONIA row fn 5, tp 195 -> 2.5% and 97.5%.
  xray::ConfusionMatrix cm;
  cm.tn = 90, cm.fp = 10, cm.fn = 5, cm.tp = 195;
  const std::string svg = xray::svg_confusion_matrix("Test <set>", cm, "NORMAL", "PNEUMONIA");
  expect_clean_svg(svg);
  EXPECT_EQ(count(svg, "class=\"cell\""), 4u);
  for (const char* text : {">90<", ">10<", ">5<", ">195<", ">90.0%<", ">10.0%<", ">2.5%<", ">97.5%<", "n = 300"}) {
    EXPECT_NE(svg.find(text), std::string::npos) << text;
  }
  EXPECT_NE(svg.find("Test &lt;set&gt;"), std::string::npos);
  // The dominant cell of each row is shaded darker than the other: 97.5% is near #0072B2.
  // White (255,255,255) to #0072B2 (0,114,178) at 0.975: 255 - 255*0.975 = 6.4 -> 06,
  // 255 - 141*0.975 = 117.5 -> 118 = 76, 255 - 77*0.975 = 179.9 -> 180 = B4.
  EXPECT_NE(svg.find("fill=\"#0676B4\""), std::string::npos);
}

TEST(ConfusionMatrixChart, EmptyRowIsNotAPercentage) {
  xray::ConfusionMatrix cm;
  cm.tp = 3, cm.fn = 1;  // no true negatives or false positives: the NORMAL row is 0/0
  const std::string svg = xray::svg_confusion_matrix("Only positives", cm, "NORMAL", "PNEUMONIA \"P\"");
  expect_clean_svg(svg);
  EXPECT_EQ(count(svg, ">n/a<"), 2u);
  EXPECT_NE(svg.find(">75.0%<"), std::string::npos);
  EXPECT_NE(svg.find("PNEUMONIA &quot;P&quot;"), std::string::npos);
}

}  // namespace
