// Small helpers shared by the subcommands for writing their outputs all-or-nothing.
#pragma once

#include <string>

#include "xray/expected.h"

namespace xray {

// Creates the parent folder if needed, then writes atomically. Error names the path.
Expected<bool> write_text_file(const std::string& path, const std::string& text);

// Fails early, before long work, when `path`'s folder is missing or not writable.
Expected<bool> check_writable(const std::string& path);

}  // namespace xray
