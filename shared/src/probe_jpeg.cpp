// Walks a JPEG marker by marker, bounds-checked, before stb_image decodes it. Refuses what stb
// would mishandle: Huffman tables with more than 256 codes or impossible code lengths (stb writes
// past its arrays), scans that use tables never defined (stb reads uninitialised memory),
// files without an end-of-image marker (stb silently fills the missing rows).
#include <cstring>
#include <string>

#include "byte_reader.h"
#include "probes.h"

namespace xray {
namespace {

Error corrupt(const std::string& why) { return Error{ErrorCode::kCorrupt, "corrupt JPEG: " + why}; }
Error truncated(const std::string& why) {
  return Error{ErrorCode::kTruncated, "truncated JPEG: " + why};
}
std::string at(std::size_t offset) { return " at byte " + std::to_string(offset); }

struct FrameComponent {
  int id = 0;
  int quant_table = 0;
};

struct JpegState {
  ImageInfo info;
  bool have_frame = false;
  bool have_scan = false;
  FrameComponent components[4];
  int component_count = 0;
  bool dc_defined[4] = {};
  bool ac_defined[4] = {};
  bool quant_defined[4] = {};
};

Expected<bool> read_frame(ByteReader s, int marker, JpegState& st) {
  if (st.have_frame) return corrupt("a second frame header (SOF)");
  if (!s.has(6)) return corrupt("frame header too short");
  const int precision = s.u8();
  const int height = s.be16();
  const int width = s.be16();
  const int count = s.u8();
  if (precision != 8) {
    return Error{ErrorCode::kUnsupported,
                 "unsupported JPEG: " + std::to_string(precision) + "-bit samples (only 8-bit)"};
  }
  if (height == 0) return Error{ErrorCode::kUnsupported, "unsupported JPEG: height given later (DNL)"};
  if (width == 0) return corrupt("width is 0");
  if (count != 1 && count != 3 && count != 4) {
    return corrupt(std::to_string(count) + " colour components (expected 1, 3 or 4)");
  }
  if (s.remaining() != static_cast<std::size_t>(3 * count)) return corrupt("frame header length");
  for (int i = 0; i < count; ++i) {
    st.components[i].id = s.u8();
    for (int j = 0; j < i; ++j) {
      if (st.components[j].id == st.components[i].id) return corrupt("two colour components with the same id");
    }
    const int sampling = s.u8();
    const int h = sampling >> 4, v = sampling & 15;
    if (h < 1 || h > 4 || v < 1 || v > 4) return corrupt("bad sampling factors");
    st.components[i].quant_table = s.u8();
    if (st.components[i].quant_table > 3) return corrupt("bad quantisation table id");
  }
  st.component_count = count;
  st.have_frame = true;
  st.info.width = width;
  st.info.height = height;
  st.info.channels = count;
  st.info.progressive = marker == 0xC2;
  return true;
}

Expected<bool> read_huffman_tables(ByteReader s, JpegState& st) {
  while (s.remaining() > 0) {
    if (!s.has(17)) return corrupt("Huffman table header cut short");
    const int q = s.u8();
    const int table_class = q >> 4, id = q & 15;
    if (table_class > 1 || id > 3) return corrupt("bad Huffman table id");
    int counts[16];
    int total = 0;
    for (int& c : counts) total += (c = s.u8());
    if (total > 256) return corrupt("Huffman table with " + std::to_string(total) + " codes (at most 256)");
    // Canonical codes of each length must fit in that many bits (Kraft inequality).
    long code = 0;
    for (int len = 1; len <= 16; ++len) {
      code += counts[len - 1];
      if (code > (1L << len)) return corrupt("Huffman code lengths overflow");
      code <<= 1;
    }
    if (!s.has(static_cast<std::size_t>(total))) return corrupt("Huffman table longer than its segment");
    s.skip(static_cast<std::size_t>(total));
    (table_class == 0 ? st.dc_defined : st.ac_defined)[id] = true;
  }
  return true;
}

Expected<bool> read_quant_tables(ByteReader s, JpegState& st) {
  while (s.remaining() > 0) {
    const int q = s.u8();
    const int precision = q >> 4, id = q & 15;
    if (precision > 1 || id > 3) return corrupt("bad quantisation table header");
    const std::size_t bytes = precision ? 128 : 64;
    if (!s.has(bytes)) return corrupt("quantisation table longer than its segment");
    s.skip(bytes);
    st.quant_defined[id] = true;
  }
  return true;
}

Expected<bool> read_scan_header(ByteReader s, JpegState& st) {
  if (!st.have_frame) return corrupt("image data before the frame header");
  if (!s.has(1)) return corrupt("scan header too short");
  const int count = s.u8();
  if (count < 1 || count > st.component_count) return corrupt("bad scan component count");
  if (s.remaining() != static_cast<std::size_t>(2 * count + 3)) return corrupt("scan header length");
  int dc[4], ac[4];
  for (int i = 0; i < count; ++i) {
    const int id = s.u8();
    const int tables = s.u8();
    int which = -1;
    for (int c = 0; c < st.component_count; ++c) {
      if (st.components[c].id == id) which = c;
    }
    if (which < 0) return corrupt("scan names a component the frame lacks");
    if (!st.quant_defined[st.components[which].quant_table]) {
      return corrupt("scan before its quantisation table");
    }
    dc[i] = tables >> 4;
    ac[i] = tables & 15;
    if (dc[i] > 3 || ac[i] > 3) return corrupt("bad Huffman table selector");
  }
  const int spectral_start = s.u8();
  const int spectral_end = s.u8();
  const int approx = s.u8();
  const bool needs_dc = !st.info.progressive || (spectral_start == 0 && (approx >> 4) == 0);
  const bool needs_ac = !st.info.progressive || spectral_start > 0;
  if (st.info.progressive) {
    if (spectral_start > spectral_end || spectral_end > 63 || (approx >> 4) > 13 || (approx & 15) > 13) {
      return corrupt("bad progressive scan parameters");
    }
  }
  for (int i = 0; i < count; ++i) {
    if (needs_dc && !st.dc_defined[dc[i]]) return corrupt("scan uses an undefined DC Huffman table");
    if (needs_ac && !st.ac_defined[ac[i]]) return corrupt("scan uses an undefined AC Huffman table");
  }
  st.have_scan = true;
  return true;
}

// Entropy-coded data ends at the first marker other than a stuffed 0xFF00 or a restart marker.
Expected<std::size_t> skip_entropy_data(const std::uint8_t* data, std::size_t size, std::size_t pos) {
  while (pos < size) {
    const void* hit = std::memchr(data + pos, 0xFF, size - pos);
    if (hit == nullptr) break;
    pos = static_cast<std::size_t>(static_cast<const std::uint8_t*>(hit) - data);
    if (pos + 1 >= size) break;
    const std::uint8_t next = data[pos + 1];
    if (next == 0x00 || (next >= 0xD0 && next <= 0xD7)) {
      pos += 2;
      continue;
    }
    if (next == 0xFF) {  // fill byte before a marker
      ++pos;
      continue;
    }
    return pos;
  }
  return truncated("the image data is cut off (no end-of-image marker)");
}

}  // namespace

Expected<ImageInfo> probe_jpeg(const std::uint8_t* data, std::size_t size) {
  JpegState st;
  st.info.format = ImageFormat::kJpeg;
  ByteReader r(data, size);
  r.skip(2);  // SOI
  for (;;) {
    if (!r.has(2)) return truncated("the file ends before the end-of-image marker");
    const std::size_t marker_pos = r.pos();
    if (r.u8() != 0xFF) return corrupt("expected a marker" + at(marker_pos));
    int marker = r.u8();
    while (marker == 0xFF && r.has(1)) marker = r.u8();
    if (marker == 0xFF) return truncated("the file ends inside a marker");
    if (marker == 0xD9) {  // EOI
      if (!st.have_scan) return corrupt("no image data before the end-of-image marker");
      return st.info;
    }
    if (marker == 0x00 || marker == 0xD8) return corrupt("unexpected marker" + at(marker_pos));
    if ((marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) continue;  // no payload
    if (!r.has(2)) return truncated("the file ends inside a segment header");
    const std::size_t length = r.be16();
    if (length < 2) return corrupt("segment length below 2" + at(marker_pos));
    if (!r.has(length - 2)) return truncated("a segment is cut off" + at(marker_pos));
    ByteReader segment(r.here(), length - 2);
    r.skip(length - 2);

    Expected<bool> step = true;
    switch (marker) {
      case 0xC0: case 0xC1: case 0xC2:
        step = read_frame(segment, marker, st);
        break;
      case 0xC3: case 0xC5: case 0xC6: case 0xC7: case 0xC9: case 0xCA: case 0xCB:
      case 0xCD: case 0xCE: case 0xCF:
        return Error{ErrorCode::kUnsupported,
                     "unsupported JPEG: lossless, hierarchical or arithmetic coding"};
      case 0xC4:
        step = read_huffman_tables(segment, st);
        break;
      case 0xDB:
        step = read_quant_tables(segment, st);
        break;
      case 0xDD:
        if (length != 4) step = corrupt("bad restart interval segment");
        break;
      case 0xDA: {
        step = read_scan_header(segment, st);
        if (!step) return step.error();
        auto end = skip_entropy_data(data, size, r.pos());
        if (!end) return end.error();
        r.seek(*end);
        break;
      }
      default:
        break;  // APPn, COM and others: skipped, as stb does
    }
    if (!step) return step.error();
  }
}

}  // namespace xray
