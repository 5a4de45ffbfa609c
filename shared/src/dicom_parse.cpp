// Walks a DICOM Part 10 file (PS3.10 7.1): 128-byte preamble, "DICM", the group 0002 file meta
// information in explicit VR little endian, then the data set in its transfer syntax. Every length
// is checked against the bytes that are left before anything is read or allocated; sequences of
// undefined length are walked item by item, no deeper than kMaxDepth. Only the top-level
// elements of the Image Pixel module are kept: an icon or a referenced image inside a sequence
// never replaces the main image's description.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "byte_reader.h"
#include "dicom.h"

namespace xray {
namespace {

constexpr std::size_t kPreambleSize = 128;
constexpr std::uint32_t kUndefinedLength = 0xFFFFFFFFu;
constexpr int kMaxDepth = 16;

constexpr std::uint32_t tag(std::uint16_t group, std::uint16_t element) {
  return (static_cast<std::uint32_t>(group) << 16) | element;
}
constexpr std::uint32_t kTransferSyntaxUid = tag(0x0002, 0x0010);
constexpr std::uint32_t kItem = tag(0xFFFE, 0xE000);
constexpr std::uint32_t kItemEnd = tag(0xFFFE, 0xE00D);
constexpr std::uint32_t kSequenceEnd = tag(0xFFFE, 0xE0DD);
constexpr std::uint32_t kPixelData = tag(0x7FE0, 0x0010);
constexpr std::uint32_t kFloatPixelData = tag(0x7FE0, 0x0008);
constexpr std::uint32_t kDoubleFloatPixelData = tag(0x7FE0, 0x0009);

Error corrupt(const std::string& why) { return Error{ErrorCode::kCorrupt, "corrupt DICOM: " + why}; }
Error truncated(const std::string& why) { return Error{ErrorCode::kTruncated, "truncated DICOM: " + why}; }
Error unsupported(const std::string& why) {
  return Error{ErrorCode::kUnsupported, "unsupported DICOM: " + why};
}

std::string tag_name(std::uint32_t t) {
  char s[16];
  std::snprintf(s, sizeof s, "(%04X,%04X)", t >> 16, t & 0xFFFF);
  return s;
}

struct Element {
  std::uint32_t tag = 0;
  char vr[3] = {0, 0, 0};  // empty in implicit VR and for items and delimiters
  std::uint32_t length = 0;
};

bool has_long_length(const char* vr) {
  static const char* const kLong[] = {"OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"};
  for (const char* v : kLong) {
    if (vr[0] == v[0] && vr[1] == v[1]) return true;
  }
  return false;
}

// Reads element headers in one VR encoding; values are skipped or read by the caller.
class DataSetReader {
 public:
  DataSetReader(ByteReader& bytes, bool implicit_vr) : r_(bytes), implicit_(implicit_vr) {}

  Expected<Element> next() {
    if (!r_.has(8)) return truncated("an element header is cut off at byte " + std::to_string(r_.pos()));
    Element e;
    const std::uint16_t group = r_.le16();
    e.tag = tag(group, r_.le16());
    if (implicit_ || group == 0xFFFE) {
      e.length = r_.le32();
      return e;
    }
    e.vr[0] = static_cast<char>(r_.u8());
    e.vr[1] = static_cast<char>(r_.u8());
    if (e.vr[0] < 'A' || e.vr[0] > 'Z' || e.vr[1] < 'A' || e.vr[1] > 'Z') {
      return corrupt("element " + tag_name(e.tag) + " has no valid VR at byte " + std::to_string(r_.pos() - 2) +
                     " (is the transfer syntax right?)");
    }
    if (!has_long_length(e.vr)) {
      e.length = r_.le16();
      return e;
    }
    if (!r_.has(6)) return truncated("an element header is cut off at byte " + std::to_string(r_.pos()));
    r_.skip(2);  // reserved
    e.length = r_.le32();
    return e;
  }

  // Skips the value of e, walking sequences of undefined length.
  Expected<bool> skip_value(const Element& e, int depth) {
    if (e.length != kUndefinedLength) {
      if (e.length > r_.remaining()) return beyond_file(e);
      r_.skip(e.length);
      return true;
    }
    const bool sequence = implicit_ || (e.vr[0] == 'S' && e.vr[1] == 'Q');
    const bool unknown = e.vr[0] == 'U' && e.vr[1] == 'N';  // PS3.5 6.2.2: content is implicit VR
    if (!sequence && !unknown) {
      return corrupt("element " + tag_name(e.tag) + " (VR " + e.vr + ") has an undefined length");
    }
    DataSetReader inner(r_, implicit_ || unknown);
    return inner.skip_sequence(depth + 1);
  }

