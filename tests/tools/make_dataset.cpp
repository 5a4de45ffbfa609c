// make-dataset DIR [PER_CLASS] [SIZE]: a small data set in the Kaggle layout, for trainer tests:
//   DIR/train/{NORMAL,PNEUMONIA}/..., DIR/test/{NORMAL,PNEUMONIA}/...
// PNEUMONIA images carry a bright, blurry opacity over one lung, so a small CNN can learn the
// difference in seconds. File names follow the real set's patient-id patterns, several images
// per patient. Junk is mixed in the way real downloads have it: .DS_Store, a zero-byte .jpeg, an
// HTML page named .jpeg, a notes file, a checkpoints folder, and an empty val/ split.
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "image_writers.h"

using namespace xray::test;
namespace fs = std::filesystem;

namespace {

RawImage make_image(int size, bool pneumonia, std::uint32_t seed) {
  RawImage img = synthetic_xray(size, size, 3, 8, seed);
  if (!pneumonia) return img;
  const double cx = (seed % 2 ? 0.3 : 0.7) * size, cy = (0.4 + 0.01 * (seed % 20)) * size, r = 0.16 * size;
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      const double d2 = ((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (r * r);
      const double add = 110.0 * std::exp(-d2);
      for (int c = 0; c < 3; ++c) img.at(x, y, c) = static_cast<std::uint16_t>(std::min(255.0, img.at(x, y, c) + add));
    }
  }
  return img;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: make-dataset DIR [PER_CLASS] [SIZE]\n");
    return 2;
  }
  const fs::path root = argv[1];
  const int per_class = argc > 2 ? std::atoi(argv[2]) : 40;
  const int size = argc > 3 ? std::atoi(argv[3]) : 64;
  std::uint32_t seed = 1;
  int failures = 0;
  for (const char* split : {"train", "test"}) {
    const int count = std::string(split) == "train" ? per_class : std::max(4, per_class / 2);
    for (const char* label : {"NORMAL", "PNEUMONIA"}) {
      const fs::path dir = root / split / label;
      fs::create_directories(dir);
      const bool pneumonia = std::string(label) == "PNEUMONIA";
      for (int i = 0; i < count; ++i) {
        const int patient = (std::string(split) == "train" ? 0 : 5000) + i / 3;  // three images per patient
        const std::string name = pneumonia ? "person" + std::to_string(patient) + "_bacteria_" + std::to_string(i) + ".jpeg"
                                           : "IM-" + std::to_string(1000 + patient) + "-000" + std::to_string(i % 3 + 1) + ".jpeg";
        if (!write_bytes((dir / name).string(), encode_jpeg(make_image(size, pneumonia, seed++), 92))) ++failures;
      }
    }
  }
  const std::string html = "<!DOCTYPE html><html><body>Rate limit exceeded</body></html>\n";
  const fs::path junk = root / "train" / "NORMAL";
  write_bytes((junk / ".DS_Store").string(), Bytes{0, 0, 0, 1, 'B', 'u', 'd', '1'});
  write_bytes((junk / "IM-9999-0001.jpeg").string(), Bytes{});
  write_bytes((root / "train" / "PNEUMONIA" / "person9999_virus_1.jpeg").string(), Bytes(html.begin(), html.end()));
  write_bytes((junk / "notes.txt").string(), Bytes{'h', 'i', '\n'});
  fs::create_directories(junk / ".ipynb_checkpoints");
  write_bytes((junk / ".ipynb_checkpoints" / "IM-0001-0001-checkpoint.jpeg").string(), Bytes{1, 2, 3});
  fs::create_directories(root / "val" / "NORMAL");
  fs::create_directories(root / "val" / "PNEUMONIA");
  return failures ? 1 : 0;
}
