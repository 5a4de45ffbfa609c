#include "dicom_writer.h"

namespace xray::test {
namespace {

void put16(Bytes& b, unsigned v) {
  b.push_back(static_cast<std::uint8_t>(v & 0xFF));
  b.push_back(static_cast<std::uint8_t>(v >> 8));
}
void put32(Bytes& b, std::uint32_t v) {
  put16(b, v & 0xFFFF);
  put16(b, v >> 16);
}

// One element in explicit or implicit VR little endian; strings padded to even length.
void element(Bytes& b, bool implicit, std::uint16_t group, std::uint16_t elem, const char* vr, const Bytes& value) {
  put16(b, group);
  put16(b, elem);
  const std::string v(vr);
  const bool long_form = v == "OB" || v == "OW" || v == "SQ" || v == "UN";
  if (implicit) {
    put32(b, static_cast<std::uint32_t>(value.size()));
  } else {
    b.push_back(static_cast<std::uint8_t>(vr[0]));
    b.push_back(static_cast<std::uint8_t>(vr[1]));
    if (long_form) {
      put16(b, 0);
      put32(b, static_cast<std::uint32_t>(value.size()));
    } else {
      put16(b, static_cast<unsigned>(value.size()));
    }
  }
  b.insert(b.end(), value.begin(), value.end());
}

Bytes text(std::string s, char pad = ' ') {
  if (s.size() % 2) s += pad;
  return Bytes(s.begin(), s.end());
}
Bytes us(unsigned v) { return Bytes{static_cast<std::uint8_t>(v & 0xFF), static_cast<std::uint8_t>(v >> 8)}; }

// Preamble, meta group, and the Image Pixel module; the caller appends the pixel data.
Bytes header(const DicomDescription& d) {
  Bytes b(128, 0);
  b.insert(b.end(), {'D', 'I', 'C', 'M'});
  Bytes meta;
  element(meta, false, 0x0002, 0x0010, "UI", text(d.transfer_syntax, '\0'));
  element(b, false, 0x0002, 0x0000, "UL", Bytes{static_cast<std::uint8_t>(meta.size()), 0, 0, 0});
  b.insert(b.end(), meta.begin(), meta.end());
  const bool implicit = d.transfer_syntax == "1.2.840.10008.1.2";
  element(b, implicit, 0x0008, 0x0060, "CS", text("DX"));
  element(b, implicit, 0x0028, 0x0002, "US", us(d.samples_per_pixel));
  element(b, implicit, 0x0028, 0x0004, "CS", text(d.photometric));
  if (d.frames > 1) element(b, implicit, 0x0028, 0x0008, "IS", text(std::to_string(d.frames)));
  element(b, implicit, 0x0028, 0x0010, "US", us(d.rows));
  element(b, implicit, 0x0028, 0x0011, "US", us(d.columns));
  element(b, implicit, 0x0028, 0x0100, "US", us(d.bits_allocated));
  element(b, implicit, 0x0028, 0x0101, "US", us(d.bits_stored));
  element(b, implicit, 0x0028, 0x0102, "US", us(d.high_bit < 0 ? d.bits_stored - 1 : d.high_bit));
  element(b, implicit, 0x0028, 0x0103, "US", us(d.pixel_representation));
  for (const auto& [elem, value] : d.decimal_strings) element(b, implicit, 0x0028, elem, "DS", text(value));
  return b;
}

class BitWriter {
 public:
  explicit BitWriter(Bytes& out) : out_(out) {}
  void put(unsigned value, int count) {
    for (int i = count - 1; i >= 0; --i) {
      byte_ = static_cast<std::uint8_t>((byte_ << 1) | ((value >> i) & 1));
      if (++filled_ == 8) emit();
    }
  }
  void flush() {  // pad with 1 bits
    while (filled_ != 0) put(1, 1);
  }

