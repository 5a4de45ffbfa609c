// The functions the page's JavaScript calls. JS owns the files; the analysis worker decodes,
// preprocesses (the same C++ as the trainer, built as xray-worker.wasm) and runs ONNX Runtime Web;
// this app owns everything on screen.
#include <emscripten/emscripten.h>

#include <cmath>
#include <cstdint>
#include <new>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app_state.h"
#include "xray/image.h"
#include "xray/model_card.h"

namespace {

using xray::app::state;

// ood_limit NaN: the gate does not run (no gate, or model.onnx lacks its output).
xray::GateVerdict gate(double ood_score, double ood_limit, double colour_fraction) {
  return xray::gate_verdict(!std::isnan(ood_limit), ood_score, ood_limit, colour_fraction, state().model.ood.colour_limit);
}

// A new file takes the place above the table: nothing of the previous one stays. The frame is
// asked for by the result or the error that follows at once.
void begin_showing(const char* name) {
  auto& s = state();
  s.file_name = name;
  s.drag_hover = false;  // the drop ended the drag
  s.shown_error.clear();
  s.has_image = false;
  s.has_heatmap = false;
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
// The ONNX output that carries the gate's score.
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

// A file analysed by the worker (web/analysis_worker.js) becomes the one shown above the table:
// whatever was shown is cleared first, so nothing of the previous file stays. pixels: its gray
// picture (width x height, already scaled for display); source_*: the file's own size and format.
// Returns 0 when the picture could not be kept (then only the verdict is shown).
EMSCRIPTEN_KEEPALIVE int xray_show_image(const char* name, const char* source_format, const std::uint8_t* pixels, int width, int height,
                                         int source_width, int source_height) {
  auto& s = state();
  begin_showing(name);
  try {
    xray::GrayImage image;
    image.width = width;
    image.height = height;
    image.pixels.assign(pixels, pixels + static_cast<std::size_t>(width) * static_cast<std::size_t>(height));
    xray::app::upload_gray(s.image, image);
  } catch (const std::bad_alloc&) {
    return 0;
  }
  s.source_width = source_width;
  s.source_height = source_height;
  s.source_format = source_format;
  s.has_image = true;
  return 1;
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

// Shows the result of the file just given to xray_show_image. ood_score and ood_limit are NaN
// when the gate does not run; the verdict follows the card's rule (xray/model_card.h), as the
// worker's row does.
EMSCRIPTEN_KEEPALIVE void xray_show_result(float probability, const float* cam, int cam_height, int cam_width, double decode_ms,
                                          double preprocess_ms, double inference_ms, double colour_fraction, double ood_score,
                                          double ood_limit) {
  auto& s = state();
  xray::app::request_input_frames();  // the shown file: at once, also while the queue works
  const xray::GateVerdict g = gate(ood_score, ood_limit, colour_fraction);
  s.result.valid = true;
  s.result.ood_score = ood_score;
  s.result.ood_limit = ood_limit;
  s.result.colour_fraction = colour_fraction;
  s.result.in_colour = g.in_colour;
  s.result.out_of_distribution = g.out_of_distribution;
  s.result.show_anyway = false;
  s.result.probability = probability;
  s.result.label = s.model.labels[probability >= s.model.threshold ? 1 : 0];
  s.result.decode_ms = decode_ms;
  s.result.preprocess_ms = preprocess_ms;
  s.result.inference_ms = inference_ms;
  if (cam && cam_height > 0 && cam_width > 0) {
    xray::app::upload_heatmap(s.heatmap, std::vector<float>(cam, cam + cam_height * cam_width), cam_width, cam_height);
    s.has_heatmap = true;
  }
}

EMSCRIPTEN_KEEPALIVE void xray_report_error(const char* message) {
  state().post(message, true);
  xray::app::request_frames();
}

}  // extern "C"
