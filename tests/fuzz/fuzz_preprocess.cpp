// libFuzzer target over the whole path a dropped file takes: probe, decode, gray, resize,
// normalize. Built by scripts/fuzz.sh with clang-14, ASan and UBSan.
#include <cstddef>
#include <cstdint>

#include "xray/preprocess.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  xray::DecodeLimits limits;
  limits.min_side = 1;
  limits.max_pixels = 4000000;  // keeps each run fast; the limit logic itself is unit-tested
  xray::PreprocessSpec spec;
  spec.width = 64;
  spec.height = 64;
  auto tensor = xray::preprocess(data, size, spec, limits);
  if (tensor.ok() && tensor->data.size() != 64u * 64u) __builtin_trap();
  return 0;
}
