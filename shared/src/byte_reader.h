// Bounds-checked big/little-endian reads over an in-memory buffer, for the container probes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace xray {

class ByteReader {
 public:
  ByteReader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

  std::size_t size() const { return size_; }
  std::size_t pos() const { return pos_; }
  std::size_t remaining() const { return size_ - pos_; }
  bool has(std::size_t n) const { return n <= remaining(); }
  void seek(std::size_t pos) { pos_ = pos < size_ ? pos : size_; }
  void skip(std::size_t n) { pos_ = has(n) ? pos_ + n : size_; }
  const std::uint8_t* here() const { return data_ + pos_; }

  // Callers check has() first; past the end these return 0 and do not move.
  std::uint8_t u8() { return has(1) ? data_[pos_++] : 0; }
  std::uint16_t be16() { return has(2) ? static_cast<std::uint16_t>((u8() << 8) | u8()) : 0; }
  std::uint32_t be32() {
    if (!has(4)) return 0;
    std::uint32_t hi = be16();
    return (hi << 16) | be16();
  }
  std::uint16_t le16() {
    if (!has(2)) return 0;
    std::uint16_t lo = u8();
    return static_cast<std::uint16_t>(lo | (u8() << 8));
  }
  std::uint32_t le32() {
    if (!has(4)) return 0;
    std::uint32_t lo = le16();
    return lo | (static_cast<std::uint32_t>(le16()) << 16);
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

// "3c 21 44 4f" for the first n bytes: shows a person what the file really starts with.
std::string hex_prefix(const std::uint8_t* data, std::size_t size, std::size_t n = 4);

}  // namespace xray
