// xray export: MODEL_DIR/model.pt + model.json -> model.onnx, and the ONNX checksum into the card.
#pragma once

#include <string>

#include "xray/expected.h"

namespace xray {

struct ExportOptions {
  std::string model_dir;
  std::string onnx_path;       // empty: MODEL_DIR/model.onnx
  bool fold_batch_norm = true;
};

// Writes the ONNX file (atomically) with the model card in its metadata_props under
// "model_card" (the card as it was before this export added the ONNX checksum), then records
// files["model.onnx"] = {sha256, bytes} in model.json (only when writing MODEL_DIR/model.onnx
// itself). Returns the ONNX path.
Expected<std::string> export_model_onnx(const ExportOptions& options);

int run_export(const ExportOptions& options);

}  // namespace xray
