// Small helpers shared by the subcommands for writing their outputs all-or-nothing.
#pragma once

#include <string>

#include "xray/expected.h"

namespace xray {

// Creates the parent folder if needed, then writes atomically. Error names the path.
Expected<bool> write_text_file(const std::string& path, const std::string& text);

// Fails early, before long work, when `path`'s folder is missing or not writable.
Expected<bool> check_writable(const std::string& path);

// Removes `path` and everything under it, links not followed; a missing path is not an error.
// Use this, not std::filesystem::remove_all: a PyTorch wheel's libtorch.so (2.11) exports its own,
// older std::filesystem, and our binaries' remove_all calls bound to it jumped to address 0 on
// the H200 machine (a crash after every complete training run there). Returns false if anything
// stayed.
bool remove_folder(const std::string& path);

}  // namespace xray
