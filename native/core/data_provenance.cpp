#include "data_provenance.h"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>

#include "dataset.h"
#include "xray/file_io.h"

namespace xray {
namespace {

namespace fs = std::filesystem;

constexpr const char* kKermanyTask = "pediatric chest X-ray (anterior-posterior), NORMAL vs PNEUMONIA";
constexpr const char* kKermanySource =
    "Kermany, Zhang, Goldbaum (2018), Labeled Optical Coherence Tomography (OCT) and Chest X-Ray Images for "
    "Classification, Mendeley Data v2, doi:10.17632/rscbjbr9sj.2 (Kaggle: Chest X-Ray Images (Pneumonia))";
constexpr const char* kKermanyLicence = "CC BY 4.0 (Kermany et al.)";

Expected<DataProvenance> from_dataset_json(const fs::path& path) {
  auto bytes = read_file(path.string());
  if (!bytes) return bytes.error();
  const nlohmann::json j = nlohmann::json::parse(bytes->begin(), bytes->end(), nullptr, false);
  const auto text = [&](const char* key, const char* other) -> std::string {
    if (!j.is_object()) return {};
    for (const char* k : {key, other}) {
      if (k && j.contains(k) && j.at(k).is_string()) return j.at(k).get<std::string>();
    }
    return {};
  };
  DataProvenance p{text("task", nullptr), text("source", nullptr), text("licence", "license"), "dataset.json"};
  if (j.is_discarded() || p.task.empty() || p.source.empty() || p.licence.empty()) {
    return Error{ErrorCode::kCorrupt, path.string() + ": expected a JSON object with the strings \"task\", \"source\" "
                                                      "and \"licence\" (describe the data, or remove the file)"};
  }
  return p;
}

bool kermany_name(const std::string& name) {
  static const std::regex pattern(R"((NORMAL2-)?IM-\d{4}-\d{4}\.jpe?g|person\d+_(bacteria|virus)_\d+\.jpe?g)",
                                  std::regex::icase);
  return std::regex_match(name, pattern);
}

}  // namespace

Expected<DataProvenance> describe_data_source(const std::string& root, const std::vector<std::string>& image_paths) {
  const fs::path dataset_json = fs::path(root) / "dataset.json";
  std::error_code ec;
  if (fs::exists(dataset_json, ec)) return from_dataset_json(dataset_json);

  std::size_t matching = 0;
  for (const std::string& p : image_paths) matching += kermany_name(fs::path(p).filename().string());
  const bool other_split = fs::is_directory(fs::path(root) / "test", ec) || fs::is_directory(fs::path(root) / "val", ec);
  if (other_split && !image_paths.empty() && matching * 100 >= image_paths.size() * 95) {
    return DataProvenance{kKermanyTask, kKermanySource, kKermanyLicence,
                          "recognised as the Kaggle download from its folders and file names"};
  }
  const std::string folder = folder_name(root);
  return DataProvenance{"unknown (NORMAL vs PNEUMONIA, from the folder names of " + folder + ")",
                        "unknown: folder " + folder + " (add a dataset.json beside train/ to describe it)", "unknown",
                        "not recognised, no dataset.json"};
}

}  // namespace xray
