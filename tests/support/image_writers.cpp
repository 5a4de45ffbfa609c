#include "image_writers.h"

#include <cmath>
#include <cstdio>
#include <cstring>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO
#include <stb/stb_image_write.h>

namespace xray::test {
namespace {

void put_be32(Bytes& out, std::uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<std::uint8_t>(v >> s));
}
void put_le16(Bytes& out, std::uint32_t v) {
  out.push_back(static_cast<std::uint8_t>(v));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
}
void put_le32(Bytes& out, std::uint32_t v) {
  put_le16(out, v & 0xffff);
  put_le16(out, v >> 16);
}

std::uint32_t crc32(const std::uint8_t* p, std::size_t n) {
  static std::uint32_t table[256];
  static bool ready = false;
  if (!ready) {
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
      table[i] = c;
    }
    ready = true;
  }
  std::uint32_t c = 0xffffffffu;
  for (std::size_t i = 0; i < n; ++i) c = table[(c ^ p[i]) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

void put_chunk(Bytes& out, const char* type, const Bytes& data) {
  put_be32(out, static_cast<std::uint32_t>(data.size()));
  const std::size_t start = out.size();
  out.insert(out.end(), type, type + 4);
  out.insert(out.end(), data.begin(), data.end());
  put_be32(out, crc32(out.data() + start, out.size() - start));
}

// zlib stream of stored (uncompressed) deflate blocks.
Bytes zlib_stored(const Bytes& raw) {
  Bytes out = {0x78, 0x01};
  std::size_t pos = 0;
  do {
    const std::size_t n = raw.size() - pos < 65535 ? raw.size() - pos : 65535;
    out.push_back(pos + n == raw.size() ? 1 : 0);
    put_le16(out, static_cast<std::uint32_t>(n));
    put_le16(out, static_cast<std::uint32_t>(~n & 0xffff));
    out.insert(out.end(), raw.begin() + pos, raw.begin() + pos + n);
    pos += n;
  } while (pos < raw.size());
  std::uint32_t a = 1, b = 0;
  for (std::uint8_t v : raw) {
    a = (a + v) % 65521;
    b = (b + a) % 65521;
  }
  put_be32(out, (b << 16) | a);
  return out;
}

Bytes png_with(const RawImage& img, int color_type, const std::vector<std::pair<const char*, Bytes>>& extra) {
  Bytes out = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  Bytes ihdr;
  put_be32(ihdr, img.width);
  put_be32(ihdr, img.height);
  ihdr.push_back(static_cast<std::uint8_t>(img.bits));
  ihdr.push_back(static_cast<std::uint8_t>(color_type));
  ihdr.push_back(0);
  ihdr.push_back(0);
  ihdr.push_back(0);
  put_chunk(out, "IHDR", ihdr);
  for (const auto& [type, data] : extra) put_chunk(out, type, data);
  Bytes raw;
  const std::size_t row_samples = static_cast<std::size_t>(img.width) * img.channels;
  for (int y = 0; y < img.height; ++y) {
    raw.push_back(0);  // filter: none
    for (std::size_t i = 0; i < row_samples; ++i) {
      const std::uint16_t v = img.samples[y * row_samples + i];
      if (img.bits == 16) raw.push_back(static_cast<std::uint8_t>(v >> 8));
      raw.push_back(static_cast<std::uint8_t>(v));
    }
  }
  put_chunk(out, "IDAT", zlib_stored(raw));
  put_chunk(out, "IEND", {});
  return out;
}

std::uint32_t next_random(std::uint32_t& state) {
  state = state * 1664525u + 1013904223u;
  return state >> 8;
}

}  // namespace

RawImage synthetic_xray(int width, int height, int channels, int bits, std::uint32_t seed) {
  RawImage img{width, height, channels, bits, {}};
  img.samples.resize(static_cast<std::size_t>(width) * height * channels);
  const double max = bits == 16 ? 65535.0 : 255.0;
  std::uint32_t state = seed * 2654435761u + 1;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const double u = (x + 0.5) / width - 0.5, v = (y + 0.5) / height - 0.5;
      // bright body, darker lungs, horizontal rib stripes, a little noise
      double value = 0.75 - 0.9 * (u * u + v * v);
      const double lung = std::exp(-((std::fabs(u) - 0.2) * (std::fabs(u) - 0.2) / 0.01 + v * v / 0.06));
      value -= 0.45 * lung;
      value += 0.08 * std::sin(v * 60.0) * lung;
      value += (static_cast<double>(next_random(state) % 1000) / 1000.0 - 0.5) * 0.06;
      value = value < 0 ? 0 : value > 1 ? 1 : value;
      for (int c = 0; c < channels; ++c) {
        double s = value;
        if (c == 3 || (channels == 2 && c == 1)) s = 0.5 + 0.5 * (x % 7) / 6.0;  // alpha
        else if (c == 1) s = value * 0.9;
        else if (c == 2) s = value * 0.8 + 0.1;
        img.at(x, y, c) = static_cast<std::uint16_t>(std::lround(s * max));
      }
    }
  }
  return img;
}

