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
  in.seekg(0, std::ios::beg);
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
  if (size > 0 && !in.read(reinterpret_cast<char*>(bytes.data()), size)) {
    return Error{ErrorCode::kIo, path + ": read failed"};
  }
  return bytes;
}

Expected<bool> write_file_atomic(const std::string& path, const void* data, std::size_t size) {
  const std::string tmp = path + ".tmp-" + std::to_string(xray_getpid());
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return Error{ErrorCode::kIo, path + ": cannot write (" + std::strerror(errno) + ")"};
  const bool written = (size == 0 || std::fwrite(data, 1, size, f) == size);
  const bool closed = std::fclose(f) == 0;
  if (!written || !closed) {
    std::remove(tmp.c_str());
    return Error{ErrorCode::kIo, path + ": write failed (disk full?)"};
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::remove(tmp.c_str());
    return Error{ErrorCode::kIo, path + ": cannot replace (" + why + ")"};
  }
  return true;
}

}  // namespace xray
