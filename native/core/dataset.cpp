#include "dataset.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <set>
#include <system_error>
#include <utility>

#include <nlohmann/json.hpp>

#include "patient_split.h"
#include "xray/file_io.h"
#include "xray/image_probe.h"

namespace xray {
namespace fs = std::filesystem;

namespace {

constexpr std::array<const char*, 3> kSplitOrder = {"train", "val", "test"};
constexpr std::array<Label, 2> kLabels = {Label::kNormal, Label::kPneumonia};
constexpr std::array<const char*, 8> kImageExtensions = {".jpeg", ".jpg", ".png", ".bmp",
                                                         ".pgm",  ".ppm", ".dcm", ".dicom"};
constexpr const char* kExpectedExtensions = "expected .jpeg, .jpg, .png, .bmp, .pgm, .ppm, .dcm or .dicom";
// Kaggle's zip nests the data set at most twice (chest_xray/chest_xray/).
constexpr int kMaxDescend = 2;

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

struct Entry {
  std::string name;
  bool is_dir = false;
  bool is_file = false;  // regular file, after following links
};

// Sorted by name, so everything downstream is independent of the file system's listing order.
// Never throws: a folder that cannot be listed yields its error in `ec`.
std::vector<Entry> list_dir(const fs::path& dir, std::error_code& ec) {
  std::vector<Entry> entries;
  fs::directory_iterator it(dir, ec);
  if (ec) return entries;
  for (const fs::directory_iterator end; it != end; it.increment(ec)) {
    if (ec) break;
    std::error_code status_ec;
    Entry e;
    e.name = it->path().filename().string();
    e.is_dir = it->is_directory(status_ec);
    e.is_file = !e.is_dir && it->is_regular_file(status_ec);
    entries.push_back(std::move(e));
  }
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.name < b.name; });
  return entries;
}

// The child folder called `name`, matched exactly first, then ignoring case ("Train", "normal").
std::string find_child_dir(const std::vector<Entry>& entries, const std::string& name) {
  for (const Entry& e : entries) {
    if (e.is_dir && e.name == name) return e.name;
  }
  for (const Entry& e : entries) {
    if (e.is_dir && lower(e.name) == lower(name)) return e.name;
  }
  return {};
}

bool has_class_dir(const fs::path& split_dir) {
  std::error_code ec;
  const auto entries = list_dir(split_dir, ec);
  for (Label label : kLabels) {
    if (!find_child_dir(entries, label_name(label)).empty()) return true;
  }
  return false;
}

// The requested split folders under dir that hold NORMAL/ or PNEUMONIA/.
bool has_any_split(const fs::path& dir, const std::vector<std::string>& splits) {
  std::error_code ec;
  const auto entries = list_dir(dir, ec);
  for (const std::string& split : splits) {
    const std::string name = find_child_dir(entries, split);
    if (!name.empty() && has_class_dir(dir / name)) return true;
  }
  return false;
}

std::string join_path(const fs::path& p) { return p.generic_string(); }

// "train/NORMAL/x.jpeg" for display, from a path under root.
std::string relative_to(const std::string& path, const std::string& root) {
  if (path.size() > root.size() && path.compare(0, root.size(), root) == 0 &&
      path[root.size()] == '/') {
    return path.substr(root.size() + 1);
  }
  return path;
}

std::string describe_entries(const std::vector<Entry>& entries, std::size_t max_listed) {
  if (entries.empty()) return "nothing (the folder is empty)";
  std::string out;
  for (std::size_t i = 0; i < entries.size() && i < max_listed; ++i) {
    if (i > 0) out += ", ";
    out += entries[i].name + (entries[i].is_dir ? "/" : "");
  }
  if (entries.size() > max_listed) {
    out += " ... and " + std::to_string(entries.size() - max_listed) + " more";
  }
  return out;
}

Error no_data_set_error(const std::string& root, const std::vector<std::string>& splits) {
  std::string expected;
  for (std::size_t i = 0; i < splits.size(); ++i) {
    expected += (i == 0 ? "" : (i + 1 == splits.size() ? " or " : ", ")) + splits[i] + "/";
  }
  std::error_code ec;
  const auto entries = list_dir(root, ec);
  std::string found = ec ? "a folder that cannot be listed (" + ec.message() + ")"
                         : describe_entries(entries, 8);
  std::string message = root + ": no chest X-ray data set here. Expected " + expected +
                        " holding NORMAL/ and PNEUMONIA/ folders of images (the Kaggle \"Chest "
                        "X-Ray Images (Pneumonia)\" layout, or a folder with chest_xray/ inside); "
                        "found " + found;
  // A split folder without class folders is the likeliest mistake: say what it holds instead.
  for (const std::string& split : splits) {
    const std::string name = find_child_dir(entries, split);
    if (name.empty()) continue;
    std::error_code split_ec;
    const auto inside = list_dir(fs::path(root) / name, split_ec);
    message += ". " + name + "/ has no NORMAL/ or PNEUMONIA/ folder; it holds " +
               describe_entries(inside, 5);
    break;
  }
  return Error{ErrorCode::kIo, message};
}

