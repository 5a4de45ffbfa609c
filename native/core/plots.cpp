// Self-contained SVG charts. Plain string building: the charts are simple, and a plotting library
// would be the largest dependency of the trainer for a few hundred lines of output.
// Every number written is finite: NaN and infinite data points are skipped, never printed.
#include "plots.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace xray {
namespace {

constexpr int kWidth = 640, kHeight = 480;
// Okabe-Ito colours: distinguishable with the common forms of colour blindness.
const char* const kPalette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"};
constexpr int kPaletteSize = sizeof kPalette / sizeof kPalette[0];
const char* colour(std::size_t i) { return kPalette[i % kPaletteSize]; }

std::string escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // Control characters other than tab and newlines are not allowed in XML 1.0 at all.
        if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

// Pixel coordinates: two decimals is well under a pixel and keeps the file small.
std::string px(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s = buf;
  if (s.find_first_not_of("-0.") == std::string::npos && s[0] == '-') s.erase(0, 1);  // no "-0"
  return s;
}

// A value printed on a bar: counts as integers, other values with three significant digits.
std::string value_label(double v) {
  if (std::abs(v) < 1e15 && v == std::round(v)) return fixed(v, 0);
  if (std::abs(v) >= 100) return fixed(v, 1);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

// Rough text width for layout (no font metrics available): average glyph is ~0.6 em.
double text_width(const std::string& s, double font_size) { return 0.6 * font_size * static_cast<double>(s.size()); }

std::string svg_open(const std::string& title) {
  std::ostringstream o;
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kWidth << "\" height=\"" << kHeight
    << "\" viewBox=\"0 0 " << kWidth << ' ' << kHeight
    << "\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\" fill=\"#222222\">\n"
    << "<title>" << escape(title) << "</title>\n"
    // An opaque background, so the chart stays readable in dark-themed viewers.
    << "<rect class=\"background\" x=\"0\" y=\"0\" width=\"" << kWidth << "\" height=\"" << kHeight
    << "\" fill=\"#FFFFFF\"/>\n"
    << "<text x=\"" << kWidth / 2 << "\" y=\"28\" text-anchor=\"middle\" font-size=\"18\" font-weight=\"bold\">"
    << escape(title) << "</text>\n";
  return o.str();
}

// An axis range with round tick values (steps of 1, 2 or 5 times a power of ten).
struct Axis {
  double lo = 0, hi = 1;
  std::vector<double> ticks;
  int decimals = 1;
};

Axis make_axis(double lo, double hi, bool round_outwards) {
  Axis a;
  if (!(std::isfinite(lo) && std::isfinite(hi))) lo = 0, hi = 1;
  if (lo > hi) std::swap(lo, hi);
  if (lo == hi) {  // one value: give it some room
    const double pad = lo == 0 ? 1 : std::abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const double raw = (hi - lo) / 5;
  if (!std::isfinite(raw) || raw <= 0) return a;  // span overflowed: fall back to [0, 1]
  const double magnitude = std::pow(10, std::floor(std::log10(raw)));
  const double f = raw / magnitude;
  const double step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * magnitude;
  if (round_outwards) {
    lo = std::floor(lo / step + 1e-9) * step;
    hi = std::ceil(hi / step - 1e-9) * step;
  }
  a.lo = lo;
  a.hi = hi;
  a.decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
  const double first = std::ceil(lo / step - 1e-9);
  for (int i = 0; i <= 20; ++i) {  // bounded: at most ~11 ticks by construction
    const double t = (first + i) * step;
    if (t > hi + step * 1e-6) break;
    a.ticks.push_back(std::abs(t) < step * 1e-9 ? 0 : t);
  }
  return a;
}

struct PlotArea {
  double left, top, right, bottom;
  double x(const Axis& a, double v) const { return left + (v - a.lo) / (a.hi - a.lo) * (right - left); }
  double y(const Axis& a, double v) const { return bottom - (v - a.lo) / (a.hi - a.lo) * (bottom - top); }
};

struct LegendItem {
  std::string name, colour;
  bool dashed = false, box = false;  // box: a filled swatch (bars) instead of a line
};

double legend_item_width(const LegendItem& item) { return 28 + text_width(item.name, 12) + 16; }

int legend_rows(const std::vector<LegendItem>& items, double width) {
  if (items.empty()) return 0;
  int rows = 1;
  double x = 0;
  for (const LegendItem& item : items) {
    const double w = legend_item_width(item);
    if (x > 0 && x + w > width) ++rows, x = 0;
    x += w;
  }
  return rows;
}

// Legend as centred rows under the title, outside the plot, so it never hides data.
std::string legend(const std::vector<LegendItem>& items, double left, double right, double top) {
  std::ostringstream o;
  std::vector<std::vector<const LegendItem*>> rows(1);
  double x = 0;
  for (const LegendItem& item : items) {
    const double w = legend_item_width(item);
    if (x > 0 && x + w > right - left) rows.emplace_back(), x = 0;
    rows.back().push_back(&item);
    x += w;
  }
  for (std::size_t r = 0; r < rows.size(); ++r) {
    double row_width = 0;
    for (const LegendItem* item : rows[r]) row_width += legend_item_width(*item);
    double cx = (left + right - row_width) / 2;
    const double cy = top + 18.0 * static_cast<double>(r);
    for (const LegendItem* item : rows[r]) {
      if (item->box) {
        o << "<rect class=\"swatch\" x=\"" << px(cx) << "\" y=\"" << px(cy - 9) << "\" width=\"20\" height=\"10\" fill=\""
          << item->colour << "\"/>";
      } else {
        o << "<line x1=\"" << px(cx) << "\" y1=\"" << px(cy - 4) << "\" x2=\"" << px(cx + 20) << "\" y2=\"" << px(cy - 4)
          << "\" stroke=\"" << item->colour << "\" stroke-width=\"2\"" << (item->dashed ? " stroke-dasharray=\"5,4\"" : "")
          << "/>";
      }
      o << "<text x=\"" << px(cx + 26) << "\" y=\"" << px(cy) << "\">" << escape(item->name) << "</text>\n";
      cx += legend_item_width(*item);
    }
  }
  return o.str();
}

// Gridlines and tick labels for the y axis, and the frame of the plot.
std::string y_grid(const PlotArea& p, const Axis& y) {
  std::ostringstream o;
  for (double t : y.ticks) {
    const double py = p.y(y, t);
    o << "<line x1=\"" << px(p.left) << "\" y1=\"" << px(py) << "\" x2=\"" << px(p.right) << "\" y2=\"" << px(py)
      << "\" stroke=\"#E5E5E5\"/>"
      << "<text x=\"" << px(p.left - 8) << "\" y=\"" << px(py + 4) << "\" text-anchor=\"end\">" << fixed(t, y.decimals)
      << "</text>\n";
  }
  return o.str();
}

std::string frame(const PlotArea& p) {
  std::ostringstream o;
  o << "<rect class=\"frame\" x=\"" << px(p.left) << "\" y=\"" << px(p.top) << "\" width=\"" << px(p.right - p.left)
    << "\" height=\"" << px(p.bottom - p.top) << "\" fill=\"none\" stroke=\"#888888\"/>\n";
  return o.str();
}

std::string no_data_note(const PlotArea& p) {
  return "<text x=\"" + px((p.left + p.right) / 2) + "\" y=\"" + px((p.top + p.bottom) / 2) +
         "\" text-anchor=\"middle\" font-size=\"14\" fill=\"#888888\">no data</text>\n";
}

bool finite_point(const std::pair<double, double>& p) { return std::isfinite(p.first) && std::isfinite(p.second); }

// The axis range for one coordinate: the chart's own when it sets one, else the data's.
Axis axis_for(double set_min, double set_max, const std::vector<Series>& series, bool use_x) {
  if (set_min != set_max && std::isfinite(set_min) && std::isfinite(set_max)) return make_axis(set_min, set_max, false);
  double lo = INFINITY, hi = -INFINITY;
  for (const Series& s : series) {
    for (const auto& pt : s.points) {
      if (!finite_point(pt)) continue;
      const double v = use_x ? pt.first : pt.second;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  if (lo > hi) return make_axis(0, 1, false);  // no finite data
  return make_axis(lo, hi, true);
}

}  // namespace

std::string svg_line_chart(const LineChart& chart) {
  std::vector<LegendItem> items;
  for (std::size_t i = 0; i < chart.series.size(); ++i) items.push_back({chart.series[i].name, colour(i)});
  if (chart.diagonal) items.push_back({"chance", "#888888", true});

  PlotArea p{72, 0, kWidth - 28.0, kHeight - 64.0};
  const int rows = legend_rows(items, p.right - p.left);
  p.top = 56 + 18.0 * rows;
  const Axis x = axis_for(chart.x_min, chart.x_max, chart.series, true);
  const Axis y = axis_for(chart.y_min, chart.y_max, chart.series, false);

  std::ostringstream o;
  o << svg_open(chart.title) << legend(items, p.left, p.right, 52);
  o << y_grid(p, y);
  for (double t : x.ticks) {
    const double tx = p.x(x, t);
    o << "<line x1=\"" << px(tx) << "\" y1=\"" << px(p.top) << "\" x2=\"" << px(tx) << "\" y2=\"" << px(p.bottom)
      << "\" stroke=\"#E5E5E5\"/>"
      << "<text x=\"" << px(tx) << "\" y=\"" << px(p.bottom + 18) << "\" text-anchor=\"middle\">" << fixed(t, x.decimals)
      << "</text>\n";
  }
  o << "<text x=\"" << px((p.left + p.right) / 2) << "\" y=\"" << kHeight - 18
    << "\" text-anchor=\"middle\" font-size=\"13\">" << escape(chart.x_label) << "</text>\n"
    << "<text transform=\"translate(20," << px((p.top + p.bottom) / 2)
    << ") rotate(-90)\" text-anchor=\"middle\" font-size=\"13\">" << escape(chart.y_label) << "</text>\n";

  // Data outside a fixed axis range is cut at the plot's edge rather than drawn over the labels.
  o << "<clipPath id=\"plot-area\"><rect x=\"" << px(p.left) << "\" y=\"" << px(p.top) << "\" width=\""
    << px(p.right - p.left) << "\" height=\"" << px(p.bottom - p.top) << "\"/></clipPath>\n"
    << "<g clip-path=\"url(#plot-area)\">\n";
  if (chart.diagonal) {
    o << "<line class=\"diagonal\" x1=\"" << px(p.x(x, x.lo)) << "\" y1=\"" << px(p.y(y, x.lo)) << "\" x2=\""
      << px(p.x(x, x.hi)) << "\" y2=\"" << px(p.y(y, x.hi))
      << "\" stroke=\"#888888\" stroke-width=\"1.5\" stroke-dasharray=\"5,4\"/>\n";
  }
  bool any_point = false;
  for (std::size_t i = 0; i < chart.series.size(); ++i) {
    const auto& points = chart.series[i].points;
    const bool markers = points.size() <= 40;  // few points (e.g. epochs): show where they are
    // A NaN breaks the line: joining across it would draw a value that was never measured.
    std::vector<std::vector<std::pair<double, double>>> runs(1);
    for (const auto& pt : points) {
      if (finite_point(pt)) {
        runs.back().push_back(pt);
      } else if (!runs.back().empty()) {
        runs.emplace_back();
      }
    }
    for (const auto& run : runs) {
      if (run.empty()) continue;
      any_point = true;
      if (run.size() > 1) {
        o << "<polyline class=\"series\" fill=\"none\" stroke=\"" << colour(i)
          << "\" stroke-width=\"2\" stroke-linejoin=\"round\" points=\"";
        for (std::size_t k = 0; k < run.size(); ++k) {
          o << (k ? " " : "") << px(p.x(x, run[k].first)) << ',' << px(p.y(y, run[k].second));
        }
        o << "\"/>\n";
      }
      if (markers || run.size() == 1) {  // a lone point has no line to show it
        for (const auto& pt : run) {
          o << "<circle cx=\"" << px(p.x(x, pt.first)) << "\" cy=\"" << px(p.y(y, pt.second)) << "\" r=\"3\" fill=\""
            << colour(i) << "\"/>";
        }
        o << '\n';
      }
    }
  }
  o << "</g>\n";
  if (!any_point) o << no_data_note(p);
  o << frame(p) << "</svg>\n";
  return o.str();
}

std::string svg_grouped_bar_chart(const std::string& title, const std::vector<std::string>& categories,
                                  const std::vector<BarGroup>& groups) {
  std::size_t category_count = categories.size();
  for (const BarGroup& g : groups) category_count = std::max(category_count, g.values.size());
  std::vector<LegendItem> items;
  for (std::size_t c = 0; c < category_count; ++c) {
    const std::string name = c < categories.size() ? categories[c] : "category " + std::to_string(c + 1);
    items.push_back({name, colour(c), false, true});
  }

  PlotArea p{72, 0, kWidth - 28.0, kHeight - 56.0};
  p.top = 64 + 18.0 * legend_rows(items, p.right - p.left);
  // Bars grow from zero, so zero is always on the axis.
  double lo = 0, hi = 0;
  bool any_value = false;
  for (const BarGroup& g : groups) {
    for (double v : g.values) {
      if (!std::isfinite(v)) continue;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
      any_value = true;
    }
  }
  // Headroom above the tallest bar for its printed value.
  const Axis y = any_value ? make_axis(lo, hi + (hi - lo) * 0.08, true) : make_axis(0, 1, false);

  std::ostringstream o;
  o << svg_open(title) << legend(items, p.left, p.right, 52) << y_grid(p, y);
  const double band = groups.empty() ? 0 : (p.right - p.left) / static_cast<double>(groups.size());
  const double bar = category_count == 0 ? 0 : band * 0.8 / static_cast<double>(category_count);
  const double zero = p.y(y, 0);
  for (std::size_t gi = 0; gi < groups.size(); ++gi) {
    const double band_left = p.left + band * static_cast<double>(gi);
    o << "<text x=\"" << px(band_left + band / 2) << "\" y=\"" << px(p.bottom + 20)
      << "\" text-anchor=\"middle\" font-size=\"13\">" << escape(groups[gi].name) << "</text>\n";
    for (std::size_t c = 0; c < groups[gi].values.size(); ++c) {
      const double v = groups[gi].values[c];
      if (!std::isfinite(v)) continue;  // no bar rather than a made-up one
      const double bx = band_left + band * 0.1 + bar * static_cast<double>(c);
      const double top = std::min(zero, p.y(y, v)), height = std::abs(zero - p.y(y, v));
      o << "<rect class=\"bar\" x=\"" << px(bx) << "\" y=\"" << px(top) << "\" width=\"" << px(bar * 0.92)
        << "\" height=\"" << px(height) << "\" fill=\"" << colour(c) << "\"/>"
        << "<text x=\"" << px(bx + bar * 0.46) << "\" y=\"" << px(v >= 0 ? top - 5 : top + height + 14)
        << "\" text-anchor=\"middle\" font-size=\"11\">" << value_label(v) << "</text>\n";
    }
  }
  o << "<line x1=\"" << px(p.left) << "\" y1=\"" << px(zero) << "\" x2=\"" << px(p.right) << "\" y2=\"" << px(zero)
    << "\" stroke=\"#444444\"/>\n";
  if (!any_value) o << no_data_note(p);
  o << frame(p) << "</svg>\n";
  return o.str();
}

std::string svg_confusion_matrix(const std::string& title, const ConfusionMatrix& cm,
                                 const std::string& negative_label, const std::string& positive_label) {
  constexpr double kCell = 150, kLeft = 230, kTop = 120;
  // Rows are the true class, so each row's shares are that class's hit and miss rates.
  const std::int64_t cells[2][2] = {{cm.tn, cm.fp}, {cm.fn, cm.tp}};
  const char* const tags[2][2] = {{"TN", "FP"}, {"FN", "TP"}};
  const std::string labels[2] = {escape(negative_label), escape(positive_label)};

  std::ostringstream o;
  o << svg_open(title);
  o << "<text x=\"" << px(kLeft + kCell) << "\" y=\"" << px(kTop - 40)
    << "\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">Predicted class</text>\n"
    << "<text transform=\"translate(" << px(kLeft - 130) << ',' << px(kTop + kCell)
    << ") rotate(-90)\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">True class</text>\n";
  for (int i = 0; i < 2; ++i) {
    o << "<text x=\"" << px(kLeft + kCell * (i + 0.5)) << "\" y=\"" << px(kTop - 12) << "\" text-anchor=\"middle\">"
      << labels[i] << "</text>\n"
      << "<text x=\"" << px(kLeft - 12) << "\" y=\"" << px(kTop + kCell * (i + 0.5) + 4) << "\" text-anchor=\"end\">"
      << labels[i] << "</text>\n";
  }
  for (int r = 0; r < 2; ++r) {
    const std::int64_t row_total = cells[r][0] + cells[r][1];
    for (int c = 0; c < 2; ++c) {
      const double x = kLeft + kCell * c, y = kTop + kCell * r;
      const bool defined = row_total > 0;
      const double share = defined ? static_cast<double>(cells[r][c]) / static_cast<double>(row_total) : 0;
      // White to #0072B2 by the row share: the diagonal is dark when the model is good.
      char fill[8];
      std::snprintf(fill, sizeof fill, "#%02X%02X%02X", static_cast<int>(std::lround(255 - 255 * share)),
                    static_cast<int>(std::lround(255 - 141 * share)), static_cast<int>(std::lround(255 - 77 * share)));
      const char* ink = share > 0.55 ? "#FFFFFF" : "#222222";
      o << "<rect class=\"cell\" x=\"" << px(x) << "\" y=\"" << px(y) << "\" width=\"" << px(kCell) << "\" height=\""
        << px(kCell) << "\" fill=\"" << (defined ? fill : "#F0F0F0") << "\" stroke=\"#FFFFFF\" stroke-width=\"2\"/>\n"
        << "<text x=\"" << px(x + 8) << "\" y=\"" << px(y + 18) << "\" font-size=\"11\" fill=\"" << ink << "\">"
        << tags[r][c] << "</text>"
        << "<text x=\"" << px(x + kCell / 2) << "\" y=\"" << px(y + kCell / 2) << "\" text-anchor=\"middle\" font-size=\"26\""
        << " font-weight=\"bold\" fill=\"" << ink << "\">" << cells[r][c] << "</text>"
        << "<text x=\"" << px(x + kCell / 2) << "\" y=\"" << px(y + kCell / 2 + 24)
        << "\" text-anchor=\"middle\" font-size=\"14\" fill=\"" << ink << "\">"
        << (defined ? fixed(100 * share, 1) + "%" : std::string("n/a")) << "</text>\n";
    }
  }
  o << "<text x=\"" << kWidth / 2 << "\" y=\"" << kHeight - 20 << "\" text-anchor=\"middle\" fill=\"#666666\">"
    << "Percentages are shares of each true class (row); n = " << (cm.tp + cm.fp + cm.tn + cm.fn) << "</text>\n"
    << "</svg>\n";
  return o.str();
}

}  // namespace xray