  Error beyond_file(const Element& e) const {
    return truncated("element " + tag_name(e.tag) + " says " + std::to_string(e.length) + " bytes at byte " +
                     std::to_string(r_.pos()) + ", the file has " + std::to_string(r_.remaining()) + " left");
  }

  bool implicit() const { return implicit_; }

 private:
  Expected<bool> skip_sequence(int depth) {
    if (depth > kMaxDepth) return corrupt("sequences nested deeper than " + std::to_string(kMaxDepth));
    for (;;) {
      if (!r_.has(8)) return truncated("a sequence has no end (byte " + std::to_string(r_.pos()) + ")");
      const std::uint16_t group = r_.le16();
      const std::uint32_t item = tag(group, r_.le16());
      const std::uint32_t length = r_.le32();
      if (item == kSequenceEnd) return true;
      if (item != kItem) return corrupt("expected a sequence item, found " + tag_name(item));
      if (length != kUndefinedLength) {
        if (length > r_.remaining()) return truncated("a sequence item is longer than the file");
        r_.skip(length);
        continue;
      }
      auto done = skip_item(depth);
      if (!done) return done.error();
    }
  }

  Expected<bool> skip_item(int depth) {
    for (;;) {
      auto e = next();
      if (!e) return e.error();
      if (e->tag == kItemEnd) return true;
      if ((e->tag >> 16) == 0xFFFE) return corrupt("unexpected " + tag_name(e->tag) + " inside an item");
      auto skipped = skip_value(*e, depth);
      if (!skipped) return skipped.error();
    }
  }