 private:
  void emit() {
    out_.push_back(byte_);
    if (byte_ == 0xFF) out_.push_back(0x00);
    byte_ = 0;
    filled_ = 0;
  }
  Bytes& out_;
  std::uint8_t byte_ = 0;
  int filled_ = 0;
};

int predicted(int predictor, int ra, int rb, int rc) {
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

}  // namespace

Bytes encode_dicom(const DicomDescription& d, const std::vector<std::uint16_t>& cells) {
  Bytes pixels;
  for (std::uint16_t v : cells) {
    if (d.bits_allocated == 8) {
      pixels.push_back(static_cast<std::uint8_t>(v));
    } else {
      put16(pixels, v);
    }
  }
  if (pixels.size() % 2) pixels.push_back(0);
  Bytes b = header(d);
  element(b, d.transfer_syntax == "1.2.840.10008.1.2", 0x7FE0, 0x0010, d.bits_allocated == 8 ? "OB" : "OW", pixels);
  return b;
}

Bytes encode_dicom_encapsulated(const DicomDescription& d, const std::vector<std::uint32_t>& offsets,
                                const std::vector<Bytes>& fragments) {
  Bytes b = header(d);
  put16(b, 0x7FE0);
  put16(b, 0x0010);
  b.insert(b.end(), {'O', 'B', 0, 0});
  put32(b, 0xFFFFFFFFu);
  put16(b, 0xFFFE);
  put16(b, 0xE000);
  put32(b, static_cast<std::uint32_t>(4 * offsets.size()));
  for (std::uint32_t o : offsets) put32(b, o);
  for (Bytes f : fragments) {
    if (f.size() % 2) f.push_back(0);
    put16(b, 0xFFFE);
    put16(b, 0xE000);
    put32(b, static_cast<std::uint32_t>(f.size()));
    b.insert(b.end(), f.begin(), f.end());
  }
  put16(b, 0xFFFE);
  put16(b, 0xE0DD);
  put32(b, 0);
  return b;
}

Bytes encode_jpeg_lossless(const std::vector<std::uint16_t>& samples, int width, int height, int components,
                           int precision, int predictor, int point_transform, int restart_rows,
                           const LosslessCoding& coding) {
  Bytes out{0xFF, 0xD8};
  auto segment = [&](std::uint8_t marker, const Bytes& body) {
    out.push_back(0xFF);
    out.push_back(marker);
    out.push_back(static_cast<std::uint8_t>((body.size() + 2) >> 8));
    out.push_back(static_cast<std::uint8_t>((body.size() + 2) & 0xFF));
    out.insert(out.end(), body.begin(), body.end());
  };
  // Table 0: the 17 differences' sizes (SSSS 0..16), all coded with `length` bits, SSSS = code.
  auto huffman_table = [&](int length) {
    Bytes dht(17, 0);
    dht[length] = 17;
    for (int s = 0; s <= 16; ++s) dht.push_back(static_cast<std::uint8_t>(s));
    segment(0xC4, dht);
  };
  Bytes sof{static_cast<std::uint8_t>(precision), static_cast<std::uint8_t>(height >> 8),
            static_cast<std::uint8_t>(height & 0xFF), static_cast<std::uint8_t>(width >> 8),
            static_cast<std::uint8_t>(width & 0xFF), static_cast<std::uint8_t>(components)};
  for (int c = 0; c < components; ++c) sof.insert(sof.end(), {static_cast<std::uint8_t>(c + 1), 0x11, 0});
  segment(0xC3, sof);
  if (restart_rows) {
    const int interval = restart_rows * width;
    segment(0xDD, Bytes{static_cast<std::uint8_t>(interval >> 8), static_cast<std::uint8_t>(interval & 0xFF)});
  }
  // Differences are coded on the point-transformed samples, as the decoder predicts them.
  std::vector<int> v(samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i) v[i] = samples[i] >> point_transform;
  const int initial = 1 << (precision - point_transform - 1);

  std::vector<std::vector<int>> scans;
  if (coding.scan_per_component) {
    for (int c = 0; c < components; ++c) scans.push_back({c});
  } else {
    scans.push_back({});
    for (int c = 0; c < components; ++c) scans[0].push_back(c);
  }
  for (std::size_t scan = 0; scan < scans.size(); ++scan) {
    const int length = coding.table_per_scan && scan % 2 == 1 ? 12 : coding.code_length;
    if (scan == 0 || coding.table_per_scan) huffman_table(length);
    Bytes sos{static_cast<std::uint8_t>(scans[scan].size())};
    for (int c : scans[scan]) sos.insert(sos.end(), {static_cast<std::uint8_t>(c + 1), 0x00});
    sos.insert(sos.end(), {static_cast<std::uint8_t>(predictor), 0, static_cast<std::uint8_t>(point_transform)});
    segment(0xDA, sos);
    BitWriter bits(out);
    bool first_row = true;
    int restarts = 0;
    for (int y = 0; y < height; ++y) {
      if (restart_rows && y > 0 && y % restart_rows == 0) {
        bits.flush();
        out.push_back(0xFF);
        out.push_back(static_cast<std::uint8_t>(0xD0 + (restarts++ & 7)));
        first_row = true;
      }
      for (int x = 0; x < width; ++x) {
        for (int c : scans[scan]) {
          auto at = [&](int xx, int yy) { return v[(static_cast<std::size_t>(yy) * width + xx) * components + c]; };
          int prediction;
          if (first_row) {
            prediction = x == 0 ? initial : at(x - 1, y);
          } else if (x == 0) {
            prediction = at(x, y - 1);
          } else {
            prediction = predicted(predictor, at(x - 1, y), at(x, y - 1), at(x - 1, y - 1));
          }
          int diff = (at(x, y) - prediction) & 0xFFFF;
          if (diff >= 32768) diff -= 65536;
          if (diff == -32768) {
            bits.put(16, length);
            continue;
          }
          const int magnitude = diff < 0 ? -diff : diff;
          int ssss = 0;
          while ((1 << ssss) <= magnitude) ++ssss;
          bits.put(static_cast<unsigned>(ssss), length);
          if (ssss) bits.put(static_cast<unsigned>(diff < 0 ? diff + (1 << ssss) - 1 : diff), ssss);
        }
      }
      first_row = false;
    }
    bits.flush();
  }
  out.insert(out.end(), {0xFF, 0xD9});
  return out;
}

}  // namespace xray::test
