#include "model_directory.h"

#include <fcntl.h>
#include <sys/file.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <vector>

#include "output_files.h"
#include "xray/file_io.h"

namespace xray {
namespace {

namespace fs = std::filesystem;

// Absolute, with symlinks resolved: "--out ." and a symlinked folder get their real parent, where
// the staging copy must sit for the swap to replace the real folder.
fs::path normalised(const std::string& model_dir) {
  std::error_code ec;
  fs::path dir = fs::weakly_canonical(fs::absolute(model_dir, ec), ec);
  if (ec || dir.empty()) dir = fs::absolute(model_dir, ec).lexically_normal();
  return dir.has_filename() ? dir : dir.parent_path();
}

std::string staging_prefix(const fs::path& dir) { return "." + dir.filename().string() + ".staging-"; }

fs::path staging_path(const fs::path& dir) { return dir.parent_path() / (staging_prefix(dir) + std::to_string(getpid())); }

bool process_is_gone(long pid) { return pid > 0 && pid != getpid() && kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH; }

void sync_folder(const fs::path& folder) {
  const int fd = open(folder.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) fsync(fd), close(fd);
}

// Held for a whole update, so that two processes updating one model directory (train finishing
// while evaluate --record runs) take turns instead of one losing the other's files.
class FolderLock {
 public:
  explicit FolderLock(const fs::path& dir) {
    fd_ = open((dir.parent_path() / ("." + dir.filename().string() + ".xray-lock")).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ >= 0) flock(fd_, LOCK_EX);
  }
  ~FolderLock() {
    if (fd_ >= 0) close(fd_);  // releases the lock
  }
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

 private:
  int fd_ = -1;
};

// The folder's entries into `to`: hard links where possible (every write in a model directory is
// a rename, so a linked file is never changed in place), copies otherwise; symbolic links stay
// links; temporaries of killed runs are left out.
Expected<bool> link_folder(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::create_directories(to, ec);
  if (ec) return Error{ErrorCode::kIo, to.string() + ": cannot create the staging folder (" + ec.message() + ")"};
  fs::directory_iterator it(from, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const fs::path source = it->path();
    const std::string name = source.filename().string();
    if (name.find(".tmp-") != std::string::npos) continue;
    const fs::file_status status = fs::symlink_status(source, ec);
    if (fs::is_symlink(status)) {
      fs::copy_symlink(source, to / name, ec);
    } else if (fs::is_directory(status)) {
      auto linked = link_folder(source, to / name);
      if (!linked) return linked;
    } else if (fs::is_regular_file(status)) {
      fs::create_hard_link(source, to / name, ec);
      if (ec) fs::copy_file(source, to / name, ec);
    }
    if (ec) return Error{ErrorCode::kIo, (to / name).string() + ": cannot stage (" + ec.message() + ")"};
  }
  if (ec) return Error{ErrorCode::kIo, from.string() + ": cannot list the model directory (" + ec.message() + ")"};
  return true;
}

// Without RENAME_EXCHANGE (another file system or kernel): move the files over one by one, the
// card last. Not atomic as a whole; said so.
Expected<bool> move_files_over(const fs::path& staging, const fs::path& dir) {
  std::fprintf(stderr, "note: this file system cannot swap folders atomically; %s is updated file by file\n",
               dir.string().c_str());
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(staging, ec)) {
    if (entry.is_regular_file(ec) && entry.path().filename() != "model.json") files.push_back(entry.path());
  }
  if (fs::exists(staging / "model.json", ec)) files.push_back(staging / "model.json");
  for (const fs::path& f : files) {
    fs::rename(f, dir / f.filename(), ec);
    if (ec) return Error{ErrorCode::kIo, (dir / f.filename()).string() + ": cannot replace (" + ec.message() + ")"};
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
  if (renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, dir.c_str(), RENAME_EXCHANGE) == 0) return true;
  if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP) {
    return Error{ErrorCode::kIo, dir.string() + ": cannot swap in the new model (" + std::strerror(errno) + ")"};
  }
  return move_files_over(staging, dir);
}

}  // namespace

Expected<bool> update_model_directory(const std::string& model_dir,
                                      const std::function<Expected<bool>(const std::string&)>& write_new_files) {
  const fs::path dir = normalised(model_dir);
  FolderLock lock(dir);
  remove_stale_temporaries(dir.string());
  const fs::path staging = staging_path(dir);
  std::error_code ec;
  remove_folder(staging.string());
  auto fail = [&](const Error& e) {
    remove_folder(staging.string());
    return e;
  };
  if (fs::exists(dir, ec)) {
    auto linked = link_folder(dir, staging);
    if (!linked) return fail(linked.error());
  } else {
    fs::create_directories(staging, ec);
    if (ec) return fail(Error{ErrorCode::kIo, staging.string() + ": cannot create (" + ec.message() + ")"});
  }
  Expected<bool> written = true;
  try {
    written = write_new_files(staging.string());
  } catch (const std::exception& e) {  // LibTorch's writers throw
    written = Error{ErrorCode::kIo, std::string("cannot write the new model: ") + e.what()};
  }
  if (!written) return fail(written.error());
  sync_folder(staging);
  kill_point("staged");
  auto swapped = swap_in(staging, dir);
  if (!swapped) return fail(swapped.error());
  sync_folder(dir.parent_path());
  kill_point("swapped");
  remove_folder(staging.string());  // the old model, after a swap
  return true;
}

void remove_stale_temporaries(const std::string& model_dir) {
  const fs::path dir = normalised(model_dir);
  const std::string prefix = staging_prefix(dir);
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir.parent_path(), ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    if (process_is_gone(std::strtol(name.c_str() + prefix.size(), nullptr, 10))) remove_folder(entry.path().string());
  }
  // NAME.tmp-PID files (xray/file_io.h) of processes that are gone.
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    const auto tmp = name.rfind(".tmp-");
    if (tmp != std::string::npos && process_is_gone(std::strtol(name.c_str() + tmp + 5, nullptr, 10))) {
      fs::remove(entry.path(), ec);
    }
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
