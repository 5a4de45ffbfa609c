// Buffer sizes computed from a file's header: in 64 bits, and refused when they do not fit this
// platform's size_t (32 bits in WebAssembly, where a wrapped product would allocate too little).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>

#include "xray/expected.h"

namespace xray {

// elements * element_bytes as a byte count, or kTooLarge naming what it was for.
inline Expected<std::size_t> buffer_bytes(std::uint64_t elements, std::uint64_t element_bytes, const char* what) {
  const std::uint64_t limit = std::numeric_limits<std::size_t>::max() / 2;
  if (element_bytes != 0 && elements > limit / element_bytes) {
    return Error{ErrorCode::kTooLarge, std::string(what) + " needs more memory than this build can address"};
  }
  return static_cast<std::size_t>(elements * element_bytes);
}

}  // namespace xray
