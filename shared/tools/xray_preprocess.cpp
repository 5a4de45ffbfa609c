// xray-preprocess [options] IMAGE OUT.f32
// The shared preprocessing from the command line. Built natively and with Emscripten (run under
// node); both builds take the same arguments and write the same bytes.
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "xray/file_io.h"
#include "xray/preprocess.h"

namespace {

const char* kUsage =
    "usage: xray-preprocess [options] IMAGE OUT.f32\n"
    "\n"
    "Decodes IMAGE (JPEG, PNG, BMP, PGM/PPM, DICOM), turns it into the model's input tensor and\n"
    "writes it to OUT.f32 as raw little-endian float32, channels x height x width (1 x H x W).\n"
    "\n"
    "options:\n"
    "  --spec FILE          preprocessing spec JSON, or a model.json holding one under \"preprocess\"\n"
    "                       (default: 224x224, stretch, mean 0.5, std 0.25)\n"
    "  --pgm FILE           also write the model-size 8-bit image as PGM, to look at\n"
    "  --max-megapixels N   refuse larger images (default 40)\n"
    "  --max-side N         refuse wider or taller images (default 30000)\n"
    "  --min-side N         refuse narrower or shorter images (default 16)\n"
    "  -h, --help           this text\n";

struct Options {
  std::string spec_path, pgm_path, image_path, out_path;
  xray::DecodeLimits limits;
};

int fail(const std::string& message, int status = 1) {
  std::fprintf(stderr, "xray-preprocess: %s\n", message.c_str());
  return status;
}

bool parse_number(const char* text, double& value) {
  char* end = nullptr;
  value = std::strtod(text, &end);
  return end != text && *end == '\0' && std::isfinite(value) && value > 0;
}

// Returns an empty string on success, else what is wrong with the command line.
std::string parse_args(int argc, char** argv, Options& o) {
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--spec" || arg == "--pgm" || arg == "--max-megapixels" || arg == "--max-side" ||
        arg == "--min-side") {
      const char* v = i + 1 < argc ? argv[++i] : nullptr;
      if (!v) return arg + " needs a value";
      double n = 0;
      if (arg == "--spec") {
        o.spec_path = v;
      } else if (arg == "--pgm") {
        o.pgm_path = v;
      } else if (!parse_number(v, n)) {
        return arg + " needs a positive number, got \"" + v + "\"";
      } else if (arg == "--max-megapixels") {
        o.limits.max_pixels = static_cast<std::int64_t>(n * 1e6);
      } else if (n > 1e9) {
        return arg + " is too large";
      } else if (arg == "--max-side") {
        o.limits.max_side = static_cast<int>(n);
      } else {
        o.limits.min_side = static_cast<int>(n);
      }
    } else if (arg.size() > 1 && arg[0] == '-') {
      return "unknown option " + arg;
    } else {
      positional.push_back(arg);
    }
  }
  if (positional.size() != 2) return "expected IMAGE and OUT.f32";
  o.image_path = positional[0];
  o.out_path = positional[1];
  return "";
}

std::vector<std::uint8_t> little_endian_bytes(const std::vector<float>& values) {
  std::vector<std::uint8_t> out(values.size() * 4);
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::uint32_t bits;
    std::memcpy(&bits, &values[i], 4);
    for (int b = 0; b < 4; ++b) out[4 * i + b] = static_cast<std::uint8_t>(bits >> (8 * b));
  }
  return out;
}

std::string pgm_bytes(const xray::GrayImage& img) {
  std::string out = "P5\n" + std::to_string(img.width) + " " + std::to_string(img.height) + "\n255\n";
  out.append(reinterpret_cast<const char*>(img.pixels.data()), img.pixels.size());
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "-h") || !std::strcmp(argv[i], "--help")) {
      std::fputs(kUsage, stdout);
      return 0;
    }
  }
  Options o;
  const std::string usage_error = parse_args(argc, argv, o);
  if (!usage_error.empty()) return fail(usage_error + "\n\n" + kUsage, 2);

  xray::PreprocessSpec spec;
  if (!o.spec_path.empty()) {
    auto text = xray::read_file(o.spec_path);
    if (!text) return fail(text.error().message);
    auto parsed = xray::spec_from_json(std::string(text->begin(), text->end()));
    if (!parsed) return fail(o.spec_path + ": " + parsed.error().message);
    spec = *parsed;
  }

  auto bytes = xray::read_file(o.image_path);
  if (!bytes) return fail(bytes.error().message);
  const auto start = std::chrono::steady_clock::now();
  auto pixels = xray::preprocess_pixels(bytes->data(), bytes->size(), spec, o.limits);
  if (!pixels) return fail(o.image_path + ": " + pixels.error().message);
  const xray::Tensor tensor = xray::normalize(pixels->pixels, spec);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();

  const std::vector<std::uint8_t> raw = little_endian_bytes(tensor.data);
  auto written = xray::write_file_atomic(o.out_path, raw.data(), raw.size());
  if (!written) return fail(written.error().message);
  if (!o.pgm_path.empty()) {
    const std::string pgm = pgm_bytes(pixels->pixels);
    auto ok = xray::write_file_atomic(o.pgm_path, pgm.data(), pgm.size());
    if (!ok) return fail(ok.error().message);
  }

  const xray::ImageInfo& src = pixels->source;
  double lo = tensor.data[0], hi = tensor.data[0], sum = 0;
  for (float v : tensor.data) {
    lo = v < lo ? v : lo;
    hi = v > hi ? v : hi;
    sum += v;
  }
  std::printf("%s: %s %dx%d, %d channel%s, %d-bit%s\n", o.image_path.c_str(),
              xray::image_format_name(src.format), src.width, src.height, src.channels,
              src.channels == 1 ? "" : "s", src.bits_per_channel, src.progressive ? ", progressive" : "");
  std::printf("preprocess (spec v%d): gray BT.601, %s to %dx%d (triangle filter), (p/255 - %g) / %g\n",
              spec.version, xray::resize_rule_name(spec.resize), spec.width, spec.height, spec.mean,
              spec.std);
  std::printf("tensor: 1x%dx%d float32, min %.4f, max %.4f, mean %.4f, in %.1f ms\n", tensor.height,
              tensor.width, lo, hi, sum / tensor.data.size(), ms);
  std::printf("wrote %s (%zu bytes)\n", o.out_path.c_str(), raw.size());
  return 0;
}
