#include "xray/expected.h"

namespace xray {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kEmptyInput: return "empty_input";
    case ErrorCode::kUnknownFormat: return "unknown_format";
    case ErrorCode::kTruncated: return "truncated";
    case ErrorCode::kCorrupt: return "corrupt";
    case ErrorCode::kUnsupported: return "unsupported";
    case ErrorCode::kTooLarge: return "too_large";
    case ErrorCode::kTooSmall: return "too_small";
    case ErrorCode::kInvalidSpec: return "invalid_spec";
    case ErrorCode::kIo: return "io";
  }
  return "unknown";
}

}  // namespace xray
