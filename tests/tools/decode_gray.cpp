// decode-gray [--raw] OUT_DIR FILE...: decodes each FILE at full size with the shared library and
// writes OUT_DIR/NAME.pgm (the 8-bit gray image preprocessing starts from). With --raw, DICOM files
// also give OUT_DIR/NAME.raw.pgm: the first frame's samples as stored, 16-bit, before any window
// (colour samples side by side, width x samples). One line per file on stdout: "NAME<TAB>ok<TAB>
// WxH<TAB>FORMAT" or "NAME<TAB>CODE<TAB>MESSAGE". Built natively and in WASM; the DICOM tests
// compare its images with pydicom and dcmtk, and the two builds with each other.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "dicom.h"
#include "xray/decode.h"
#include "xray/file_io.h"

namespace {

bool write_pgm(const std::string& path, int width, int height, int max_value, const std::vector<std::uint8_t>& body) {
  const std::string header = "P5\n" + std::to_string(width) + " " + std::to_string(height) + "\n" +
                             std::to_string(max_value) + "\n";
  std::vector<std::uint8_t> bytes(header.begin(), header.end());
  bytes.insert(bytes.end(), body.begin(), body.end());
  return xray::write_file_atomic(path, bytes.data(), bytes.size()).ok();
}

bool write_raw(const std::string& path, const std::vector<std::uint8_t>& file_bytes) {
  auto file = xray::parse_dicom(file_bytes.data(), file_bytes.size());
  if (!file || file->syntax.encoding == xray::PixelEncoding::kJpegBaseline) return true;
  auto samples = xray::decode_first_frame(*file);
  if (!samples) return false;
  std::vector<std::uint8_t> body;
  for (std::uint16_t v : samples->values) {
    body.push_back(static_cast<std::uint8_t>(v >> 8));  // PGM: big endian
    body.push_back(static_cast<std::uint8_t>(v & 0xFF));
  }
  return write_pgm(path, samples->width * samples->samples_per_pixel, samples->height, 65535, body);
}

}  // namespace

int main(int argc, char** argv) {
  int first = 1;
  const bool raw = argc > 1 && !std::strcmp(argv[1], "--raw");
  if (raw) ++first;
  if (argc - first < 1) {
    std::fprintf(stderr, "usage: decode-gray [--raw] OUT_DIR FILE...\n");
    return 2;
  }
  const std::string out = argv[first++];
  xray::DecodeLimits limits;
  limits.min_side = 1;
  int failures = 0;
  for (int i = first; i < argc; ++i) {
    const std::string path = argv[i];
    const std::string name = path.substr(path.find_last_of('/') + 1);
    auto bytes = xray::read_file(path);
    if (!bytes) {
      std::printf("%s\tio\t%s\n", name.c_str(), bytes.error().message.c_str());
      continue;
    }
    auto decoded = xray::decode_gray(bytes->data(), bytes->size(), limits);
    if (!decoded) {
      std::printf("%s\t%s\t%s\n", name.c_str(), xray::error_code_name(decoded.error().code),
                  decoded.error().message.c_str());
      continue;
    }
    const xray::GrayImage& g = decoded->gray;
    bool written = write_pgm(out + "/" + name + ".pgm", g.width, g.height, 255, g.pixels);
    if (raw && decoded->info.format == xray::ImageFormat::kDicom) written &= write_raw(out + "/" + name + ".raw.pgm", *bytes);
    if (!written) ++failures;
    std::printf("%s\tok\t%dx%d\t%s\n", name.c_str(), g.width, g.height, xray::image_format_name(decoded->info.format));
  }
  return failures ? 1 : 0;
}
