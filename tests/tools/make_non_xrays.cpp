// make-non-xrays DIR [PER_KIND] [XRAY...]: pictures that are not chest X-rays, for testing the
// out-of-distribution gate. Made procedurally (nothing downloaded, nothing from the data set):
//   gradient, blocks, noise, colour_noise, checkerboard, document (glyph-like text on white),
//   screenshot (windows, title bars, text), photo (sky, ground, coloured blobs)
// PER_KIND variants of each (default 6), sizes from 320x240 to 1280x960, PNG and JPEG.
// With XRAY files: DIR/transformed/ gets each one rotated 90 degrees, upside down and inverted
// (negative), the cases a user may produce by accident; the test reports what the gate does
// with them.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>

#include "image_writers.h"
#include "xray/decode.h"
#include "xray/file_io.h"

using namespace xray::test;
namespace fs = std::filesystem;

namespace {

struct Rgb {
  double r, g, b;
};

RawImage blank(int w, int h) {
  RawImage img;
  img.width = w, img.height = h, img.channels = 3, img.bits = 8;
  img.samples.assign(static_cast<std::size_t>(w) * h * 3, 0);
  return img;
}

void put(RawImage& img, int x, int y, Rgb c) {
  if (x < 0 || y < 0 || x >= img.width || y >= img.height) return;
  img.at(x, y, 0) = static_cast<std::uint16_t>(std::clamp(c.r, 0.0, 255.0));
  img.at(x, y, 1) = static_cast<std::uint16_t>(std::clamp(c.g, 0.0, 255.0));
  img.at(x, y, 2) = static_cast<std::uint16_t>(std::clamp(c.b, 0.0, 255.0));
}

void rect(RawImage& img, int x0, int y0, int w, int h, Rgb c) {
  for (int y = y0; y < y0 + h; ++y)
    for (int x = x0; x < x0 + w; ++x) put(img, x, y, c);
}

Rgb random_colour(std::mt19937& rng) {
  std::uniform_real_distribution<double> u(0, 255);
  return {u(rng), u(rng), u(rng)};
}

// Lines of glyph-like 5x7 bitmaps: reads as text from a distance, which is all a 128 px model sees.
void text_lines(RawImage& img, std::mt19937& rng, int x0, int y0, int w, int h, int glyph, Rgb ink) {
  std::bernoulli_distribution on(0.45), space(0.18);
  for (int y = y0; y + 8 * glyph <= y0 + h; y += 11 * glyph) {
    const int line_end = x0 + static_cast<int>(w * std::uniform_real_distribution<double>(0.5, 1.0)(rng));
    for (int x = x0; x + 6 * glyph <= line_end; x += 6 * glyph) {
      if (space(rng)) continue;
      for (int gy = 0; gy < 7; ++gy)
        for (int gx = 0; gx < 5; ++gx)
          if (on(rng)) rect(img, x + gx * glyph, y + gy * glyph, glyph, glyph, ink);
    }
  }
}

RawImage make(const std::string& kind, int w, int h, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  RawImage img = blank(w, h);
  if (kind == "gradient") {
    const Rgb a = random_colour(rng), b = random_colour(rng);
    const double angle = u(rng) * M_PI;
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        const double t = std::clamp(0.5 + ((x - w / 2.0) * std::cos(angle) + (y - h / 2.0) * std::sin(angle)) / std::max(w, h), 0.0, 1.0);
        put(img, x, y, {a.r + t * (b.r - a.r), a.g + t * (b.g - a.g), a.b + t * (b.b - a.b)});
      }
  } else if (kind == "blocks") {
    rect(img, 0, 0, w, h, random_colour(rng));
    for (int i = 0; i < 12; ++i) rect(img, int(u(rng) * w), int(u(rng) * h), int(u(rng) * w / 2), int(u(rng) * h / 2), random_colour(rng));
  } else if (kind == "noise" || kind == "colour_noise") {
    std::normal_distribution<double> n(128, 60);
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        const double v = n(rng);
        put(img, x, y, kind == "noise" ? Rgb{v, v, v} : Rgb{v, n(rng), n(rng)});
      }
  } else if (kind == "checkerboard") {
    const int cell = 8 + static_cast<int>(u(rng) * 56);
    const Rgb a = random_colour(rng), b = u(rng) < 0.5 ? Rgb{255, 255, 255} : Rgb{0, 0, 0};
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) put(img, x, y, ((x / cell + y / cell) % 2) ? a : b);
  } else if (kind == "document") {
    rect(img, 0, 0, w, h, {250, 250, 246});
    const int glyph = 1 + static_cast<int>(u(rng) * 3);
    rect(img, w / 12, h / 14, w * 5 / 6, 3 * glyph * 4, {20, 20, 30});  // a heading
    text_lines(img, rng, w / 12, h / 14 + 20 * glyph, w * 5 / 6, h * 5 / 6, glyph, {25, 25, 35});
  } else if (kind == "screenshot") {
    rect(img, 0, 0, w, h, random_colour(rng));  // desktop
    for (int i = 0; i < 3; ++i) {
      const int x = int(u(rng) * w / 3), y = int(u(rng) * h / 3), ww = w / 3 + int(u(rng) * w / 2), hh = h / 3 + int(u(rng) * h / 2);
      rect(img, x, y, ww, hh, {236, 236, 236});
      rect(img, x, y, ww, 22, {60, 90, 160});  // title bar
      text_lines(img, rng, x + 10, y + 32, ww - 20, hh - 40, 1, {30, 30, 30});
    }
  } else if (kind == "photo") {
    const Rgb sky{90 + u(rng) * 60, 140 + u(rng) * 60, 200 + u(rng) * 55}, ground{60 + u(rng) * 60, 90 + u(rng) * 60, 30 + u(rng) * 40};
    const double horizon = h * (0.4 + 0.3 * u(rng));
    std::normal_distribution<double> grain(0, 8);
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        const Rgb c = y < horizon ? sky : ground;
        const double shade = y < horizon ? 1 - 0.3 * y / horizon : 0.7 + 0.3 * (y - horizon) / (h - horizon);
        put(img, x, y, {c.r * shade + grain(rng), c.g * shade + grain(rng), c.b * shade + grain(rng)});
      }
    for (int i = 0; i < 6; ++i) {  // trees, people, cars: soft coloured blobs
      const double cx = u(rng) * w, cy = horizon + (u(rng) - 0.3) * h * 0.3, r = (0.05 + 0.12 * u(rng)) * std::min(w, h);
      const Rgb c = random_colour(rng);
      for (int y = int(cy - r); y < cy + r; ++y)
        for (int x = int(cx - r); x < cx + r; ++x)
          if ((x - cx) * (x - cx) + (y - cy) * (y - cy) < r * r) put(img, x, y, c);
    }
  }
  return img;
}

