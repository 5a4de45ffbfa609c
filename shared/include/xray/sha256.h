// SHA-256 (FIPS 180-4), for the model card's checksums of model.pt and model.onnx: the CLI checks
// the files it loads, the page the model.onnx it fetches.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "xray/expected.h"

namespace xray {

std::string sha256_hex(const void* data, std::size_t size);
Expected<std::string> sha256_file_hex(const std::string& path);

}  // namespace xray
