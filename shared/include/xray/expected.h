// Errors are values: every fallible call in the shared library returns Expected<T>, either the
// value or an Error whose message a person can act on. Nothing in shared/ throws or aborts.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace xray {

enum class ErrorCode {
  kEmptyInput,     // zero bytes
  kUnknownFormat,  // not JPEG, PNG, BMP, PGM/PPM or DICOM
  kTruncated,      // the file ends before its own structure says it should
  kCorrupt,        // structure present but invalid
  kUnsupported,    // a valid variant this library does not decode (e.g. arithmetic JPEG)
  kTooLarge,       // width, height or pixel count over the configured limit
  kTooSmall,       // under the configured minimum side
  kInvalidSpec,    // a PreprocessSpec that cannot be used
  kIo,             // a file could not be read or written
};

// A stable short name per code, used in tests and machine-readable output.
const char* error_code_name(ErrorCode code);

struct Error {
  ErrorCode code;
  std::string message;
};

template <typename T>
class Expected {
 public:
  Expected(T value) : state_(std::move(value)) {}  // NOLINT: implicit by design
  Expected(Error error) : state_(std::move(error)) {}  // NOLINT

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() { return std::get<0>(state_); }
  const T& value() const { return std::get<0>(state_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }

  const Error& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

}  // namespace xray
