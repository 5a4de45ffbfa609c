// The functions the page's JavaScript calls. JS owns the file bytes and ONNX Runtime Web; C++
// owns decoding and preprocessing (the same code as the trainer) and everything on screen.
#include <emscripten/emscripten.h>

#include <chrono>
#include <exception>
#include <new>
#include <cmath>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

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

struct Gate {
  bool out_of_distribution = false, in_colour = false;
};

Gate gate(double ood_score, double ood_limit) {
  Gate g;
  // "In colour" is the reason only when the score alone would have passed the image.
  g.in_colour = !std::isnan(ood_limit) && g_colour_fraction > state().model.ood.colour_limit && ood_score <= ood_limit;
  g.out_of_distribution = !std::isnan(ood_limit) && (!(ood_score <= ood_limit) || g.in_colour);
  return g;
}

// A new file takes the place above the table: nothing of the previous one stays. No frame is
// asked for here: the file's result or error follows within milliseconds, and a frame drawn in
// between (tens of milliseconds with software WebGL) would only delay it.
void begin_showing(const char* name) {
  auto& s = state();
  s.file_name = name;
  s.shown_error.clear();
  s.has_image = false;
  s.result = {};
}

}  // namespace

extern "C" {

// Input events from the page (pointer, wheel, keys) wake the render loop.
EMSCRIPTEN_KEEPALIVE void xray_wake() { xray::app::request_input_frames(); }

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

// Decodes and preprocesses a file. Returns the model input (1 x H x W floats, valid until the next
// call) or null, with the reason in xray_last_error(). show: this file becomes the one shown above
// the table; whatever was shown is cleared first, so a file that fails never appears with another
// file's picture or verdict. A failed allocation or any other exception becomes the file's error;
// the app keeps working for the next file.
EMSCRIPTEN_KEEPALIVE const float* xray_preprocess(const std::uint8_t* bytes, int size, const char* name, int show) {
  auto& s = state();
  if (!s.model.loaded) {
    g_last_error = "the model is not loaded yet";
    return nullptr;
  }
  s.drag_hover = false;  // the drop ended the drag; the result's frames will show it
  if (show) begin_showing(name);
  try {
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
    if (show) {
      s.source_width = decoded->info.width;
      s.source_height = decoded->info.height;
      s.source_format = xray::image_format_name(decoded->info.format);
      xray::app::upload_gray(s.image, for_display(decoded->gray));
      s.has_image = true;
    }
    return g_tensor.data();
  } catch (const std::bad_alloc&) {
    g_last_error = "not enough memory in this browser tab for this image";
  } catch (const std::exception& e) {
    g_last_error = std::string("internal error: ") + e.what();
  }
  g_tensor = {};
  return nullptr;
}

// The shown file could not be analysed (unreadable, too large, not an image): its name and the
// reason replace whatever was shown.
EMSCRIPTEN_KEEPALIVE void xray_show_error(const char* name, const char* message) {
  begin_showing(name);
  state().shown_error = message;
  xray::app::request_input_frames();  // the shown file: at once, also while the queue works
}

// What is shown above the table, as JSON, for scripts and tests: {"file", "image", "error", "result"}.
EMSCRIPTEN_KEEPALIVE const char* xray_shown() {
  static std::string json;
  const auto& s = state();
  json = nlohmann::json{{"file", s.file_name}, {"image", s.has_image}, {"error", s.shown_error}, {"result", s.result.valid}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return json.c_str();
}

EMSCRIPTEN_KEEPALIVE const char* xray_last_error() { return g_last_error.c_str(); }
EMSCRIPTEN_KEEPALIVE double xray_decode_ms() { return g_decode_ms; }
EMSCRIPTEN_KEEPALIVE double xray_preprocess_ms() { return g_preprocess_ms; }
EMSCRIPTEN_KEEPALIVE int xray_tensor_size() { return static_cast<int>(g_tensor.size()); }
// The last preprocessed file's share of coloured pixels (xray/gray.h), for window.xray.
EMSCRIPTEN_KEEPALIVE double xray_colour_fraction() { return g_colour_fraction; }
// The gate's verdict on the last preprocessed file: bit 0 flagged as out of distribution (score
// above the limit, or no usable score although there is a gate, or, with a gate, more coloured
// pixels than the card's colour_limit allows), bit 1 flagged because of its colour. ood_score and
// ood_limit are NaN when the model has no gate.
EMSCRIPTEN_KEEPALIVE int xray_gate_flags(double ood_score, double ood_limit) {
  const Gate g = gate(ood_score, ood_limit);
  return (g.out_of_distribution ? 1 : 0) | (g.in_colour ? 2 : 0);
}

// Shows the last preprocessed file's result (preprocessed with show = 1). Returns its gate flags
// as xray_gate_flags does.
EMSCRIPTEN_KEEPALIVE int xray_show_result(float probability, const float* cam, int cam_height, int cam_width, double inference_ms,
                                          double ood_score, double ood_limit) {
  auto& s = state();
  xray::app::request_input_frames();  // the shown file: at once, also while the queue works
  const Gate g = gate(ood_score, ood_limit);
  s.result.valid = true;
  s.result.ood_score = ood_score;
  s.result.ood_limit = ood_limit;
  s.result.colour_fraction = g_colour_fraction;
  s.result.in_colour = g.in_colour;
  s.result.out_of_distribution = g.out_of_distribution;
  s.result.show_anyway = false;
  s.result.probability = probability;
  s.result.label = s.model.labels[probability >= s.model.threshold ? 1 : 0];
  s.result.decode_ms = g_decode_ms;
  s.result.preprocess_ms = g_preprocess_ms;
  s.result.inference_ms = inference_ms;
  if (cam && cam_height > 0 && cam_width > 0) {
    xray::app::upload_heatmap(s.heatmap, std::vector<float>(cam, cam + cam_height * cam_width), cam_width, cam_height);
  }
  return xray_gate_flags(ood_score, ood_limit);
}

EMSCRIPTEN_KEEPALIVE void xray_report_error(const char* message) {
  state().post(message, true);
  xray::app::request_frames();
}

}  // extern "C"
