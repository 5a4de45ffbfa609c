#include "labelled_split.h"

#include <cstdio>

#include "dataset.h"

namespace xray {

Expected<LabelledSplit> load_labelled_split(const std::string& data_dir, const std::string& split, const PreprocessSpec& spec) {
  ScanOptions scan_options;
  scan_options.splits = {split};
  scan_options.check_contents = false;  // decoding reports every bad file anyway
  auto scan = scan_dataset(data_dir, scan_options);
  if (!scan) return scan.error();
  if (scan->samples.empty()) return Error{ErrorCode::kIo, data_dir + ": no images in the \"" + split + "\" split"};
  std::vector<std::string> paths;
  for (const Sample& s : scan->samples) paths.push_back(s.path);
  LabelledSplit out;
  out.data_name = folder_name(scan->root);
  out.cache = build_image_cache(paths, spec);
  for (const auto& f : out.cache.failed) std::fprintf(stderr, "skipped %s: %s\n", f.path.c_str(), f.reason.c_str());
  out.skipped = out.cache.failed.size() + scan->skipped.size();
  for (std::size_t i : out.cache.source) {
    const int label = scan->samples[i].label == Label::kPneumonia ? 1 : 0;
    out.labels.push_back(label);
    (label ? out.pneumonia : out.normal) += 1;
  }
  return out;
}

}  // namespace xray