// Gray pixels of an X-ray file, decoded by the shared library.
bool transformed(const std::string& path, const fs::path& out_dir) {
  auto bytes = xray::read_file(path);
  if (!bytes) return false;
  auto decoded = xray::decode_gray(bytes->data(), bytes->size());
  if (!decoded) return false;
  const xray::GrayImage& g = decoded->gray;
  const std::string stem = fs::path(path).stem().string();
  auto emit = [&](const std::string& suffix, int w, int h, auto pixel) {
    RawImage img;
    img.width = w, img.height = h, img.channels = 1, img.bits = 8;
    img.samples.resize(static_cast<std::size_t>(w) * h);
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) img.at(x, y, 0) = pixel(x, y);
    return write_bytes((out_dir / (stem + "_" + suffix + ".png")).string(), encode_png(img));
  };
  const int w = g.width, h = g.height;
  auto at = [&](int x, int y) { return static_cast<std::uint16_t>(g.pixels[static_cast<std::size_t>(y) * w + x]); };
  return emit("rotated90", h, w, [&](int x, int y) { return at(y, h - 1 - x); }) &&
         emit("upside_down", w, h, [&](int x, int y) { return at(x, h - 1 - y); }) &&
         emit("inverted", w, h, [&](int x, int y) { return static_cast<std::uint16_t>(255 - at(x, y)); });
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return std::fprintf(stderr, "usage: make-non-xrays DIR [PER_KIND] [XRAY...]\n"), 2;
  const fs::path root = argv[1];
  const int per_kind = argc > 2 ? std::max(1, std::atoi(argv[2])) : 6;
  fs::create_directories(root / "synthetic");
  const char* kinds[] = {"gradient", "blocks", "noise", "colour_noise", "checkerboard", "document", "screenshot", "photo"};
  const int sizes[][2] = {{320, 240}, {640, 480}, {800, 600}, {512, 512}, {1024, 768}, {1280, 960}, {600, 800}};
  int written = 0;
  std::uint32_t seed = 1;
  for (const char* kind : kinds) {
    for (int i = 0; i < per_kind; ++i, ++seed) {
      const auto& size = sizes[(seed * 7) % (sizeof sizes / sizeof sizes[0])];
      const RawImage img = make(kind, size[0], size[1], seed);
      const bool jpeg = i % 2 == 1;
      const std::string name = std::string(kind) + "_" + std::to_string(i) + (jpeg ? ".jpg" : ".png");
      if (!write_bytes((root / "synthetic" / name).string(), jpeg ? encode_jpeg(img, 90) : encode_png(img))) {
        return std::fprintf(stderr, "make-non-xrays: cannot write %s\n", name.c_str()), 1;
      }
      ++written;
    }
  }
  int xrays = 0;
  if (argc > 3) fs::create_directories(root / "transformed");
  for (int i = 3; i < argc; ++i) xrays += transformed(argv[i], root / "transformed");
  std::printf("make-non-xrays: %d synthetic images in %s/synthetic", written, root.string().c_str());
  if (argc > 3) std::printf(", %d X-rays x 3 transforms in %s/transformed", xrays, root.string().c_str());
  std::printf("\n");
  return 0;
}
