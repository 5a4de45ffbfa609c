// The functions the page's JavaScript calls. JS owns the file bytes and ONNX Runtime Web; C++
// owns decoding and preprocessing (the same code as the trainer) and everything on screen.
#include <emscripten/emscripten.h>

#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include "app_state.h"
#include "xray/gray.h"
#include "xray/preprocess.h"
#include "xray/resize.h"

namespace {

using xray::app::state;

std::string g_last_error;
std::vector<float> g_tensor;
double g_decode_ms = 0, g_preprocess_ms = 0, g_colour_fraction = 0;

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

// Input events from the page (pointer, wheel, keys) wake the render loop.
EMSCRIPTEN_KEEPALIVE void xray_wake() { xray::app::request_frames(); }

// Returns 1 when the card is usable; otherwise the page says why.
EMSCRIPTEN_KEEPALIVE int xray_set_model_card(const char* json) {
  auto info = xray::app::parse_model_card(json);
  if (!info) {
    state().status = "The model card could not be read: " + info.error().message;
    state().status_error = true;
    return 0;
  }
  state().model = std::move(*info);
  xray::app::request_frames();
  return 1;
}

// The model as the app understood the card (defaults applied, checked): the page uses these
// rather than reading model.json a second way.
EMSCRIPTEN_KEEPALIVE int xray_model_width() { return state().model.spec.width; }
EMSCRIPTEN_KEEPALIVE int xray_model_height() { return state().model.spec.height; }
EMSCRIPTEN_KEEPALIVE double xray_model_threshold() { return state().model.threshold; }
EMSCRIPTEN_KEEPALIVE const char* xray_model_label(int positive) { return state().model.labels[positive ? 1 : 0].c_str(); }
// The gate's limit (NaN when the card has no usable one) and the ONNX output that carries the score.
EMSCRIPTEN_KEEPALIVE double xray_model_ood_limit() { return state().model.ood.usable ? state().model.ood.limit : std::nan(""); }
EMSCRIPTEN_KEEPALIVE const char* xray_model_ood_output() { return state().model.ood.output.c_str(); }

// The page tells whether model.onnx has the gate's output, so the panel does not claim a gate
// that cannot run.
EMSCRIPTEN_KEEPALIVE void xray_set_ood_in_onnx(int present) {
  state().model.ood.in_onnx = present != 0;
  xray::app::build_panel(state().model);
  xray::app::request_frames();
}

// The model panel's lines as a JSON array of strings (window.xray.modelPanel): the canvas has no
// DOM text, and scripts and tests should read what is drawn.
EMSCRIPTEN_KEEPALIVE const char* xray_model_panel() {
  static std::string json;
  json = xray::app::panel_json(state().model);
  return json.c_str();
}

EMSCRIPTEN_KEEPALIVE void xray_set_status(const char* text, int is_error) {
  xray::app::request_frames();
  state().status = text;
  state().status_error = is_error != 0;
}

EMSCRIPTEN_KEEPALIVE void xray_set_drag_hover(int hover) {
  state().drag_hover = hover != 0;
  xray::app::request_frames();
}

// Decodes and preprocesses a dropped file. Returns the model input (1 x H x W floats, valid
// until the next call) or null, with the reason in xray_last_error().
EMSCRIPTEN_KEEPALIVE const float* xray_preprocess(const std::uint8_t* bytes, int size, const char* name) {
  auto& s = state();
  if (!s.model.loaded) {
    g_last_error = "the model is not loaded yet";
    return nullptr;
  }
  s.drag_hover = false;  // the drop ended the drag; the result's frames will show it
  const double t0 = now_ms();
  auto decoded = xray::decode_gray(bytes, static_cast<std::size_t>(size > 0 ? size : 0));
  const double t1 = now_ms();
  if (!decoded) {
    g_last_error = decoded.error().message;  // the page reports it (JS calls xray_report_error)
    return nullptr;
  }
  g_colour_fraction = xray::colour_fraction(decoded->gray);
  const xray::GrayImage pixels = xray::resize_for_spec(decoded->gray, s.model.spec);
  g_tensor = xray::normalize(pixels, s.model.spec).data;
  const double t2 = now_ms();
  g_decode_ms = t1 - t0;
  g_preprocess_ms = t2 - t1;

  s.file_name = name;
  s.source_width = decoded->info.width;
  s.source_height = decoded->info.height;
  s.source_format = xray::image_format_name(decoded->info.format);
  xray::app::upload_gray(s.image, for_display(decoded->gray));
  s.result = {};
  return g_tensor.data();
}

EMSCRIPTEN_KEEPALIVE const char* xray_last_error() { return g_last_error.c_str(); }
EMSCRIPTEN_KEEPALIVE double xray_decode_ms() { return g_decode_ms; }
EMSCRIPTEN_KEEPALIVE double xray_preprocess_ms() { return g_preprocess_ms; }
EMSCRIPTEN_KEEPALIVE int xray_tensor_size() { return static_cast<int>(g_tensor.size()); }
// The last preprocessed file's share of coloured pixels (xray/gray.h), for window.xray.
EMSCRIPTEN_KEEPALIVE double xray_colour_fraction() { return g_colour_fraction; }
// 1 when the last result was flagged for its colour (rather than its score).
EMSCRIPTEN_KEEPALIVE int xray_result_in_colour() { return state().result.in_colour ? 1 : 0; }

// ood_score and ood_limit are NaN when the model has no gate. Returns 1 when the file is flagged
// as out of distribution: score above the limit, or no usable score although there is a gate, or
// (with a gate) more coloured pixels than the card's colour_limit allows.
EMSCRIPTEN_KEEPALIVE int xray_show_result(float probability, const float* cam, int cam_height, int cam_width, double inference_ms,
                                          double ood_score, double ood_limit) {
  auto& s = state();
  xray::app::request_frames();
  s.result.valid = true;
  s.result.ood_score = ood_score;
  s.result.ood_limit = ood_limit;
  s.result.colour_fraction = g_colour_fraction;
  // "In colour" is the reason only when the score alone would have passed the image.
  s.result.in_colour = !std::isnan(ood_limit) && g_colour_fraction > s.model.ood.colour_limit && ood_score <= ood_limit;
  s.result.out_of_distribution = !std::isnan(ood_limit) && (!(ood_score <= ood_limit) || s.result.in_colour);
  s.result.show_anyway = false;
  s.result.probability = probability;
  s.result.label = s.model.labels[probability >= s.model.threshold ? 1 : 0];
  s.result.decode_ms = g_decode_ms;
  s.result.preprocess_ms = g_preprocess_ms;
  s.result.inference_ms = inference_ms;
  if (cam && cam_height > 0 && cam_width > 0) {
    xray::app::upload_heatmap(s.heatmap, std::vector<float>(cam, cam + cam_height * cam_width), cam_width, cam_height);
  }
  return s.result.out_of_distribution ? 1 : 0;
}

EMSCRIPTEN_KEEPALIVE void xray_report_error(const char* message) {
  state().post(message, true);
  xray::app::request_frames();
}

}  // extern "C"