bool has_image_extension(const std::string& name, std::string* extension) {
  const auto dot = name.rfind('.');
  *extension = dot == std::string::npos ? std::string() : lower(name.substr(dot));
  return std::find(kImageExtensions.begin(), kImageExtensions.end(), *extension) !=
         kImageExtensions.end();
}

// read_file's messages start with the path, which the report already shows.
std::string without_path_prefix(const std::string& message, const std::string& path) {
  const std::string prefix = path + ": ";
  return message.compare(0, prefix.size(), prefix) == 0 ? message.substr(prefix.size()) : message;
}

// Empty when the file is a usable image, otherwise why it is skipped.
std::string reject_reason(const fs::path& file, const Entry& entry, const ScanOptions& options) {
  if (entry.is_dir) {
    return entry.name[0] == '.'
               ? "hidden folder, not scanned"
               : "folder, not scanned (images must sit directly in NORMAL/ or PNEUMONIA/)";
  }
  if (entry.name[0] == '.') {
    return entry.name.size() > 2 && entry.name[1] == '_'
               ? "hidden file (macOS resource fork, not an image)"
               : "hidden file";
  }
  if (!entry.is_file) return "not a regular file (broken link or device)";
  std::string extension;
  if (!has_image_extension(entry.name, &extension)) {
    return extension.empty() ? std::string("no file extension; ") + kExpectedExtensions
                             : "not an image file name (" + extension + "); " + kExpectedExtensions;
  }
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  if (ec) return "cannot read its size (" + ec.message() + ")";
  if (size == 0) return "empty file (0 bytes)";
  if (!options.check_contents) return {};

  const std::string path = join_path(file);
  const auto bytes = read_file(path);
  if (!bytes) return without_path_prefix(bytes.error().message, path);
  const auto info = probe_image(bytes->data(), bytes->size());
  if (!info) return info.error().message;
  // The decoder applies the same limits; refusing now beats failing mid-training.
  const auto within = check_limits(*info, DecodeLimits{});
  if (!within) return within.error().message;
  return {};
}

void scan_class_dir(const fs::path& dir, const std::string& split, Label label,
                    const ScanOptions& options, DatasetScan& scan) {
  const std::string shown = split + "/" + label_name(label);
  std::error_code ec;
  const auto entries = list_dir(dir, ec);
  if (ec) {
    scan.skipped.push_back({join_path(dir), "cannot list folder (" + ec.message() + ")"});
    return;
  }
  std::size_t found = 0;
  for (const Entry& entry : entries) {
    const fs::path file = dir / entry.name;
    const std::string reason = reject_reason(file, entry, options);
    if (!reason.empty()) {
      scan.skipped.push_back({join_path(file) + (entry.is_dir ? "/" : ""), reason});
      continue;
    }
    Sample sample;
    sample.path = join_path(file);
    sample.split = split;
    sample.label = label;
    sample.patient_id = patient_id_from_filename(entry.name);
    scan.samples.push_back(std::move(sample));
    ++found;
  }
  if (entries.empty()) {
    scan.notes.push_back(shown + "/ is empty");
  } else if (found == 0) {
    scan.notes.push_back(shown + "/ has no usable images (all " + std::to_string(entries.size()) +
                         " entries skipped)");
  }
}

// Loose files and foreign folders beside NORMAL/ and PNEUMONIA/ are reported, not read.
void scan_split_dir(const fs::path& dir, const std::string& split, const ScanOptions& options,
                    DatasetScan& scan) {
  std::error_code ec;
  const auto entries = list_dir(dir, ec);
  if (ec) {
    scan.skipped.push_back({join_path(dir), "cannot list folder (" + ec.message() + ")"});
    return;
  }
  std::set<std::string> class_dirs;
  for (Label label : kLabels) {
    const std::string name = find_child_dir(entries, label_name(label));
    if (name.empty()) {
      scan.notes.push_back(split + "/" + label_name(label) + "/ is missing");
      continue;
    }
    class_dirs.insert(name);
    scan_class_dir(dir / name, split, label, options, scan);
  }
  for (const Entry& entry : entries) {
    if (class_dirs.count(entry.name)) continue;
    std::string reason;
    if (entry.name[0] == '.') {
      reason = entry.is_dir ? "hidden folder, not scanned" : "hidden file";
    } else {
      reason = entry.is_dir ? "folder other than NORMAL/ or PNEUMONIA/, not scanned"
                            : "file outside NORMAL/ and PNEUMONIA/, not read";
    }
    scan.skipped.push_back({join_path(dir / entry.name) + (entry.is_dir ? "/" : ""), reason});
  }
}

