#include "output_files.h"

#include <ftw.h>
#include <sys/stat.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>

#include <filesystem>

#include "xray/file_io.h"

namespace xray {

Expected<bool> write_text_file(const std::string& path, const std::string& text) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  return write_file_atomic(path, text.data(), text.size());
}

Expected<bool> check_writable(const std::string& path) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) parent = ".";
  // The folder may not exist yet; then its nearest existing ancestor must be writable.
  while (!parent.empty() && !std::filesystem::exists(parent) && parent != parent.parent_path()) parent = parent.parent_path();
  if (!std::filesystem::is_directory(parent)) return Error{ErrorCode::kIo, path + ": cannot write there (" + parent.string() + " is a file, not a folder)"};
  if (access(parent.c_str(), W_OK) != 0) return Error{ErrorCode::kIo, path + ": cannot write there (" + parent.string() + " is not writable)"};
  if (std::filesystem::is_directory(path)) return Error{ErrorCode::kIo, path + ": is a folder, expected a file name"};
  return true;
}

namespace {

int remove_entry(const char* path, const struct stat*, int, struct FTW*) {
  return ::remove(path) == 0 || errno == ENOENT ? 0 : -1;  // files, links and (emptied) folders
}

}  // namespace

bool remove_folder(const std::string& path) {
  struct stat info;
  if (::lstat(path.c_str(), &info) != 0) return errno == ENOENT;
  // Depth first, so each folder is empty when its turn comes; FTW_PHYS: links are removed, not followed.
  return nftw(path.c_str(), remove_entry, 16, FTW_DEPTH | FTW_PHYS) == 0;
}

}  // namespace xray
