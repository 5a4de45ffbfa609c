#include "rle_lossless.h"

#include <string>

#include "byte_reader.h"
#include "sizes.h"

namespace xray {
namespace {

Error corrupt(const std::string& why) { return Error{ErrorCode::kCorrupt, "corrupt RLE pixel data: " + why}; }

// PackBits (G.3.1): n in 0..127 copies the next n+1 bytes; n in -127..-1 repeats the next byte
// 1-n times; -128 does nothing. Fills exactly `count` bytes at `out`, stride apart.
Expected<bool> unpack_segment(const std::uint8_t* in, std::size_t size, std::uint8_t* out, std::size_t count,
                              std::size_t stride) {
  std::size_t pos = 0, written = 0;
  while (written < count) {
    if (pos >= size) return corrupt("a segment ends after " + std::to_string(written) + " of " +
                                    std::to_string(count) + " bytes");
    const int n = static_cast<std::int8_t>(in[pos++]);
    if (n >= 0) {
      const std::size_t run = static_cast<std::size_t>(n) + 1;
      if (run > size - pos || run > count - written) return corrupt("a literal run goes past its segment");
      for (std::size_t i = 0; i < run; ++i) out[(written + i) * stride] = in[pos + i];
      pos += run;
      written += run;
    } else if (n != -128) {
      const std::size_t run = static_cast<std::size_t>(1 - n);
      if (pos >= size || run > count - written) return corrupt("a repeat run goes past its segment");
      for (std::size_t i = 0; i < run; ++i) out[(written + i) * stride] = in[pos];
      ++pos;
      written += run;
    }
  }
  return true;
}

}  // namespace

Expected<std::vector<std::uint8_t>> decode_dicom_rle(const std::uint8_t* data, std::size_t size, int width,
                                                     int height, int samples_per_pixel, int bytes_per_sample) {
  if (size < 64) return corrupt("the 64-byte segment header is cut off");
  ByteReader header(data, 64);
  const std::uint32_t segments = header.le32();
  const int expected = samples_per_pixel * bytes_per_sample;
  if (segments != static_cast<std::uint32_t>(expected)) {
    return corrupt(std::to_string(segments) + " segments where the image needs " + std::to_string(expected));
  }
  std::uint32_t offsets[16] = {};
  for (int i = 0; i < 15; ++i) offsets[i] = header.le32();
  auto bytes = buffer_bytes(static_cast<std::uint64_t>(width) * height, static_cast<std::uint64_t>(expected),
                            "the RLE frame");
  if (!bytes) return bytes.error();
  const std::size_t pixels = static_cast<std::size_t>(width) * height;  // fits: bytes did
  std::vector<std::uint8_t> out(*bytes);
  for (int s = 0; s < expected; ++s) {
    const std::size_t begin = offsets[s];
    const std::size_t end = s + 1 < expected ? offsets[s + 1] : size;
    if (begin < 64 || begin > end || end > size) return corrupt("segment " + std::to_string(s) + " has bad offsets");
    // Segment s holds byte (bytes_per_sample - 1 - s % bytes) of sample s / bytes, little endian.
    const int sample = s / bytes_per_sample;
    const int byte = bytes_per_sample - 1 - s % bytes_per_sample;
    auto unpacked = unpack_segment(data + begin, end - begin, out.data() + sample * bytes_per_sample + byte, pixels,
                                   static_cast<std::size_t>(expected));
    if (!unpacked) return unpacked.error();
  }
  return out;
}

}  // namespace xray