int split_rank(const std::string& split) {
  for (std::size_t i = 0; i < kSplitOrder.size(); ++i) {
    if (split == kSplitOrder[i]) return static_cast<int>(i);
  }
  return static_cast<int>(kSplitOrder.size());
}

std::string with_thousands(std::int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

struct SplitSummary {
  std::string split;
  ClassCounts images;
  std::int64_t patients_normal = 0, patients_pneumonia = 0, patients_total = 0;
};

// Per split in scan order, then "all" when there is more than one split.
std::vector<SplitSummary> summarize(const DatasetScan& scan) {
  std::vector<std::string> names = scan.splits;
  if (names.size() > 1) names.push_back("all");
  std::vector<SplitSummary> out;
  for (const std::string& name : names) {
    SplitSummary s;
    s.split = name;
    std::set<std::string> normal, pneumonia, any;
    for (const Sample& sample : scan.samples) {
      if (name != "all" && sample.split != name) continue;
      // A patient id is only unique within its split: the official splits are separate people.
      const std::string key = sample.split + "/" + sample.patient_id;
      if (sample.label == Label::kNormal) {
        ++s.images.normal;
        normal.insert(key);
      } else {
        ++s.images.pneumonia;
        pneumonia.insert(key);
      }
      any.insert(key);
    }
    s.patients_normal = static_cast<std::int64_t>(normal.size());
    s.patients_pneumonia = static_cast<std::int64_t>(pneumonia.size());
    s.patients_total = static_cast<std::int64_t>(any.size());
    out.push_back(s);
  }
  return out;
}

nlohmann::json imbalance_value(const ClassCounts& c) {
  if (c.normal == 0) return nullptr;
  return static_cast<double>(c.pneumonia) / static_cast<double>(c.normal);
}

std::string imbalance_text(const ClassCounts& c) {
  if (c.normal == 0) return "n/a (no NORMAL images)";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", static_cast<double>(c.pneumonia) / c.normal);
  return buf;
}

}  // namespace

bool is_image_file_name(const std::string& file_name) {
  std::string extension;
  return has_image_extension(file_name, &extension);
}

const char* label_name(Label label) {
  switch (label) {
    case Label::kNormal: return "NORMAL";
    case Label::kPneumonia: return "PNEUMONIA";
  }
  return "UNKNOWN";
}

Expected<DatasetScan> scan_dataset(const std::string& root, const ScanOptions& options) {
  std::vector<std::string> splits;
  for (const char* known : kSplitOrder) {
    if (std::find(options.splits.begin(), options.splits.end(), known) != options.splits.end()) {
      splits.push_back(known);
    }
  }
  for (const std::string& split : options.splits) {
    if (split_rank(split) == static_cast<int>(kSplitOrder.size())) {
      return Error{ErrorCode::kIo, "unknown split \"" + split + "\"; the splits are train, val and test"};
    }
  }
  if (splits.empty()) return Error{ErrorCode::kIo, "no splits asked for; name train, val or test"};

  std::error_code ec;
  const fs::file_status status = fs::status(root, ec);
  if (!fs::exists(status)) return Error{ErrorCode::kIo, root + ": no such folder"};
  if (!fs::is_directory(status)) {
    return Error{ErrorCode::kIo, root + ": is a file; expected the data set's folder"};
  }

  DatasetScan scan;
  fs::path dir = root;
  std::string descended;
  for (int depth = 0; depth < kMaxDescend && !has_any_split(dir, splits); ++depth) {
    std::error_code list_ec;
    const std::string child = find_child_dir(list_dir(dir, list_ec), "chest_xray");
    if (child.empty()) break;
    dir /= child;
    descended += child + "/";
  }
  if (!has_any_split(dir, splits)) return no_data_set_error(root, splits);
  if (!descended.empty()) {
    scan.notes.push_back("descended into " + descended + " (the Kaggle zip's nesting)");
  }
  scan.root = join_path(dir);

  std::error_code list_ec;
  const auto entries = list_dir(dir, list_ec);
  for (const std::string& split : splits) {
    const std::string name = find_child_dir(entries, split);
    if (name.empty()) {
      scan.notes.push_back("no " + split + "/ folder");
      continue;
    }
    if (!has_class_dir(dir / name)) {
      scan.notes.push_back(name + "/ has no NORMAL/ or PNEUMONIA/ folder; ignored");
      continue;
    }
    scan.splits.push_back(split);
    scan_split_dir(dir / name, split, options, scan);
  }

  std::sort(scan.samples.begin(), scan.samples.end(), [](const Sample& a, const Sample& b) {
    const int ra = split_rank(a.split), rb = split_rank(b.split);
    if (ra != rb) return ra < rb;
    if (a.label != b.label) return a.label < b.label;
    return a.path < b.path;
  });
  std::sort(scan.skipped.begin(), scan.skipped.end(),
            [](const SkippedFile& a, const SkippedFile& b) { return a.path < b.path; });
  return scan;
}

