// Walks PNG chunks, bounds-checked: the header must be sane and the file must reach IEND.
#include <string>

#include "byte_reader.h"
#include "probes.h"

namespace xray {
namespace {

Error corrupt(const std::string& why) { return Error{ErrorCode::kCorrupt, "corrupt PNG: " + why}; }

bool valid_depth(int color_type, int depth) {
  switch (color_type) {
    case 0: return depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
    case 3: return depth == 1 || depth == 2 || depth == 4 || depth == 8;
    case 2: case 4: case 6: return depth == 8 || depth == 16;
    default: return false;
  }
}

}  // namespace

Expected<ImageInfo> probe_png(const std::uint8_t* data, std::size_t size) {
  ImageInfo info;
  info.format = ImageFormat::kPng;
  ByteReader r(data, size);
  r.skip(8);
  bool first = true, have_palette = false, have_data = false, transparency = false;
  int color_type = 0;
  for (;;) {
    if (!r.has(8)) return Error{ErrorCode::kTruncated, "truncated PNG: the file ends before IEND"};
    const std::uint32_t length = r.be32();
    std::string type(reinterpret_cast<const char*>(r.here()), 4);
    r.skip(4);
    if (length > 0x7fffffffu) return corrupt("chunk length over 2^31");
    if (!r.has(static_cast<std::size_t>(length) + 4)) {
      return Error{ErrorCode::kTruncated, "truncated PNG: the " + type + " chunk is cut off"};
    }
    ByteReader chunk(r.here(), length);
    r.skip(static_cast<std::size_t>(length) + 4);  // data + CRC
    if (first) {
      if (type != "IHDR" || length != 13) return corrupt("the first chunk is not a 13-byte IHDR");
      const std::uint32_t width = chunk.be32();
      const std::uint32_t height = chunk.be32();
      const int depth = chunk.u8();
      color_type = chunk.u8();
      const int compression = chunk.u8(), filter = chunk.u8(), interlace = chunk.u8();
      if (width == 0 || height == 0) return corrupt("width or height is 0");
      if (width > 0x7fffffffu || height > 0x7fffffffu) return corrupt("width or height over 2^31");
      if (!valid_depth(color_type, depth)) {
        return corrupt("colour type " + std::to_string(color_type) + " with bit depth " +
                       std::to_string(depth));
      }
      if (compression != 0 || filter != 0 || interlace > 1) return corrupt("unknown compression, filter or interlace");
      info.width = static_cast<int>(width);
      info.height = static_cast<int>(height);
      info.bits_per_channel = depth == 16 ? 16 : 8;
      first = false;
    } else if (type == "PLTE") {
      if (length == 0 || length % 3 != 0 || length > 768) return corrupt("bad palette size");
      have_palette = true;
    } else if (type == "tRNS") {
      transparency = true;
    } else if (type == "IDAT") {
      have_data = true;
    } else if (type == "IEND") {
      if (!have_data) return corrupt("no image data (IDAT)");
      if (color_type == 3 && !have_palette) return corrupt("palette image without a palette");
      break;
    }
  }
  switch (color_type) {
    case 0: info.channels = transparency ? 2 : 1; break;
    case 4: info.channels = 2; break;
    case 2: info.channels = transparency ? 4 : 3; break;
    case 3: info.channels = transparency ? 4 : 3; break;
    default: info.channels = 4; break;
  }
  return info;
}

}  // namespace xray
