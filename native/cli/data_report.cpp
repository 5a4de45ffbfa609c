// xray data-report: what is in the data folder, what is unusable and why, and the class balance.
#include <algorithm>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "classifier.h"
#include "commands.h"
#include "image_cache.h"
#include "dataset.h"
#include "output_files.h"
#include "plots.h"

namespace xray {
namespace {

// The images a model's out-of-distribution gate flags: mislabelled, odd or damaged files are
// worth a look before training on them.
Expected<nlohmann::json> flagged_images(const DatasetScan& scan, const DataReportOptions& o) {
  auto classifier = Classifier::load(o.model_dir, o.device);
  if (!classifier) return classifier.error();
  const ModelCard& card = classifier->card();
  if (!card.has_ood_gate) return Error{ErrorCode::kInvalidSpec, o.model_dir + ": this model has no out-of-distribution gate (train it again)"};
  std::vector<std::string> paths;
  for (const Sample& s : scan.samples) paths.push_back(s.path);
  CacheOptions cache_options;
  cache_options.show_progress = paths.size() >= 200;
  const ImageCache cache = build_image_cache(paths, card.preprocess, cache_options);
  const std::vector<Prediction> predictions = classifier->predict(cache.pixels.data(), cache.count(), cache.colour_fraction.data());
  std::vector<std::pair<float, std::string>> flagged;
  for (std::size_t i = 0; i < cache.count(); ++i) {
    if (predictions[i].out_of_distribution) flagged.push_back({predictions[i].ood_score, paths[cache.source[i]]});
  }
  std::sort(flagged.rbegin(), flagged.rend());
  std::printf("\nout-of-distribution gate of %s (limit %.3f): %zu of %zu images flagged\n", o.model_dir.c_str(), card.ood_limit,
              flagged.size(), cache.count());
  nlohmann::json list = nlohmann::json::array();
  for (std::size_t i = 0; i < flagged.size(); ++i) {
    if (i < 50) std::printf("  %10.3f  %s\n", flagged[i].first, flagged[i].second.c_str());
    list.push_back({{"path", flagged[i].second}, {"ood_score", flagged[i].first}});
  }
  if (flagged.size() > 50) std::printf("  ... and %zu more (all in --json)\n", flagged.size() - 50);
  return nlohmann::json{{"model", folder_name(o.model_dir)}, {"limit", card.ood_limit}, {"scored", cache.count()}, {"flagged", list}};
}

}  // namespace

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
  nlohmann::json report = report_json(*scan);
  if (!o.model_dir.empty()) {
    auto flagged = flagged_images(*scan, o);
    if (!flagged) return std::fprintf(stderr, "xray data-report: %s\n", flagged.error().message.c_str()), 1;
    report["out_of_distribution"] = *flagged;
  }

  if (!o.json_path.empty()) {
    if (auto ok = write_text_file(o.json_path, report.dump(2) + "\n"); !ok) {
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
