// Checks a BMP header and that the pixel rows the header promises are in the file.
#include <cstdint>
#include <string>

#include "byte_reader.h"
#include "probes.h"

namespace xray {
namespace {

Error corrupt(const std::string& why) { return Error{ErrorCode::kCorrupt, "corrupt BMP: " + why}; }

}  // namespace

Expected<ImageInfo> probe_bmp(const std::uint8_t* data, std::size_t size) {
  ImageInfo info;
  info.format = ImageFormat::kBmp;
  ByteReader r(data, size);
  if (!r.has(18)) return Error{ErrorCode::kTruncated, "truncated BMP: the header is cut off"};
  r.skip(10);
  const std::uint32_t offset = r.le32();
  const std::uint32_t header_size = r.le32();
  if (header_size != 12 && header_size != 40 && header_size != 56 && header_size != 108 &&
      header_size != 124) {
    return Error{ErrorCode::kUnsupported,
                 "unsupported BMP: header size " + std::to_string(header_size)};
  }
  if (!r.has(header_size - 4)) return Error{ErrorCode::kTruncated, "truncated BMP: the header is cut off"};
  std::int64_t width, height;
  int planes, bpp;
  std::uint32_t compression = 0;
  if (header_size == 12) {
    width = r.le16();
    height = r.le16();
    planes = r.le16();
    bpp = r.le16();
  } else {
    width = static_cast<std::int32_t>(r.le32());
    height = static_cast<std::int32_t>(r.le32());
    planes = r.le16();
    bpp = r.le16();
    compression = r.le32();
  }
  if (planes != 1) return corrupt("planes is not 1");
  if (width <= 0 || height == 0) return corrupt("width or height is 0 or negative");
  if (height < 0) height = -height;  // top-down rows
  if (bpp != 1 && bpp != 4 && bpp != 8 && bpp != 16 && bpp != 24 && bpp != 32) {
    return corrupt(std::to_string(bpp) + " bits per pixel");
  }
  const bool bitfields = compression == 3 && (bpp == 16 || bpp == 32);
  if (compression != 0 && !bitfields) {
    return Error{ErrorCode::kUnsupported,
                 "unsupported BMP: compression type " + std::to_string(compression) +
                     " (only uncompressed and bit fields)"};
  }
  std::uint64_t header_end = 14ull + header_size;
  if (header_size == 40 && bitfields) header_end += 12;  // colour masks follow the header
  if (bpp <= 8) header_end += 4;                         // at least one palette entry
  if (offset < header_end) return corrupt("pixel data starts inside the header");
  const std::uint64_t stride = ((static_cast<std::uint64_t>(width) * bpp + 31) / 32) * 4;
  if (static_cast<std::uint64_t>(offset) + stride * static_cast<std::uint64_t>(height) > size) {
    return Error{ErrorCode::kTruncated, "truncated BMP: the pixel rows are cut off"};
  }
  if (width > 0x7fffffff || height > 0x7fffffff) return corrupt("width or height over 2^31");
  if (bpp <= 8) {
    // stb_image reads (offset - 14 - header) / entry-size palette entries into an uninitialised
    // 256-entry array (its OS/2 formula counts 12 bytes too many); an index past them would read
    // stack garbage, so every pixel index must fall inside the palette stb reads.
    const std::int64_t entries = header_size == 12 ? (static_cast<std::int64_t>(offset) - 14 - 24) / 3
                                                   : (static_cast<std::int64_t>(offset) - 14 - header_size) / 4;
    if (entries < 1 || entries > 256) return corrupt("palette of " + std::to_string(entries) + " entries");
    for (std::int64_t y = 0; y < height; ++y) {
      const std::uint8_t* row = data + offset + y * stride;
      for (std::int64_t x = 0; x < width; ++x) {
        const int shift = 8 - bpp - static_cast<int>((x * bpp) % 8);
        const int index = (row[x * bpp / 8] >> shift) & ((1 << bpp) - 1);
        if (index >= entries) {
          return corrupt("pixel uses colour " + std::to_string(index) + " of a " + std::to_string(entries) + "-entry palette");
        }
      }
    }
  }
  info.width = static_cast<int>(width);
  info.height = static_cast<int>(height);
  info.channels = bpp == 32 ? 4 : 3;
  return info;
}

}  // namespace xray
