// Whole-file reads and all-or-nothing writes (temporary file, then rename).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "xray/expected.h"

namespace xray {

Expected<std::vector<std::uint8_t>> read_file(const std::string& path);

// Writes to PATH.tmp-<pid> next to PATH, then renames it over PATH: a reader never sees a
// half-written file, and a failed write leaves the old file (if any) untouched.
Expected<bool> write_file_atomic(const std::string& path, const void* data, std::size_t size);

}  // namespace xray
