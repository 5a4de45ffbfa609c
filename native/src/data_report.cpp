// xray data-report: what is in the data folder, what is unusable and why, and the class balance.
#include <cstdio>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "dataset.h"
#include "output_files.h"
#include "plots.h"

namespace xray {

int run_data_report(const DataReportOptions& o) {
  for (const std::string& path : {o.json_path, o.plot_path}) {
    if (path.empty()) continue;
    if (auto ok = check_writable(path); !ok) return std::fprintf(stderr, "xray data-report: %s\n", ok.error().message.c_str()), 1;
  }
  ScanOptions options;
  options.check_contents = o.check_contents;
  auto scan = scan_dataset(o.data_dir, options);
  if (!scan) return std::fprintf(stderr, "xray data-report: %s\n", scan.error().message.c_str()), 1;
  std::fputs(report_text(*scan).c_str(), stdout);

  if (!o.json_path.empty()) {
    if (auto ok = write_text_file(o.json_path, report_json(*scan).dump(2) + "\n"); !ok) {
      return std::fprintf(stderr, "xray data-report: %s\n", ok.error().message.c_str()), 1;
    }
  }
  if (!o.plot_path.empty()) {
    std::vector<BarGroup> groups;
    for (const auto& [split, counts] : count_by_split(*scan)) {
      groups.push_back({split, {static_cast<double>(counts.normal), static_cast<double>(counts.pneumonia)}});
    }
    const std::string svg = svg_grouped_bar_chart("Images per class and split", {"NORMAL", "PNEUMONIA"}, groups);
    if (auto ok = write_text_file(o.plot_path, svg); !ok) return std::fprintf(stderr, "xray data-report: %s\n", ok.error().message.c_str()), 1;
  }
  return 0;
}

}  // namespace xray
