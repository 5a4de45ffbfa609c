// JPEG lossless decoder (T.81 annex H, Huffman only). Markers are walked bounds-checked; the
// entropy-coded data is read through EntropyReader, which un-stuffs 0xFF00, stops at markers and
// counts every bit it invents past the data, so a cut-off scan is refused instead of zero-filled.
#include "jpeg_lossless.h"

#include <string>

#include "byte_reader.h"
#include "sizes.h"

namespace xray {
namespace {

Error corrupt(const std::string& why) { return Error{ErrorCode::kCorrupt, "corrupt lossless JPEG: " + why}; }
Error unsupported(const std::string& why) {
  return Error{ErrorCode::kUnsupported, "unsupported lossless JPEG: " + why};
}

// Canonical Huffman decoding tables (T.81 F.2.2.3), with an 8-bit lookup for the short codes.
struct HuffmanTable {
  bool defined = false;
  int max_code[17] = {};  // per code length; -1 when no code has that length
  int min_code[17] = {};
  int first_value[17] = {};
  std::uint8_t values[256] = {};
  std::uint8_t fast_length[256] = {};  // 0: the code is longer than 8 bits
  std::uint8_t fast_value[256] = {};
};

// Builds into a fresh table: a DHT may redefine a table between scans, and nothing of the old one
// may survive. The code space is checked before any entry is written.
Expected<bool> build_table(const std::uint8_t counts[16], const std::uint8_t* values, int total, HuffmanTable& out) {
  for (int i = 0; i < total; ++i) {
    if (values[i] > 16) return corrupt("a Huffman table codes a difference of " + std::to_string(values[i]) + " bits");
  }
  HuffmanTable t;
  int code = 0, k = 0;
  for (int length = 1; length <= 16; ++length) {
    const int n = counts[length - 1];
    if (code + n > (1 << length)) return corrupt("a Huffman table has more codes than its lengths allow");
    t.first_value[length] = k;
    t.min_code[length] = code;
    t.max_code[length] = n ? code + n - 1 : -1;
    if (n && length <= 8) {
      for (int c = code; c < code + n; ++c) {
        for (int fill = 0; fill < (1 << (8 - length)); ++fill) {
          const int index = (c << (8 - length)) | fill;
          t.fast_length[index] = static_cast<std::uint8_t>(length);
          t.fast_value[index] = values[k + c - code];
        }
      }
    }
    code += n;
    k += n;
    code <<= 1;
  }
  for (int i = 0; i < total; ++i) t.values[i] = values[i];
  t.defined = true;
  out = t;
  return true;
}

class EntropyReader {
 public:
  EntropyReader(const std::uint8_t* data, std::size_t size, std::size_t pos) : data_(data), size_(size), pos_(pos) {}

  int bits(int n) {  // n in 1..16
    if (available_ < n) fill();
    available_ -= n;
    return static_cast<int>((buffer_ >> available_) & ((1u << n) - 1));
  }

  Expected<int> decode(const HuffmanTable& t) {
    if (available_ < 16) fill();
    const unsigned look = static_cast<unsigned>(buffer_ >> (available_ - 16)) & 0xFFFF;
    const int fast = t.fast_length[look >> 8];
    if (fast) {
      available_ -= fast;
      return t.fast_value[look >> 8];
    }
    for (int length = 9; length <= 16; ++length) {
      const int code = static_cast<int>(look >> (16 - length));
      if (t.max_code[length] >= 0 && code <= t.max_code[length]) {
        available_ -= length;
        return t.values[t.first_value[length] + code - t.min_code[length]];
      }
    }
    return corrupt("an invalid Huffman code near byte " + std::to_string(pos_));
  }

  // True when a decoded value used bits that the data does not have.
  bool overran() const { return invented_bits_ > static_cast<std::size_t>(available_); }

  // Drops the bits left in the buffer and moves to the next marker (the end of an interval/scan).
  std::size_t next_marker() {
    buffer_ = 0;
    available_ = 0;
    invented_bits_ = 0;
    at_marker_ = false;
    while (pos_ + 1 < size_ && !(data_[pos_] == 0xFF && data_[pos_ + 1] != 0x00 && data_[pos_ + 1] != 0xFF)) ++pos_;
    if (pos_ + 1 >= size_) pos_ = size_;
    return pos_;
  }
  void resume_at(std::size_t pos) { pos_ = pos; }

