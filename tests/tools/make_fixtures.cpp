// make-fixtures DIR: writes the fixture images the bit-identity and CLI tests run on, every
// colour type and bit depth, sizes from 1x1 to 3000x2000, plus PGM/PPM sources from which
// tests/scripts/make_fixtures.sh makes grayscale and progressive JPEGs with cjpeg, and the bad
// inputs. Deterministic: the same files on every run.
#include <cstdio>
#include <string>

#include "image_writers.h"

using namespace xray::test;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make-fixtures DIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  int failures = 0;
  auto write = [&](const std::string& name, const Bytes& bytes) {
    if (!write_bytes(dir + "/" + name, bytes)) {
      std::fprintf(stderr, "make-fixtures: cannot write %s/%s\n", dir.c_str(), name.c_str());
      ++failures;
    }
  };

  std::uint32_t seed = 1;
  for (int channels = 1; channels <= 4; ++channels) {
    for (int bits : {8, 16}) {
      for (auto [w, h] : {std::pair{1, 1}, {37, 23}, {1600, 1300}}) {
        const RawImage img = synthetic_xray(w, h, channels, bits, seed++);
        write("png_c" + std::to_string(channels) + "_" + std::to_string(bits) + "bit_" + std::to_string(w) + "x" +
                  std::to_string(h) + ".png",
              encode_png(img));
      }
    }
  }
  write("png_rgb_8bit_3000x2000.png", encode_png(synthetic_xray(3000, 2000, 3, 8, seed++)));
  write("png_palette_trns_300x200.png", encode_png_palette(synthetic_xray(300, 200, 1, 8, seed++), true));
  write("png_gray_trns_300x200.png", encode_png_gray_trns(synthetic_xray(300, 200, 1, 8, seed++), 100));
  for (auto [w, h] : {std::pair{2, 3}, {1522, 1221}}) {
    const std::string size = std::to_string(w) + "x" + std::to_string(h);
    write("bmp_rgb_" + size + ".bmp", encode_bmp(synthetic_xray(w, h, 3, 8, seed++)));
    write("bmp_rgba_" + size + ".bmp", encode_bmp(synthetic_xray(w, h, 4, 8, seed++)));
    write("bmp_palette_" + size + ".bmp", encode_bmp(synthetic_xray(w, h, 1, 8, seed++)));
    write("pgm_8bit_" + size + ".pgm", encode_pnm(synthetic_xray(w, h, 1, 8, seed++), 255));
    write("pgm_16bit_" + size + ".pgm", encode_pnm(synthetic_xray(w, h, 1, 16, seed++), 65535));
    write("ppm_8bit_" + size + ".ppm", encode_pnm(synthetic_xray(w, h, 3, 8, seed++), 255));
    write("jpeg_rgb_q90_" + size + ".jpg", encode_jpeg(synthetic_xray(w, h, 3, 8, seed++), 90));
    write("jpeg_rgb_q97_" + size + ".jpg", encode_jpeg(synthetic_xray(w, h, 3, 8, seed++), 97));
  }
  // Sources for cjpeg (grayscale baseline, progressive gray and RGB).
  write("cjpeg_src_gray_1654x1320.pgm.src", encode_pnm(synthetic_xray(1654, 1320, 1, 8, seed++), 255));
  write("cjpeg_src_rgb_1200x900.ppm.src", encode_pnm(synthetic_xray(1200, 900, 3, 8, seed++), 255));
  write("cjpeg_src_gray_3000x2000.pgm.src", encode_pnm(synthetic_xray(3000, 2000, 1, 8, seed++), 255));

  // Bad inputs: each must be refused with a clear reason, the same natively and in WASM.
  const std::string html = "<!DOCTYPE html>\n<html><body>Not an X-ray</body></html>\n";
  write("bad_empty.jpeg", {});
  write("bad_html.jpeg", Bytes(html.begin(), html.end()));
  Bytes jpeg = encode_jpeg(synthetic_xray(200, 150, 3, 8, seed++), 90);
  write("bad_truncated.jpeg", Bytes(jpeg.begin(), jpeg.begin() + jpeg.size() / 2));
  Bytes png = encode_png(synthetic_xray(200, 150, 1, 8, seed++));
  write("bad_truncated.png", Bytes(png.begin(), png.begin() + png.size() - 50));
  Bytes huge = png;
  for (std::size_t at : {16u, 20u}) huge[at] = 0, huge[at + 1] = 0, huge[at + 2] = 50000 >> 8, huge[at + 3] = 50000 & 255;
  write("bad_50000x50000.png", huge);
  Bytes garbage = {0xFF, 0xD8, 0xFF, 0xE0};
  std::uint32_t state = 99;
  for (int i = 0; i < 2000; ++i) garbage.push_back(static_cast<std::uint8_t>((state = state * 1664525u + 1013904223u) >> 24));
  write("bad_garbage_after_marker.jpeg", garbage);
  write("bad_1x1.png", encode_png(RawImage{1, 1, 1, 8, {200}}));
  return failures ? 1 : 0;
}
