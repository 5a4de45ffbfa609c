// Checks a BMP header and that the pixel rows the header promises are in the file; the palette
// indices of every pixel are checked separately, after the size limits (decode.cpp).
#include <cstdint>
#include <string>

#include "byte_reader.h"
#include "probes.h"

namespace xray {
namespace {

Error corrupt(const std::string& why) { return Error{ErrorCode::kCorrupt, "corrupt BMP: " + why}; }

// What the header says, checked against the file (everything but the pixels' palette indices).
struct BmpLayout {
  std::int64_t width = 0;
  std::int64_t height = 0;
  int bits_per_pixel = 0;
  std::uint32_t offset = 0;
  std::uint64_t stride = 0;
  std::int64_t palette_entries = 0;  // bits_per_pixel <= 8
};

Expected<BmpLayout> read_layout(const std::uint8_t* data, std::size_t size) {
  BmpLayout l;
  ByteReader r(data, size);
  if (!r.has(18)) return Error{ErrorCode::kTruncated, "truncated BMP: the header is cut off"};
  r.skip(10);
  l.offset = r.le32();
  const std::uint32_t header_size = r.le32();
  if (header_size != 12 && header_size != 40 && header_size != 56 && header_size != 108 &&
      header_size != 124) {
    return Error{ErrorCode::kUnsupported,
                 "unsupported BMP: header size " + std::to_string(header_size)};
  }
  if (!r.has(header_size - 4)) return Error{ErrorCode::kTruncated, "truncated BMP: the header is cut off"};
  int planes;
  std::uint32_t compression = 0;
  if (header_size == 12) {
    l.width = r.le16();
    l.height = r.le16();
    planes = r.le16();
    l.bits_per_pixel = r.le16();
  } else {
    l.width = static_cast<std::int32_t>(r.le32());
    l.height = static_cast<std::int32_t>(r.le32());
    planes = r.le16();
    l.bits_per_pixel = r.le16();
    compression = r.le32();
  }
  const int bpp = l.bits_per_pixel;
  if (planes != 1) return corrupt("planes is not 1");
  if (l.width <= 0 || l.height == 0) return corrupt("width or height is 0 or negative");
  if (l.height < 0) l.height = -l.height;  // top-down rows
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
  if (l.offset < header_end) return corrupt("pixel data starts inside the header");
  l.stride = ((static_cast<std::uint64_t>(l.width) * bpp + 31) / 32) * 4;
  if (static_cast<std::uint64_t>(l.offset) + l.stride * static_cast<std::uint64_t>(l.height) > size) {
    return Error{ErrorCode::kTruncated, "truncated BMP: the pixel rows are cut off"};
  }
  if (l.width > 0x7fffffff || l.height > 0x7fffffff) return corrupt("width or height over 2^31");
  if (bpp <= 8) {
    // stb_image reads (offset - 14 - header) / entry-size palette entries into an uninitialised
    // 256-entry array (its OS/2 formula counts 12 bytes too many).
    l.palette_entries = header_size == 12 ? (static_cast<std::int64_t>(l.offset) - 14 - 24) / 3
                                          : (static_cast<std::int64_t>(l.offset) - 14 - header_size) / 4;
    if (l.palette_entries < 1 || l.palette_entries > 256) {
      return corrupt("palette of " + std::to_string(l.palette_entries) + " entries");
    }
  }
  return l;
}

}  // namespace

Expected<ImageInfo> probe_bmp(const std::uint8_t* data, std::size_t size) {
  auto layout = read_layout(data, size);
  if (!layout) return layout.error();
  ImageInfo info;
  info.format = ImageFormat::kBmp;
  info.width = static_cast<int>(layout->width);
  info.height = static_cast<int>(layout->height);
  info.channels = layout->bits_per_pixel == 32 ? 4 : 3;
  return info;
}

Expected<bool> check_bmp_palette_indices(const std::uint8_t* data, std::size_t size) {
  auto layout = read_layout(data, size);
  if (!layout) return layout.error();
  const BmpLayout& l = *layout;
  if (l.bits_per_pixel > 8) return true;
  // An index past the palette stb reads would read stack garbage: every pixel must fall inside.
  const int bpp = l.bits_per_pixel;
  for (std::int64_t y = 0; y < l.height; ++y) {
    const std::uint8_t* row = data + l.offset + y * l.stride;
    for (std::int64_t x = 0; x < l.width; ++x) {
      const int shift = 8 - bpp - static_cast<int>((x * bpp) % 8);
      const int index = (row[x * bpp / 8] >> shift) & ((1 << bpp) - 1);
      if (index >= l.palette_entries) {
        return corrupt("pixel uses colour " + std::to_string(index) + " of a " + std::to_string(l.palette_entries) +
                       "-entry palette");
      }
    }
  }
  return true;
}

}  // namespace xray
