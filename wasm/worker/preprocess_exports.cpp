// The analysis worker's WASM (web/analysis_worker.js): one file's bytes through the trainer's own
// preprocessing (shared/), with no graphics, so that decoding and inference run beside the page's
// drawing instead of between its frames. The model input it returns is bit-identical to the
// trainer's and to `xray predict`'s: the same C++ with the same floating-point flags.
#include <emscripten/emscripten.h>

#include <chrono>
#include <cstdint>
#include <exception>
#include <new>
#include <string>
#include <vector>

#include "xray/decode.h"
#include "xray/gray.h"
#include "xray/image_probe.h"
#include "xray/model_card.h"
#include "xray/preprocess.h"
#include "xray/sha256.h"
#include "xray/preprocess_spec.h"
#include "xray/resize.h"

namespace {

xray::ModelCardEssentials g_card;
const xray::PreprocessSpec& g_spec = g_card.preprocess;
bool g_spec_set = false;
std::string g_last_error;
std::vector<float> g_tensor;
double g_decode_ms = 0, g_preprocess_ms = 0, g_colour_fraction = 0;
int g_source_width = 0, g_source_height = 0;
std::string g_source_format;
xray::GrayImage g_display;  // the shown file's picture, for the page to draw

double now_ms() { return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

// Display copy: at most 2048 pixels per side, enough for any screen and light on GPU memory.
xray::GrayImage for_display(const xray::GrayImage& gray) {
  const int longest = gray.width > gray.height ? gray.width : gray.height;
  if (longest <= 2048) return gray;
  const double s = 2048.0 / longest;
  return xray::resize_triangle(gray, static_cast<int>(gray.width * s + 0.5), static_cast<int>(gray.height * s + 0.5));
}

}  // namespace

extern "C" {

// model.json, read by the card reader the CLI uses too (xray/model_card.h); keeps its
// preprocessing spec. Returns 1, or 0 with the reason in xw_last_error().
EMSCRIPTEN_KEEPALIVE int xw_set_card(const char* card_json) {
  auto card = xray::read_model_card_essentials(card_json);
  if (!card) {
    g_last_error = "model/model.json: " + card.error().message;
    return 0;
  }
  g_card = *card;
  g_spec_set = true;
  return 1;
}

// SHA-256 of the bytes as hex (the shared library's), for pages served without a secure context,
// where crypto.subtle does not exist.
EMSCRIPTEN_KEEPALIVE const char* xw_sha256_hex(const std::uint8_t* bytes, int size) {
  static std::string hex;
  hex = xray::sha256_hex(bytes, static_cast<std::size_t>(size));
  return hex.c_str();
}

// The card's verdict on one file (xray/model_card.h, the rule `xray predict` applies):
// bit 0 out of distribution, bit 1 flagged for its colour, bit 2 the positive label
// (xw_label(1)). gate_runs: model.onnx computes the gate's score (xw_ood_output).
EMSCRIPTEN_KEEPALIVE int xw_verdict(double probability, double ood_score, double colour_fraction, int gate_runs) {
  const bool runs = gate_runs && g_card.has_ood_gate;
  const xray::GateVerdict g = xray::gate_verdict(runs, ood_score, g_card.ood_limit, colour_fraction, g_card.colour_limit);
  return (g.out_of_distribution ? 1 : 0) | (g.in_colour ? 2 : 0) | (probability >= g_card.threshold ? 4 : 0);
}
EMSCRIPTEN_KEEPALIVE const char* xw_label(int index) { return g_card.labels[index ? 1 : 0].c_str(); }
EMSCRIPTEN_KEEPALIVE int xw_has_ood_gate() { return g_card.has_ood_gate ? 1 : 0; }
EMSCRIPTEN_KEEPALIVE double xw_ood_limit() { return g_card.ood_limit; }
EMSCRIPTEN_KEEPALIVE const char* xw_ood_output() { return g_card.ood_output.c_str(); }

EMSCRIPTEN_KEEPALIVE int xw_model_width() { return g_spec.width; }
EMSCRIPTEN_KEEPALIVE int xw_model_height() { return g_spec.height; }

// Decodes and preprocesses a file. Returns the model input (1 x H x W floats, valid until the next
// call) or null, with the reason in xw_last_error(). display: keep a copy of the picture to show
// (xw_display_*). A failed allocation or any other exception becomes the file's error.
EMSCRIPTEN_KEEPALIVE const float* xw_preprocess(const std::uint8_t* bytes, int size, int display) {
  g_tensor = {};
  g_display = {};
  if (!g_spec_set) {
    g_last_error = "the model is not loaded yet";
    return nullptr;
  }
  try {
    const double t0 = now_ms();
    auto decoded = xray::decode_gray(bytes, static_cast<std::size_t>(size > 0 ? size : 0));
    const double t1 = now_ms();
    if (!decoded) {
      g_last_error = decoded.error().message;
      return nullptr;
    }
    g_colour_fraction = xray::colour_fraction(decoded->gray);
    const xray::GrayImage pixels = xray::resize_for_spec(decoded->gray, g_spec);
    g_tensor = xray::normalize(pixels, g_spec).data;
    g_decode_ms = t1 - t0;
    g_preprocess_ms = now_ms() - t1;
    g_source_width = decoded->info.width;
    g_source_height = decoded->info.height;
    g_source_format = xray::image_format_name(decoded->info.format);
    if (display) g_display = for_display(decoded->gray);
    return g_tensor.data();
  } catch (const std::bad_alloc&) {
    g_last_error = "not enough memory in this browser tab for this image";
  } catch (const std::exception& e) {
    g_last_error = std::string("internal error: ") + e.what();
  }
  g_tensor = {};
  g_display = {};
  return nullptr;
}

EMSCRIPTEN_KEEPALIVE const char* xw_last_error() { return g_last_error.c_str(); }
EMSCRIPTEN_KEEPALIVE int xw_tensor_size() { return static_cast<int>(g_tensor.size()); }
EMSCRIPTEN_KEEPALIVE double xw_decode_ms() { return g_decode_ms; }
EMSCRIPTEN_KEEPALIVE double xw_preprocess_ms() { return g_preprocess_ms; }
// The share of clearly coloured pixels (xray/gray.h), for the out-of-distribution gate.
EMSCRIPTEN_KEEPALIVE double xw_colour_fraction() { return g_colour_fraction; }
EMSCRIPTEN_KEEPALIVE int xw_source_width() { return g_source_width; }
EMSCRIPTEN_KEEPALIVE int xw_source_height() { return g_source_height; }
EMSCRIPTEN_KEEPALIVE const char* xw_source_format() { return g_source_format.c_str(); }
EMSCRIPTEN_KEEPALIVE const std::uint8_t* xw_display_pixels() { return g_display.pixels.data(); }
EMSCRIPTEN_KEEPALIVE int xw_display_width() { return g_display.width; }
EMSCRIPTEN_KEEPALIVE int xw_display_height() { return g_display.height; }

}  // extern "C"
