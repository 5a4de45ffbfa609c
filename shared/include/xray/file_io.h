// Whole-file reads and all-or-nothing writes (temporary file, then rename).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "xray/expected.h"

namespace xray {

// Files over this are refused before anything is allocated (kTooLarge, with the size).
constexpr std::uint64_t kMaxReadBytes = 4ull << 30;
Expected<std::vector<std::uint8_t>> read_file(const std::string& path);

// Writes to PATH.tmp-<pid> next to PATH, flushes it to disk (fsync), then renames it over PATH
// and syncs the folder: a reader never sees a half-written file, a crash leaves the old file or
// the new one, and a failed write leaves the old file (if any) untouched.
Expected<bool> write_file_atomic(const std::string& path, const void* data, std::size_t size);

}  // namespace xray