 private:
  void fill() {
    while (available_ <= 56) {
      std::uint8_t byte = 0;
      bool real = false;
      if (!at_marker_ && pos_ < size_) {
        if (data_[pos_] != 0xFF) {
          byte = data_[pos_++];
          real = true;
        } else if (pos_ + 1 < size_ && data_[pos_ + 1] == 0x00) {
          byte = 0xFF;  // stuffed
          pos_ += 2;
          real = true;
        } else {
          at_marker_ = true;  // the scan's data ends here
        }
      }
      if (!real) invented_bits_ += 8;
      buffer_ = (buffer_ << 8) | byte;
      available_ += 8;
    }
  }

  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_;
  std::uint64_t buffer_ = 0;
  int available_ = 0;
  std::size_t invented_bits_ = 0;
  bool at_marker_ = false;
};

struct FrameComponent {
  int id = 0;
  bool decoded = false;
};

struct Decoder {
  const std::uint8_t* data;
  std::size_t size;
  LosslessImage image;
  FrameComponent components[4];
  bool have_frame = false;
  HuffmanTable tables[4];
  int restart_interval = 0;
};

Expected<bool> read_frame(ByteReader s, Decoder& d, int width, int height, int components) {
  if (d.have_frame) return corrupt("a second frame header");
  if (!s.has(6)) return corrupt("frame header too short");
  const int precision = s.u8();
  const int h = s.be16(), w = s.be16(), count = s.u8();
  if (precision < 2 || precision > 16) return corrupt(std::to_string(precision) + "-bit samples");
  if (h == 0) return unsupported("height given after the scan (DNL)");
  if (w != width || h != height || count != components) {
    return corrupt("the frame is " + std::to_string(w) + "x" + std::to_string(h) + " with " + std::to_string(count) +
                   " components; the container says " + std::to_string(width) + "x" + std::to_string(height) +
                   " with " + std::to_string(components));
  }
  if (count < 1 || count > 4 || !s.has(3u * count)) return corrupt("frame header length");
  for (int i = 0; i < count; ++i) {
    d.components[i].id = s.u8();
    for (int j = 0; j < i; ++j) {
      if (d.components[j].id == d.components[i].id) return corrupt("two components with the same id");
    }
    if (s.u8() != 0x11) return unsupported("subsampled components");
    s.u8();  // quantisation table: unused in lossless mode
  }
  d.image.width = w;
  d.image.height = h;
  d.image.components = count;
  d.image.precision = precision;
  auto bytes = buffer_bytes(static_cast<std::uint64_t>(w) * h * count, sizeof(std::uint16_t), "the lossless JPEG frame");
  if (!bytes) return bytes.error();
  d.image.samples.assign(*bytes / sizeof(std::uint16_t), 0);
  d.have_frame = true;
  return true;
}

Expected<bool> read_tables(ByteReader s, Decoder& d) {
  while (s.remaining() > 0) {
    if (!s.has(17)) return corrupt("Huffman table segment too short");
    const int kind = s.u8();
    std::uint8_t counts[16];
    int total = 0;
    for (std::uint8_t& c : counts) total += (c = s.u8());
    if ((kind & 15) > 3 || total > 256 || !s.has(total)) return corrupt("bad Huffman table header");
    const std::uint8_t* values = s.here();
    s.skip(total);
    if ((kind >> 4) != 0) continue;  // AC tables have no use in lossless mode
    auto built = build_table(counts, values, total, d.tables[kind & 15]);
    if (!built) return built.error();
  }
  return true;
}

struct ScanComponent {
  int index = 0;  // into the frame's components
  int table = 0;
};

int predict(int predictor, int ra, int rb, int rc) {
  switch (predictor) {
    case 1: return ra;
    case 2: return rb;
    case 3: return rc;
    case 4: return ra + rb - rc;
    case 5: return ra + ((rb - rc) >> 1);
    case 6: return rb + ((ra - rc) >> 1);
    default: return (ra + rb) >> 1;
  }
}

// One scan (T.81 H.1.2): the first row after the start or a restart predicts from the left and
// its first sample from 2^(P-Pt-1); every other row starts from the sample above.
Expected<std::size_t> decode_scan(Decoder& d, std::size_t pos, const ScanComponent* scan, int count, int predictor,
                                  int point_transform) {
  LosslessImage& im = d.image;
  const int stride = im.components;
  const int initial = 1 << (im.precision - point_transform - 1);
  if (d.restart_interval % im.width != 0) return unsupported("a restart interval that is not a whole number of rows");
  const int rows_per_interval = d.restart_interval / im.width;
  EntropyReader reader(d.data, d.size, pos);
  bool first_row = true;
  int restarts = 0;
  for (int y = 0; y < im.height; ++y) {
    if (rows_per_interval && y > 0 && y % rows_per_interval == 0) {
      if (reader.overran()) return corrupt("a restart interval ends before its data");
      std::size_t at = reader.next_marker();
      if (at + 1 >= d.size || d.data[at + 1] != 0xD0 + (restarts & 7)) {
        return corrupt("restart marker " + std::to_string(restarts & 7) + " missing at byte " + std::to_string(at));
      }
      reader.resume_at(at + 2);
      ++restarts;
      first_row = true;
    }
    std::uint16_t* row = im.samples.data() + static_cast<std::size_t>(y) * im.width * stride;
    const std::uint16_t* above = y > 0 ? row - static_cast<std::size_t>(im.width) * stride : row;
    for (int x = 0; x < im.width; ++x) {
      for (int k = 0; k < count; ++k) {
        const int c = scan[k].index;
        const std::size_t at = static_cast<std::size_t>(x) * stride + c;
        int prediction;
        if (first_row) {
          prediction = x == 0 ? initial : row[at - stride];
        } else if (x == 0) {
          prediction = above[at];
        } else {
          prediction = predict(predictor, row[at - stride], above[at], above[at - stride]);
        }
        auto magnitude = reader.decode(d.tables[scan[k].table]);
        if (!magnitude) return magnitude.error();
        int difference = 0;
        if (*magnitude == 16) {
          difference = 32768;
        } else if (*magnitude > 0) {
          const int s = *magnitude;
          difference = reader.bits(s);
          if (difference < (1 << (s - 1))) difference -= (1 << s) - 1;
        }
        row[at] = static_cast<std::uint16_t>((prediction + difference) & 0xFFFF);
      }
    }
    first_row = false;
    if (reader.overran()) break;  // no need to invent the remaining rows
  }
  if (reader.overran()) return Error{ErrorCode::kTruncated, "truncated lossless JPEG: the scan's data ends early"};
  for (int k = 0; k < count; ++k) {
    const int c = scan[k].index;
    for (std::size_t i = c; i < im.samples.size(); i += stride) {
      im.samples[i] = static_cast<std::uint16_t>(im.samples[i] << point_transform);
    }
    d.components[c].decoded = true;
  }
  return reader.next_marker();
}

// Reads a scan header, decodes the scan, returns where the data after it starts.
Expected<std::size_t> read_scan(ByteReader s, std::size_t data_start, Decoder& d) {
  if (!d.have_frame) return corrupt("a scan before the frame header");
  if (!s.has(1)) return corrupt("scan header too short");
  const int count = s.u8();
  if (count < 1 || count > d.image.components || s.remaining() != 2u * count + 3) return corrupt("scan header length");
  ScanComponent scan[4];
  for (int k = 0; k < count; ++k) {
    const int id = s.u8(), tables = s.u8();
    int index = -1;
    for (int c = 0; c < d.image.components; ++c) {
      if (d.components[c].id == id) index = c;
    }
    for (int j = 0; j < k; ++j) {
      if (scan[j].index == index) index = -1;
    }
    if (index < 0 || d.components[index].decoded) return corrupt("a scan names an unknown or repeated component");
    scan[k] = ScanComponent{index, tables >> 4};
    if (scan[k].table > 3 || !d.tables[scan[k].table].defined) return corrupt("a scan uses an undefined Huffman table");
  }
  const int predictor = s.u8();
  s.u8();  // Se: unused in lossless mode
  const int point_transform = s.u8() & 15;
  if (predictor < 1 || predictor > 7) return corrupt("predictor " + std::to_string(predictor));
  if (point_transform >= d.image.precision) return corrupt("point transform beyond the sample precision");
  return decode_scan(d, data_start, scan, count, predictor, point_transform);
}

bool all_decoded(const Decoder& d) {
  if (!d.have_frame) return false;
  for (int c = 0; c < d.image.components; ++c) {
    if (!d.components[c].decoded) return false;
  }
  return true;
}

}  // namespace

Expected<LosslessImage> decode_jpeg_lossless(const std::uint8_t* data, std::size_t size, int expected_width,
                                             int expected_height, int expected_components) {
  if (size < 4 || data[0] != 0xFF || data[1] != 0xD8) return corrupt("no start-of-image marker");
  Decoder d{data, size, {}, {}, false, {}, 0};
  ByteReader r(data, size);
  r.seek(2);
  for (;;) {
    if (!r.has(2)) break;  // the end without EOI: accepted if every component was decoded
    if (r.u8() != 0xFF) return corrupt("expected a marker at byte " + std::to_string(r.pos() - 1));
    int marker = r.u8();
    while (marker == 0xFF && r.has(1)) marker = r.u8();
    if (marker == 0xD9) break;
    if (marker == 0xD8) return corrupt("a second start-of-image marker");
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) continue;  // no segment follows
    if (!r.has(2)) break;
    const std::size_t length = r.be16();
    if (length < 2 || !r.has(length - 2)) return corrupt("a segment runs past the end of the data");
    ByteReader segment(r.here(), length - 2);
    r.skip(length - 2);
    Expected<bool> step = true;
    if (marker == 0xC3) {
      step = read_frame(segment, d, expected_width, expected_height, expected_components);
    } else if (marker == 0xC4) {
      step = read_tables(segment, d);
    } else if (marker == 0xDD) {
      d.restart_interval = segment.has(2) ? segment.be16() : 0;
    } else if (marker == 0xDA) {
      auto next = read_scan(segment, r.pos(), d);
      if (!next) return next.error();
      r.seek(*next);
    } else if (marker == 0xCC) {
      return unsupported("arithmetic coding");
    } else if (marker >= 0xC0 && marker <= 0xCF) {
      return unsupported("frame type SOF" + std::to_string(marker - 0xC0) + " (only lossless SOF3)");
    } else if (marker == 0xDC) {
      return unsupported("height given after the scan (DNL)");
    }
    if (!step) return step.error();
  }
  if (!all_decoded(d)) return Error{ErrorCode::kTruncated, "truncated lossless JPEG: the image data is missing"};
  return std::move(d.image);
}

}  // namespace xray
