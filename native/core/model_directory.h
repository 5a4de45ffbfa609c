// A model directory (model.pt, model.json, model.onnx and what a run keeps beside them) is
// replaced as a whole: the new files are written into a staging copy next to it, then the two
// folders are swapped in one atomic step (Linux renameat2 RENAME_EXCHANGE). So at every moment,
// a SIGKILL or a power cut included, MODEL_DIR holds the old complete model or the new complete
// one, and the card's sha256 entries match the files beside it.
#pragma once

#include <functional>
#include <string>

#include "xray/expected.h"

namespace xray {

// Copies MODEL_DIR (if it exists) to a staging folder beside it, lets write_new_files change the
// staging folder, then swaps it with MODEL_DIR and removes the old one. On any failure MODEL_DIR
// is untouched and the staging folder is removed.
Expected<bool> update_model_directory(const std::string& model_dir,
                                      const std::function<Expected<bool>(const std::string& staging_dir)>& write_new_files);

// Removes what killed runs left: staging folders beside MODEL_DIR whose process is gone, and
// NAME.tmp-PID files inside it.
void remove_stale_temporaries(const std::string& model_dir);

// Test hook for the kill tests: when the environment variable XRAY_KILL_AT is NAME (or NAME#N,
// the N-th time this point is reached), the process kills itself here with SIGKILL.
void kill_point(const char* name);

}  // namespace xray
