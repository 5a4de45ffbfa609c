#include "xray/file_io.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#if defined(_WIN32)
#include <process.h>
#define xray_getpid _getpid
#else
#include <fcntl.h>
#include <unistd.h>
#define xray_getpid getpid
#endif

namespace xray {

Expected<std::vector<std::uint8_t>> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{ErrorCode::kIo, path + ": cannot open (" + std::strerror(errno) + ")"};
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) return Error{ErrorCode::kIo, path + ": cannot read (is it a folder?)"};
  if (static_cast<std::uint64_t>(size) > kMaxReadBytes) {
    return Error{ErrorCode::kTooLarge, path + ": " + std::to_string(size >> 20) + " MiB, over the " +
                                           std::to_string(kMaxReadBytes >> 30) + " GiB this reader accepts"};
  }
  in.seekg(0, std::ios::beg);
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
  if (size > 0 && !in.read(reinterpret_cast<char*>(bytes.data()), size)) {
    return Error{ErrorCode::kIo, path + ": read failed"};
  }
  return bytes;
}

namespace {

// The rename itself is durable once the folder is synced; a failure here loses nothing.
void sync_folder_of(const std::string& path) {
#if !defined(_WIN32) && !defined(__EMSCRIPTEN__)
  const std::string::size_type slash = path.find_last_of('/');
  const std::string folder = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  const int fd = open(folder.c_str(), O_RDONLY);
  if (fd >= 0) fsync(fd), close(fd);
#else
  (void)path;
#endif
}

// Renames a finished temporary file over PATH and syncs the folder; removes it on failure.
Expected<bool> replace_with(const std::string& tmp, const std::string& path) {
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::remove(tmp.c_str());
    return Error{ErrorCode::kIo, path + ": cannot replace (" + why + ")"};
  }
  sync_folder_of(path);
  return true;
}

}  // namespace

std::string temporary_path(const std::string& path) { return path + ".tmp-" + std::to_string(xray_getpid()); }

Expected<bool> commit_file(const std::string& tmp, const std::string& path) {
#if !defined(_WIN32)
  const int fd = open(tmp.c_str(), O_RDONLY);
  const bool synced = fd >= 0 && fsync(fd) == 0;
  if (fd >= 0) close(fd);
  if (!synced) {
    std::remove(tmp.c_str());
    return Error{ErrorCode::kIo, path + ": write failed (disk full?)"};
  }
#endif
  return replace_with(tmp, path);
}

Expected<bool> write_file_atomic(const std::string& path, const void* data, std::size_t size) {
  const std::string tmp = temporary_path(path);
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return Error{ErrorCode::kIo, path + ": cannot write (" + std::strerror(errno) + ")"};
  bool written = (size == 0 || std::fwrite(data, 1, size, f) == size);
#if !defined(_WIN32)
  // On disk before the rename: after a crash the path holds the old file or the new one, whole.
  written = written && std::fflush(f) == 0 && fsync(fileno(f)) == 0;
#endif
  const bool closed = std::fclose(f) == 0;
  if (!written || !closed) {
    std::remove(tmp.c_str());
    return Error{ErrorCode::kIo, path + ": write failed (disk full?)"};
  }
  return replace_with(tmp, path);
}

}  // namespace xray
