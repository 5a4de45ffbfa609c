#include "pnm.h"

#include <string>
#include <vector>

#include "probes.h"
#include "xray/gray.h"

namespace xray {
namespace {

bool is_space(std::uint8_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

// Skips whitespace and '#' comments, then reads a decimal integer up to 2^30.
bool read_header_integer(const std::uint8_t* data, std::size_t size, std::size_t& pos, int& value) {
  for (;;) {
    while (pos < size && is_space(data[pos])) ++pos;
    if (pos < size && data[pos] == '#') {
      while (pos < size && data[pos] != '\n' && data[pos] != '\r') ++pos;
      continue;
    }
    break;
  }
  if (pos >= size || data[pos] < '0' || data[pos] > '9') return false;
  long long v = 0;
  while (pos < size && data[pos] >= '0' && data[pos] <= '9') {
    v = v * 10 + (data[pos++] - '0');
    if (v > (1 << 30)) return false;
  }
  value = static_cast<int>(v);
  return true;
}

}  // namespace

Expected<PnmHeader> parse_pnm_header(const std::uint8_t* data, std::size_t size) {
  PnmHeader h;
  h.channels = data[1] == '5' ? 1 : 3;
  std::size_t pos = 2;
  if (!read_header_integer(data, size, pos, h.width) || !read_header_integer(data, size, pos, h.height) ||
      !read_header_integer(data, size, pos, h.max_value)) {
    return Error{pos >= size ? ErrorCode::kTruncated : ErrorCode::kCorrupt,
                 pos >= size ? "truncated PNM: the header is cut off"
                             : "corrupt PNM: the header needs width, height and maxval"};
  }
  if (h.width == 0 || h.height == 0) return Error{ErrorCode::kCorrupt, "corrupt PNM: width or height is 0"};
  if (h.max_value < 1 || h.max_value > 65535) {
    return Error{ErrorCode::kCorrupt, "corrupt PNM: maxval " + std::to_string(h.max_value) + " (1..65535)"};
  }
  if (pos >= size || !is_space(data[pos])) {
    return pos >= size ? Error{ErrorCode::kTruncated, "truncated PNM: the file ends after the header"}
                       : Error{ErrorCode::kCorrupt, "corrupt PNM: no whitespace after the header"};
  }
  h.data_offset = pos + 1;
  const std::uint64_t bytes = static_cast<std::uint64_t>(h.width) * h.height * h.channels *
                              (h.max_value > 255 ? 2 : 1);
  if (bytes > size - h.data_offset) return Error{ErrorCode::kTruncated, "truncated PNM: pixel data is cut off"};
  return h;
}

GrayImage decode_pnm_gray(const std::uint8_t* data, const PnmHeader& h) {
  const std::size_t samples = static_cast<std::size_t>(h.width) * h.height * h.channels;
  const std::uint8_t* p = data + h.data_offset;
  const std::uint32_t max = static_cast<std::uint32_t>(h.max_value);
  std::vector<std::uint8_t> scaled(samples);
  for (std::size_t i = 0; i < samples; ++i) {
    std::uint32_t v = h.max_value > 255 ? (static_cast<std::uint32_t>(p[2 * i]) << 8) | p[2 * i + 1] : p[i];
    if (v > max) v = max;  // samples over maxval are invalid; clamp rather than wrap
    scaled[i] = static_cast<std::uint8_t>((v * 255u + max / 2) / max);
  }
  return to_gray(scaled.data(), h.width, h.height, h.channels);
}

Expected<ImageInfo> probe_pnm(const std::uint8_t* data, std::size_t size) {
  auto header = parse_pnm_header(data, size);
  if (!header) return header.error();
  ImageInfo info;
  info.format = ImageFormat::kPnm;
  info.width = header->width;
  info.height = header->height;
  info.channels = header->channels;
  info.bits_per_channel = header->max_value > 255 ? 16 : 8;
  return info;
}

}  // namespace xray
