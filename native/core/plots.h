// Self-contained SVG charts (no dependencies): ROC and PR curves, training curves, class balance,
// confusion matrix. Each function returns the SVG document as a string; write it with
// xray::write_file_atomic.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "metrics.h"

namespace xray {

struct Series {
  std::string name;
  std::vector<std::pair<double, double>> points;  // (x, y)
};

struct LineChart {
  std::string title, x_label, y_label;
  std::vector<Series> series;
  // Axis ranges; when min == max the range is taken from the data.
  double x_min = 0, x_max = 0, y_min = 0, y_max = 0;
  bool diagonal = false;  // dashed y = x reference line (ROC chance level)
};
std::string svg_line_chart(const LineChart& chart);

struct BarGroup {
  std::string name;             // e.g. "train"
  std::vector<double> values;   // one per category, e.g. {NORMAL, PNEUMONIA}
};
// Grouped bars with the value printed on each bar, e.g. images per class for each split.
std::string svg_grouped_bar_chart(const std::string& title, const std::vector<std::string>& categories,
                                  const std::vector<BarGroup>& groups);

// 2x2 matrix, rows = true class, columns = predicted class, counts and row percentages.
std::string svg_confusion_matrix(const std::string& title, const ConfusionMatrix& cm,
                                 const std::string& negative_label, const std::string& positive_label);

}  // namespace xray
