// The Kaggle "Chest X-Ray Images (Pneumonia)" folder as downloaded:
//   DIR/{train,val,test}/{NORMAL,PNEUMONIA}/*.jpeg   (any subset of the splits)
// Kaggle's zip nests it as chest_xray/ and again as chest_xray/chest_xray/, with a __MACOSX/
// folder: pointing --data at any of the outer folders works.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "xray/expected.h"

namespace xray {

enum class Label : int { kNormal = 0, kPneumonia = 1 };
const char* label_name(Label label);  // "NORMAL", "PNEUMONIA"

struct Sample {
  std::string path;        // as found under the root
  std::string split;       // "train", "val" or "test"
  Label label = Label::kNormal;
  std::string patient_id;  // from the file name, see patient_id_from_filename
};

struct SkippedFile {
  std::string path;
  std::string reason;  // "hidden file", "not an image (first bytes 3c 21 44 4f)", "empty file", ...
};

struct ScanOptions {
  std::vector<std::string> splits = {"train", "val", "test"};
  // Read each file's header and container structure (xray::probe_image) so that broken files are
  // reported now, not halfway through training.
  bool check_contents = true;
};

struct DatasetScan {
  std::string root;                  // the folder that holds the split folders
  std::vector<std::string> splits;   // the splits found, in {train, val, test} order
  std::vector<Sample> samples;       // sorted by split, label, path: deterministic
  std::vector<SkippedFile> skipped;  // junk and unreadable files, with reasons
  std::vector<std::string> notes;    // e.g. "val/NORMAL is empty", "descended into chest_xray/"
};

// True for the names the scan accepts as images: .jpeg .jpg .png .bmp .pgm .ppm .dcm .dicom, any case.
bool is_image_file_name(const std::string& file_name);

// Error (kIo) when no split folder with NORMAL/ or PNEUMONIA/ exists under root; the message
// says what was expected and what was found.
// The last component of a folder path ("chest_xray" for "/data/chest_xray/"): cards name the data
// folder this way, never by a machine's full path.
std::string folder_name(const std::string& path);

Expected<DatasetScan> scan_dataset(const std::string& root, const ScanOptions& options = {});

struct ClassCounts {
  std::int64_t normal = 0, pneumonia = 0;
};
// Counts per split, in scan.splits order.
std::vector<std::pair<std::string, ClassCounts>> count_by_split(const DatasetScan& scan);

// The data-report JSON: root, per split and class counts, imbalance (pneumonia / normal),
// patients per split and class, skipped files with reasons, notes.
nlohmann::json report_json(const DatasetScan& scan);
// The same as aligned text for the terminal.
std::string report_text(const DatasetScan& scan);

}  // namespace xray
