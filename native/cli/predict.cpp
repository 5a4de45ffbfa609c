// xray predict: P(PNEUMONIA) and a label for each file, as CSV; bad files get their reason.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>

#include "classifier.h"
#include "commands.h"
#include "dataset.h"
#include "image_cache.h"
#include "output_files.h"
#include "xray/image_probe.h"

namespace xray {
namespace {

namespace fs = std::filesystem;

// A file without an extension is taken when it is a DICOM file (PACS exports often name them so).
bool is_dicom_without_extension(const fs::path& path) {
  if (path.has_extension()) return false;
  std::FILE* f = std::fopen(path.string().c_str(), "rb");
  if (!f) return false;
  std::uint8_t head[132];
  const bool dicom = std::fread(head, 1, sizeof head, f) == sizeof head && looks_like_dicom(head, sizeof head);
  std::fclose(f);
  return dicom;
}

// Folders are searched recursively for image files (hidden files skipped); files named on the
// command line are always tried, whatever their extension.
std::vector<std::string> expand_paths(const std::vector<std::string>& inputs, std::vector<std::pair<std::string, std::string>>& missing) {
  std::vector<std::string> files;
  for (const std::string& input : inputs) {
    std::error_code ec;
    if (fs::is_directory(input, ec)) {
      std::vector<std::string> found;
      for (fs::recursive_directory_iterator it(input, fs::directory_options::skip_permission_denied, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (!name.empty() && name[0] == '.') {
          if (it->is_directory(ec)) it.disable_recursion_pending();
          continue;
        }
        if (it->is_regular_file(ec) &&
            (is_image_file_name(name) || is_dicom_without_extension(it->path()))) {
          found.push_back(it->path().string());
        }
      }
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::exists(input, ec)) {
      files.push_back(input);
    } else {
      missing.push_back({input, "no such file or folder"});
    }
  }
  return files;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

int run_predict(const PredictOptions& o) {
  if (!o.csv_path.empty()) {
    if (auto ok = check_writable(o.csv_path); !ok) return std::fprintf(stderr, "xray predict: %s\n", ok.error().message.c_str()), 1;
  }
  auto classifier = Classifier::load(o.model_dir, o.device);
  if (!classifier) return std::fprintf(stderr, "xray predict: %s\n", classifier.error().message.c_str()), 1;
  const ModelCard& card = classifier->card();

  std::vector<std::pair<std::string, std::string>> errors;  // path, reason
  const std::vector<std::string> files = expand_paths(o.paths, errors);
  CacheOptions cache_options;
  cache_options.show_progress = files.size() >= 200;
  const ImageCache cache = build_image_cache(files, card.preprocess, cache_options);
  const std::vector<Prediction> predictions = classifier->predict(cache.pixels.data(), cache.count(), cache.colour_fraction.data(), o.batch);

  std::map<std::string, std::string> rows;  // path -> CSV row, in path order
  std::vector<std::string> order = files;
  std::size_t flagged = 0;
  for (std::size_t i = 0; i < cache.count(); ++i) {
    const Prediction& p = predictions[i];
    char text[160];
    // The label is the classifier's answer; out_of_distribution = 1 says not to trust it. A model
    // without a gate leaves both OOD columns empty.
    if (card.has_ood_gate) {
      std::snprintf(text, sizeof text, "%.6f,%s,%d,%.6g,", p.probability, card.labels[p.probability >= card.threshold ? 1 : 0].c_str(),
                    p.out_of_distribution ? 1 : 0, p.ood_score);
    } else {
      std::snprintf(text, sizeof text, "%.6f,%s,,,", p.probability, card.labels[p.probability >= card.threshold ? 1 : 0].c_str());
    }
    flagged += p.out_of_distribution;
    rows[files[cache.source[i]]] = text;
  }
  for (const auto& f : cache.failed) errors.push_back({f.path, f.reason});
  for (const auto& [path, reason] : errors) {
    rows[path] = ",,,," + csv_field(reason);
    if (std::find(order.begin(), order.end(), path) == order.end()) order.push_back(path);
  }
  std::string csv = "path,probability,label,out_of_distribution,ood_score,error\n";
  for (const std::string& path : order) csv += csv_field(path) + "," + rows[path] + "\n";

  if (o.csv_path.empty()) {
    std::fputs(csv.c_str(), stdout);
  } else if (auto ok = write_text_file(o.csv_path, csv); !ok) {
    return std::fprintf(stderr, "xray predict: %s\n", ok.error().message.c_str()), 1;
  } else {
    std::fprintf(stderr, "xray predict: %zu files scored (%zu out of distribution), %zu failed; wrote %s\n", cache.count(), flagged,
                 errors.size(), o.csv_path.c_str());
  }
  for (const auto& [path, reason] : errors) std::fprintf(stderr, "xray predict: %s: %s\n", path.c_str(), reason.c_str());
  return errors.empty() ? 0 : 1;
}

}  // namespace xray