  ByteReader& r_;
  bool implicit_;
};

// A string value without its padding (spaces, NULs) and only its first value ("a\b" -> "a").
std::string first_string_value(const std::uint8_t* p, std::uint32_t length) {
  std::string s(reinterpret_cast<const char*>(p), length);
  s = s.substr(0, s.find('\\'));
  const auto not_pad = [](char c) { return c != ' ' && c != '\0'; };
  std::size_t begin = 0, end = s.size();
  while (begin < end && !not_pad(s[begin])) ++begin;
  while (end > begin && !not_pad(s[end - 1])) --end;
  return s.substr(begin, end - begin);
}

// A Decimal String (PS3.5 6.2): digits, sign, point and exponent only, so that strtod's extras
// (hexadecimal, "inf", "nan") are not taken for numbers.
Expected<double> parse_decimal(const std::string& text, std::uint32_t t) {
  const bool ds_characters = text.find_first_not_of("0123456789+-.eE") == std::string::npos;
  char* end = nullptr;
  const double v = text.empty() || !ds_characters ? 0 : std::strtod(text.c_str(), &end);
  if (text.empty() || !ds_characters || *end != '\0' || !std::isfinite(v)) {
    return corrupt(tag_name(t) + " holds \"" + text + "\", not a decimal number");
  }
  return v;
}

// The meta group: explicit VR little endian whatever the data set's syntax.
Expected<std::string> read_transfer_syntax_uid(ByteReader& r) {
  if (r.remaining() == 0) return truncated("the file ends after its \"DICM\" marker");
  DataSetReader meta(r, false);
  std::string uid;
  while (r.has(2) && r.here()[0] == 0x02 && r.here()[1] == 0x00) {
    auto e = meta.next();
    if (!e) return e.error();
    if (e->length == kUndefinedLength || e->length > r.remaining()) return meta.beyond_file(*e);
    if (e->tag == kTransferSyntaxUid) uid = first_string_value(r.here(), e->length);
    r.skip(e->length);
  }
  if (uid.empty()) return corrupt("no Transfer Syntax UID (0002,0010) in the file meta information");
  return uid;
}

// Keeps the value of one Image Pixel module element.
Expected<bool> keep_pixel_element(std::uint32_t t, const std::uint8_t* p, std::uint32_t length,
                                  DicomPixelModule& m) {
  const auto us = [&](int& field) -> Expected<bool> {
    if (length < 2) return corrupt(tag_name(t) + " is shorter than 2 bytes");
    field = p[0] | (p[1] << 8);
    return true;
  };
  const auto ds = [&](double& field) -> Expected<bool> {
    auto v = parse_decimal(first_string_value(p, length), t);
    if (!v) return v.error();
    field = *v;
    return true;
  };
  switch (t) {
    case tag(0x0028, 0x0002): return us(m.samples_per_pixel);
    case tag(0x0028, 0x0004): m.photometric = first_string_value(p, length); return true;
    case tag(0x0028, 0x0006): return us(m.planar_configuration);
    case tag(0x0028, 0x0008): {
      const std::string text = first_string_value(p, length);
      char* end = nullptr;
      const long frames = std::strtol(text.c_str(), &end, 10);
      if (text.empty() || *end != '\0' || frames < 1) {
        return corrupt("Number of Frames (0028,0008) holds \"" + text + "\"");
      }
      m.number_of_frames = frames > 1000000 ? 1000000 : static_cast<int>(frames);
      return true;
    }
    case tag(0x0028, 0x0010): return us(m.rows);
    case tag(0x0028, 0x0011): return us(m.columns);
    case tag(0x0028, 0x0100): return us(m.bits_allocated);
    case tag(0x0028, 0x0101): return us(m.bits_stored);
    case tag(0x0028, 0x0102): return us(m.high_bit);
    case tag(0x0028, 0x0103): return us(m.pixel_representation);
    case tag(0x0028, 0x1050): m.has_window_center = true; return ds(m.window_center);
    case tag(0x0028, 0x1051): m.has_window_width = true; return ds(m.window_width);
    case tag(0x0028, 0x1052): return ds(m.rescale_intercept);
    case tag(0x0028, 0x1053): return ds(m.rescale_slope);
    case tag(0x0028, 0x1056): m.voi_lut_function = first_string_value(p, length); return true;
    default: return true;
  }
}

// Encapsulated pixel data (PS3.5 A.4): an offset table item, then one item per fragment, then
// the sequence delimiter.
Expected<bool> read_fragments(ByteReader& r, DicomFile& file) {
  bool first = true;
  for (;;) {
    if (!r.has(8)) return truncated("the encapsulated pixel data has no end");
    const std::uint16_t group = r.le16();
    const std::uint32_t item = tag(group, r.le16());
    const std::uint32_t length = r.le32();
    if (item == kSequenceEnd) break;
    if (item != kItem) return corrupt("expected a pixel data fragment, found " + tag_name(item));
    if (length == kUndefinedLength || length > r.remaining()) {
      return truncated("a pixel data fragment says " + std::to_string(length) + " bytes, the file has " +
                       std::to_string(r.remaining()) + " left");
    }
    if (first) {
      if (length % 4 != 0) return corrupt("the basic offset table's length is not a multiple of 4");
      ByteReader table(r.here(), length);
      while (table.has(4)) file.offsets.push_back(table.le32());
    } else {
      file.fragments.push_back(ByteSpan{r.here(), length});
    }
    first = false;
    r.skip(length);
  }
  if (file.fragments.empty()) return corrupt("the encapsulated pixel data holds no fragment");
  return true;
}

Expected<bool> read_pixel_data(const Element& e, DataSetReader& reader, ByteReader& r, DicomFile& file) {
  const bool encapsulated = file.syntax.encoding != PixelEncoding::kNative;
  if (e.length == kUndefinedLength) {
    if (!encapsulated) {
      return corrupt("Pixel Data has an undefined length in an uncompressed transfer syntax");
    }
    return read_fragments(r, file);
  }
  if (encapsulated) {
    return corrupt(std::string("Pixel Data is not encapsulated although the transfer syntax is ") +
                   file.syntax.name);
  }
  if (e.length > r.remaining()) return reader.beyond_file(e);
  file.native_pixels = ByteSpan{r.here(), e.length};
  return true;
}

// Defaults for optional attributes, then the combinations this reader decodes.
Expected<bool> validate_pixel_module(DicomFile& file) {
  DicomPixelModule& m = file.pixels;
  if (m.rows <= 0) return corrupt("no Rows (0028,0010)");
  if (m.columns <= 0) return corrupt("no Columns (0028,0011)");
  if (m.samples_per_pixel != 1 && m.samples_per_pixel != 3) {
    return unsupported(std::to_string(m.samples_per_pixel) + " samples per pixel (expected 1 or 3)");
  }
  if (m.bits_allocated != 8 && m.bits_allocated != 16) {
    return unsupported(std::to_string(m.bits_allocated) + " bits allocated (this reader takes 8 and 16)");
  }
  if (m.bits_stored == 0) m.bits_stored = m.bits_allocated;
  if (m.bits_stored < 1 || m.bits_stored > m.bits_allocated) {
    return corrupt(std::to_string(m.bits_stored) + " bits stored in " + std::to_string(m.bits_allocated) +
                   " bits allocated");
  }
  if (m.high_bit < 0) m.high_bit = m.bits_stored - 1;
  if (m.high_bit < m.bits_stored - 1 || m.high_bit >= m.bits_allocated) {
    return corrupt("high bit " + std::to_string(m.high_bit) + " does not fit " + std::to_string(m.bits_stored) +
                   " bits stored in " + std::to_string(m.bits_allocated) + " allocated");
  }
  if (m.pixel_representation != 0 && m.pixel_representation != 1) {
    return corrupt("Pixel Representation (0028,0103) is " + std::to_string(m.pixel_representation));
  }
  if (m.photometric.empty()) m.photometric = m.samples_per_pixel == 1 ? "MONOCHROME2" : "RGB";
  const std::string& pi = m.photometric;
  const bool gray = pi == "MONOCHROME1" || pi == "MONOCHROME2";
  const bool ybr = pi == "YBR_FULL" || pi == "YBR_FULL_422";
  const bool jpeg = file.syntax.encoding == PixelEncoding::kJpegBaseline;
  if (m.samples_per_pixel == 1 ? !gray : !(pi == "RGB" || (ybr && jpeg))) {
    return unsupported("photometric interpretation " + pi + " with " + std::to_string(m.samples_per_pixel) +
                       " samples per pixel in " + file.syntax.name);
  }
  if (m.samples_per_pixel == 3 && m.bits_allocated != 8) {
    return unsupported("colour with " + std::to_string(m.bits_allocated) + " bits per sample");
  }
  return true;
}

}  // namespace

bool looks_like_dicom(const std::uint8_t* data, std::size_t size) {
  return size >= kPreambleSize + 4 && std::memcmp(data + kPreambleSize, "DICM", 4) == 0;
}

Expected<DicomFile> parse_dicom(const std::uint8_t* data, std::size_t size) {
  if (!looks_like_dicom(data, size)) return corrupt("no \"DICM\" after the 128-byte preamble");
  ByteReader r(data, size);
  r.seek(kPreambleSize + 4);
  auto uid = read_transfer_syntax_uid(r);
  if (!uid) return uid.error();
  auto syntax = find_transfer_syntax(*uid);
  if (!syntax) return syntax.error();

  DicomFile file;
  file.syntax = *syntax;
  DataSetReader reader(r, syntax->implicit_vr);
  bool have_pixels = false;
  while (!have_pixels) {
    if (r.remaining() == 0) return corrupt("no Pixel Data (7FE0,0010): the file holds no image");
    auto e = reader.next();
    if (!e) return e.error();
    if (e->tag == kPixelData) {
      auto read = read_pixel_data(*e, reader, r, file);
      if (!read) return read.error();
      have_pixels = true;
      continue;
    }
    if (e->tag == kFloatPixelData || e->tag == kDoubleFloatPixelData) {
      return unsupported("floating-point pixel data " + tag_name(e->tag));
    }
    if ((e->tag >> 16) == 0xFFFE) return corrupt("unexpected " + tag_name(e->tag) + " in the data set");
    if ((e->tag >> 16) == 0x0028 && e->length != kUndefinedLength) {
      if (e->length > r.remaining()) return reader.beyond_file(*e);
      auto kept = keep_pixel_element(e->tag, r.here(), e->length, file.pixels);
      if (!kept) return kept.error();
    }
    auto skipped = reader.skip_value(*e, 0);
    if (!skipped) return skipped.error();
  }
  auto valid = validate_pixel_module(file);
  if (!valid) return valid.error();
  return file;
}

Expected<ImageInfo> probe_dicom(const std::uint8_t* data, std::size_t size) {
  auto file = parse_dicom(data, size);
  if (!file) return file.error();
  ImageInfo info;
  info.format = ImageFormat::kDicom;
  info.width = file->pixels.columns;
  info.height = file->pixels.rows;
  info.channels = file->pixels.samples_per_pixel;
  info.bits_per_channel = file->pixels.bits_stored;
  return info;
}

}  // namespace xray
