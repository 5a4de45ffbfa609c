// preprocess-digest [--min-side N] FILE...: one line per file, "name<TAB>result", where result is
// the tensor's size and a 64-bit FNV-1a hash of its float32 bytes, or the error code and message.
// Built natively and in WASM; the bit-identity tests diff the two outputs.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "xray/file_io.h"
#include "xray/preprocess.h"

int main(int argc, char** argv) {
  xray::DecodeLimits limits;
  limits.min_side = 1;  // 1x1 fixtures are part of the comparison
  int first = 1;
  if (argc > 2 && !std::strcmp(argv[1], "--min-side")) {
    limits.min_side = std::atoi(argv[2]);
    first = 3;
  }
  const xray::PreprocessSpec spec;
  for (int i = first; i < argc; ++i) {
    const std::string path = argv[i];
    const std::string name = path.substr(path.find_last_of('/') + 1);
    auto bytes = xray::read_file(path);
    if (!bytes) {
      std::printf("%s\tio\t%s\n", name.c_str(), bytes.error().message.c_str());
      continue;
    }
    auto tensor = xray::preprocess(bytes->data(), bytes->size(), spec, limits);
    if (!tensor) {
      std::printf("%s\t%s\t%s\n", name.c_str(), xray::error_code_name(tensor.error().code),
                  tensor.error().message.c_str());
      continue;
    }
    std::uint64_t hash = 1469598103934665603ull;
    const auto* p = reinterpret_cast<const unsigned char*>(tensor->data.data());
    for (std::size_t k = 0; k < tensor->data.size() * sizeof(float); ++k) hash = (hash ^ p[k]) * 1099511628211ull;
    std::printf("%s\tok\t1x%dx%d\t%016llx\n", name.c_str(), tensor->height, tensor->width,
                static_cast<unsigned long long>(hash));
  }
  return 0;
}
