#include "model_directory.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>

#include "xray/file_io.h"

namespace xray {
namespace {

namespace fs = std::filesystem;

fs::path normalised(const std::string& model_dir) {
  fs::path dir = fs::path(model_dir).lexically_normal();
  return dir.has_filename() ? dir : dir.parent_path();
}

std::string staging_prefix(const fs::path& dir) { return "." + dir.filename().string() + ".staging-"; }

fs::path staging_path(const fs::path& dir) {
  const fs::path parent = dir.has_parent_path() ? dir.parent_path() : fs::path(".");
  return parent / (staging_prefix(dir) + std::to_string(getpid()));
}

void sync_folder(const fs::path& folder) {
  const int fd = open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) fsync(fd), close(fd);
}

// A durable copy of every file (not the temporaries of killed runs), folders included.
Expected<bool> copy_folder(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::create_directories(to, ec);
  if (ec) return Error{ErrorCode::kIo, to.string() + ": cannot create the staging folder (" + ec.message() + ")"};
  for (const auto& entry : fs::directory_iterator(from, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.find(".tmp-") != std::string::npos) continue;
    if (entry.is_directory(ec)) {
      auto copied = copy_folder(entry.path(), to / name);
      if (!copied) return copied;
    } else if (entry.is_regular_file(ec)) {
      auto bytes = read_file(entry.path().string());
      if (!bytes) return bytes.error();
      auto written = write_file_atomic((to / name).string(), bytes->data(), bytes->size());
      if (!written) return written.error();
    }
  }
  if (ec) return Error{ErrorCode::kIo, from.string() + ": cannot list the model directory (" + ec.message() + ")"};
  return true;
}

// Without RENAME_EXCHANGE (another file system or kernel): move the files over one by one, the
// card last. Not atomic as a whole; said so once.
Expected<bool> move_files_over(const fs::path& staging, const fs::path& dir) {
  std::fprintf(stderr, "note: this file system cannot swap folders atomically; %s is updated file by file\n",
               dir.string().c_str());
  std::error_code ec;
  for (const char* name : {"model.pt", "model.onnx", "checkpoint.pt", "train_log.jsonl", "model.json"}) {
    if (!fs::exists(staging / name, ec)) continue;
    fs::rename(staging / name, dir / name, ec);
    if (ec) return Error{ErrorCode::kIo, (dir / name).string() + ": cannot replace (" + ec.message() + ")"};
  }
  sync_folder(dir);
  return true;
}

Expected<bool> swap_in(const fs::path& staging, const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    fs::rename(staging, dir, ec);
    if (ec) return Error{ErrorCode::kIo, dir.string() + ": cannot create (" + ec.message() + ")"};
    return true;
  }
#ifdef RENAME_EXCHANGE
  if (renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, dir.c_str(), RENAME_EXCHANGE) == 0) return true;
  if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP) {
    return Error{ErrorCode::kIo, dir.string() + ": cannot swap in the new model (" + std::strerror(errno) + ")"};
  }
#endif
  return move_files_over(staging, dir);
}

}  // namespace

Expected<bool> update_model_directory(const std::string& model_dir,
                                      const std::function<Expected<bool>(const std::string&)>& write_new_files) {
  const fs::path dir = normalised(model_dir);
  const fs::path staging = staging_path(dir);
  std::error_code ec;
  fs::remove_all(staging, ec);
  auto fail = [&](const Error& e) {
    fs::remove_all(staging, ec);
    return e;
  };
  if (fs::exists(dir, ec)) {
    auto copied = copy_folder(dir, staging);
    if (!copied) return fail(copied.error());
  } else {
    fs::create_directories(staging, ec);
    if (ec) return fail(Error{ErrorCode::kIo, staging.string() + ": cannot create (" + ec.message() + ")"});
  }
  auto written = write_new_files(staging.string());
  if (!written) return fail(written.error());
  sync_folder(staging);
  kill_point("staged");
  auto swapped = swap_in(staging, dir);
  if (!swapped) return fail(swapped.error());
  sync_folder(dir.has_parent_path() ? dir.parent_path() : fs::path("."));
  kill_point("swapped");
  fs::remove_all(staging, ec);  // the old model, after a swap
  return true;
}

void remove_stale_temporaries(const std::string& model_dir) {
  const fs::path dir = normalised(model_dir);
  const fs::path parent = dir.has_parent_path() ? dir.parent_path() : fs::path(".");
  const std::string prefix = staging_prefix(dir);
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(parent, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    const long pid = std::strtol(name.c_str() + prefix.size(), nullptr, 10);
    if (pid > 0 && pid != getpid() && kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) fs::remove_all(entry.path(), ec);
  }
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().filename().string().find(".tmp-") != std::string::npos) fs::remove(entry.path(), ec);
  }
}

void kill_point(const char* name) {
  static const char* wanted = std::getenv("XRAY_KILL_AT");
  if (!wanted) return;
  static std::map<std::string, int> reached;
  const int count = ++reached[name];
  const std::string want(wanted);
  const auto hash = want.find('#');
  const std::string point = want.substr(0, hash);
  const int nth = hash == std::string::npos ? 1 : std::atoi(want.c_str() + hash + 1);
  if (point == name && count == nth) raise(SIGKILL);
}

}  // namespace xray
