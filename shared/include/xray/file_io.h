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

// For files another library wrote to a temporary path (LibTorch archives): fsync it, rename it over
// PATH, sync the folder. The temporary file is removed on failure.
Expected<bool> commit_file(const std::string& tmp, const std::string& path);

// PATH.tmp-<this process id>: the temporary name write_file_atomic and commit_file callers use.
std::string temporary_path(const std::string& path);

}  // namespace xray
