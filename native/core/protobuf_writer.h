// Just enough of the protocol buffers wire format to write ONNX files: varints, 32-bit floats,
// length-delimited bytes and nested messages. Callers write fields in field-number order.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace xray::pb {

class Writer {
 public:
  void varint_field(int field, std::uint64_t value) {
    tag(field, 0);
    varint(value);
  }
  void float_field(int field, float value) {
    tag(field, 5);
    std::uint32_t bits;
    std::memcpy(&bits, &value, 4);
    for (int i = 0; i < 4; ++i) out_.push_back(static_cast<char>(bits >> (8 * i)));
  }
  void bytes_field(int field, const void* data, std::size_t size) {
    tag(field, 2);
    varint(size);
    out_.append(static_cast<const char*>(data), size);
  }
  void string_field(int field, const std::string& s) { bytes_field(field, s.data(), s.size()); }
  void message_field(int field, const Writer& message) { string_field(field, message.out_); }

  const std::string& bytes() const { return out_; }

 private:
  void tag(int field, int wire_type) { varint((static_cast<std::uint64_t>(field) << 3) | wire_type); }
  void varint(std::uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  std::string out_;
};

}  // namespace xray::pb