std::vector<std::pair<std::string, ClassCounts>> count_by_split(const DatasetScan& scan) {
  std::vector<std::pair<std::string, ClassCounts>> out;
  for (const std::string& split : scan.splits) out.emplace_back(split, ClassCounts{});
  for (const Sample& sample : scan.samples) {
    for (auto& [split, counts] : out) {
      if (split != sample.split) continue;
      (sample.label == Label::kNormal ? counts.normal : counts.pneumonia) += 1;
    }
  }
  return out;
}

nlohmann::json report_json(const DatasetScan& scan) {
  nlohmann::json splits = nlohmann::json::array();
  nlohmann::json total;
  for (const SplitSummary& s : summarize(scan)) {
    nlohmann::json j = {
        {"split", s.split},
        {"images", {{"NORMAL", s.images.normal},
                    {"PNEUMONIA", s.images.pneumonia},
                    {"total", s.images.normal + s.images.pneumonia}}},
        {"patients", {{"NORMAL", s.patients_normal},
                      {"PNEUMONIA", s.patients_pneumonia},
                      {"total", s.patients_total}}},
        {"imbalance", imbalance_value(s.images)},
    };
    if (s.split == "all") {
      total = j;
    } else {
      splits.push_back(j);
    }
  }
  if (total.is_null() && !splits.empty()) total = splits[0];
  nlohmann::json skipped = nlohmann::json::array();
  for (const SkippedFile& f : scan.skipped) skipped.push_back({{"path", f.path}, {"reason", f.reason}});
  return {
      {"root", scan.root},
      {"splits", splits},
      {"total", total},
      {"imbalance_definition", "PNEUMONIA images / NORMAL images"},
      {"skipped", skipped},
      {"notes", scan.notes},
  };
}

std::string report_text(const DatasetScan& scan) {
  const std::vector<SplitSummary> rows = summarize(scan);
  const std::vector<std::string> header = {"split", "NORMAL", "PNEUMONIA", "total",
                                           "patients N", "patients P"};
  std::vector<std::vector<std::string>> cells = {header};
  for (const SplitSummary& s : rows) {
    cells.push_back({s.split, with_thousands(s.images.normal), with_thousands(s.images.pneumonia),
                     with_thousands(s.images.normal + s.images.pneumonia),
                     with_thousands(s.patients_normal), with_thousands(s.patients_pneumonia)});
  }
  std::vector<std::size_t> width(header.size(), 0);
  for (const auto& row : cells) {
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }

  std::string out = "Data set: " + scan.root + "\n\n";
  for (const auto& row : cells) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::string pad(width[c] - row[c].size(), ' ');
      out += c == 0 ? row[c] + pad : "  " + pad + row[c];  // names left, numbers right
    }
    out += "\n";
  }

  out += "\nImbalance (PNEUMONIA / NORMAL images):";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    out += (i == 0 ? " " : ", ") + rows[i].split + " " + imbalance_text(rows[i].images);
  }
  out += "\n";

  if (!scan.notes.empty()) {
    out += "\nNotes:\n";
    for (const std::string& note : scan.notes) out += "  - " + note + "\n";
  }

  constexpr std::size_t kMaxListed = 20;
  if (scan.skipped.empty()) {
    out += "\nSkipped files: none\n";
  } else {
    out += "\nSkipped files: " + with_thousands(static_cast<std::int64_t>(scan.skipped.size())) +
           "\n";
    std::size_t path_width = 0;
    for (std::size_t i = 0; i < scan.skipped.size() && i < kMaxListed; ++i) {
      path_width = std::max(path_width, relative_to(scan.skipped[i].path, scan.root).size());
    }
    for (std::size_t i = 0; i < scan.skipped.size() && i < kMaxListed; ++i) {
      const std::string path = relative_to(scan.skipped[i].path, scan.root);
      out += "  " + path + std::string(path_width - path.size(), ' ') + "  " +
             scan.skipped[i].reason + "\n";
    }
    if (scan.skipped.size() > kMaxListed) {
      out += "  ... and " + with_thousands(static_cast<std::int64_t>(scan.skipped.size() - kMaxListed)) +
             " more\n";
    }
  }
  return out;
}

std::string folder_name(const std::string& path) {
  std::filesystem::path p = std::filesystem::path(path).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();
  const std::string name = p.filename().string();
  return name.empty() || name == "." || name == ".." ? "data" : name;
}

}  // namespace xray