Bytes encode_png(const RawImage& img) {
  static const int kColorType[] = {0, 0, 4, 2, 6};
  return png_with(img, kColorType[img.channels], {});
}

Bytes encode_png_palette(const RawImage& gray8, bool transparent_zero) {
  Bytes palette;
  for (int i = 0; i < 256; ++i) {
    palette.insert(palette.end(), {static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(i),
                                   static_cast<std::uint8_t>(255 - i)});
  }
  std::vector<std::pair<const char*, Bytes>> extra = {{"PLTE", palette}};
  if (transparent_zero) extra.push_back({"tRNS", Bytes{0}});
  return png_with(gray8, 3, extra);
}

Bytes encode_png_gray_trns(const RawImage& gray, std::uint16_t transparent_value) {
  Bytes trns = {static_cast<std::uint8_t>(transparent_value >> 8), static_cast<std::uint8_t>(transparent_value)};
  return png_with(gray, 0, {{"tRNS", trns}});
}

Bytes encode_pnm(const RawImage& img, int max_value) {
  const std::string header = std::string(img.channels == 1 ? "P5" : "P6") + "\n# made by the tests\n" +
                             std::to_string(img.width) + " " + std::to_string(img.height) + "\n" +
                             std::to_string(max_value) + "\n";
  Bytes out(header.begin(), header.end());
  for (std::uint16_t v : img.samples) {
    if (max_value > 255) out.push_back(static_cast<std::uint8_t>(v >> 8));
    out.push_back(static_cast<std::uint8_t>(v));
  }
  return out;
}

Bytes encode_bmp(const RawImage& img) {
  const int bpp = img.channels == 1 ? 8 : img.channels * 8;
  const std::uint32_t stride = ((img.width * bpp + 31) / 32) * 4;
  const std::uint32_t palette = img.channels == 1 ? 256 * 4 : 0;
  const std::uint32_t offset = 14 + 40 + palette;
  Bytes out = {'B', 'M'};
  put_le32(out, offset + stride * img.height);
  put_le32(out, 0);
  put_le32(out, offset);
  put_le32(out, 40);
  put_le32(out, img.width);
  put_le32(out, img.height);
  put_le16(out, 1);
  put_le16(out, bpp);
  put_le32(out, 0);
  put_le32(out, stride * img.height);
  put_le32(out, 2835);
  put_le32(out, 2835);
  put_le32(out, img.channels == 1 ? 256 : 0);
  put_le32(out, 0);
  for (std::uint32_t i = 0; i < palette / 4; ++i) {
    out.insert(out.end(), {static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(i), 0});
  }
  for (int y = img.height - 1; y >= 0; --y) {
    const std::size_t row_start = out.size();
    for (int x = 0; x < img.width; ++x) {
      const std::size_t p = (static_cast<std::size_t>(y) * img.width + x) * img.channels;
      if (img.channels == 1) {
        out.push_back(static_cast<std::uint8_t>(img.samples[p]));
      } else {  // BGR(A)
        out.push_back(static_cast<std::uint8_t>(img.samples[p + 2]));
        out.push_back(static_cast<std::uint8_t>(img.samples[p + 1]));
        out.push_back(static_cast<std::uint8_t>(img.samples[p]));
        if (img.channels == 4) out.push_back(static_cast<std::uint8_t>(img.samples[p + 3]));
      }
    }
    while (out.size() - row_start < stride) out.push_back(0);
  }
  return out;
}

Bytes encode_jpeg(const RawImage& img, int quality) {
  std::vector<std::uint8_t> pixels(img.samples.begin(), img.samples.end());
  Bytes out;
  stbi_write_jpg_to_func(
      [](void* context, void* data, int size) {
        auto* bytes = static_cast<Bytes*>(context);
        bytes->insert(bytes->end(), static_cast<std::uint8_t*>(data), static_cast<std::uint8_t*>(data) + size);
      },
      &out, img.width, img.height, img.channels, pixels.data(), quality);
  return out;
}

bool write_bytes(const std::string& path, const Bytes& bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return false;
  const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  return std::fclose(f) == 0 && ok;
}

}  // namespace xray::test
