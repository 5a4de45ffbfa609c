// The page's render loop: Emscripten's GLFW gives a WebGL2 context on #canvas; Dear ImGui draws
// the interface (ui.cpp) every frame. The canvas backing store follows its CSS size times
// devicePixelRatio, and ImGui works in device pixels, so text and lines stay sharp on HiDPI
// screens and the layout follows window resizes.
#include <GLFW/glfw3.h>
#include <emscripten/emscripten.h>
#include <emscripten/html5.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>

#include "app_state.h"
#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "imgui_impl_opengl3.h"
#include "ui.h"

namespace {

GLFWwindow* g_window = nullptr;
int g_frames_to_draw = 2;  // frames still to draw (at start: enough for ImGui's first layout); see request_frames()
bool g_input = false;       // input arrived since the last frame (request_input_frames)
double g_last_frame_ms = 0;
// While the queue works, new rows alone redraw this often: with software WebGL a frame costs
// tens of milliseconds of the main thread at a laptop's window size, time the analysis needs.
constexpr double kBusyFrameInterval = 500;
// ... and are drawn with at most this many pixels, which the browser scales up to the canvas's
// size: a software-rendered frame costs about 65 ms per million pixels here, and the page must
// keep answering within 50 ms while a batch runs. Sharp again once the queue is done (and once
// the model is ready: start-up's frames are drawn the same way).
constexpr double kBusyFramePixels = 300000;
float g_pixel_scale = 1;  // canvas pixels per device pixel in the frame being drawn
int g_ui_scale = 0;  // whole-number UI scale; ImGui's built-in pixel font stays crisp at integer sizes

// Sizes the canvas to its CSS box in device pixels times pixel_scale; returns the size in device pixels.
void sync_canvas(int& width, int& height, float pixel_scale) {
  double css_width = 0, css_height = 0;
  emscripten_get_element_css_size("#canvas", &css_width, &css_height);
  const double ratio = emscripten_get_device_pixel_ratio();
  width = static_cast<int>(std::lround(css_width * ratio));
  height = static_cast<int>(std::lround(css_height * ratio));
  const int canvas_width = static_cast<int>(std::lround(width * pixel_scale));
  const int canvas_height = static_cast<int>(std::lround(height * pixel_scale));
  int current_width = 0, current_height = 0;
  emscripten_get_canvas_element_size("#canvas", &current_width, &current_height);
  if (canvas_width > 0 && canvas_height > 0 && (canvas_width != current_width || canvas_height != current_height)) {
    emscripten_set_canvas_element_size("#canvas", canvas_width, canvas_height);
  }
  const int scale = ratio < 1.5 ? 1 : static_cast<int>(std::lround(ratio));
  if (scale != g_ui_scale) {
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    ImFontConfig font;
    font.SizePixels = 13.0f * scale;
    io.Fonts->AddFontDefault(&font);
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
    ImGuiStyle style;
    xray::app::apply_style(style);
    style.ScaleAllSizes(static_cast<float>(scale));
    ImGui::GetStyle() = style;
    g_ui_scale = scale;
  }
}

void frame() {
  glfwPollEvents();
  // Idle pages draw nothing: with software WebGL a frame costs tens of milliseconds of the main
  // thread, which would delay reading the next dropped file. Input, resizes and new results
  // (request_frames) wake the loop; a few extra frames let ImGui settle hover and animations.
  double css_width = 0, css_height = 0;
  emscripten_get_element_css_size("#canvas", &css_width, &css_height);
  static double last_width = 0, last_height = 0, last_ratio = 0;
  const double ratio = emscripten_get_device_pixel_ratio();
  if (css_width != last_width || css_height != last_height || ratio != last_ratio) {
    last_width = css_width, last_height = css_height, last_ratio = ratio;
    xray::app::request_frames();
  }
  if (g_frames_to_draw <= 0) return;
  const double now = emscripten_get_now();
  const bool busy = xray::app::state().results.running;
  if (busy && !g_input && now - g_last_frame_ms < kBusyFrameInterval) return;
  g_input = false;
  g_last_frame_ms = now;
  --g_frames_to_draw;
  // While the model loads, frames compete with ONNX Runtime's compile for the processor: cheap ones too.
  const bool loading = !xray::app::state().model.loaded && !xray::app::state().status_error;
  const double pixels = css_width * css_height * ratio * ratio;
  const float pixel_scale = (busy || loading) && pixels > kBusyFramePixels ? static_cast<float>(std::max(0.5, std::sqrt(kBusyFramePixels / pixels))) : 1.0f;
  int width = 0, height = 0;
  sync_canvas(width, height, pixel_scale);
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(static_cast<float>(width), static_cast<float>(height));  // device pixels: the layout never changes
  io.DisplayFramebufferScale = ImVec2(pixel_scale, pixel_scale);
  // GLFW reports the mouse in canvas pixels, as the canvas was sized when the event came.
  if (io.MousePos.x > -FLT_MAX && g_pixel_scale != 1) io.MousePos = ImVec2(io.MousePos.x / g_pixel_scale, io.MousePos.y / g_pixel_scale);
  g_pixel_scale = pixel_scale;
  ImGui::NewFrame();
  xray::app::draw_ui(xray::app::state(), static_cast<float>(g_ui_scale));
  ImGui::Render();
  glViewport(0, 0, static_cast<int>(std::lround(width * pixel_scale)), static_cast<int>(std::lround(height * pixel_scale)));
  glClearColor(0.09f, 0.10f, 0.12f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

}  // namespace

namespace xray::app {
void request_frames() { g_frames_to_draw = std::max(g_frames_to_draw, 2); }  // ImGui settles a layout in two
void hold_frames() { g_last_frame_ms = emscripten_get_now(); }
void request_input_frames() {
  g_input = true;
  request_frames();
}
}  // namespace xray::app

int main() {
  if (!glfwInit()) {
    std::fprintf(stderr, "GLFW could not start\n");
    return 1;
  }
  glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  g_window = glfwCreateWindow(1280, 800, "Chest X-ray classifier", nullptr, nullptr);
  if (!g_window) {
    // The page shows its own HTML message (index.html) instead of waiting for an app that never starts.
    EM_ASM({ if (Module.onAppFailed) Module.onAppFailed('no-webgl2'); });
    std::fprintf(stderr, "WebGL2 is not available in this browser\n");
    return 1;
  }
  // GLFW sized the canvas with inline styles; the page's CSS decides its size instead.
  EM_ASM({
    const canvas = document.getElementById('canvas');
    canvas.style.removeProperty('width');
    canvas.style.removeProperty('height');
  });
  glfwMakeContextCurrent(g_window);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // nothing is stored in the browser
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  ImGui_ImplGlfw_InitForOpenGL(g_window, true);
  ImGui_ImplOpenGL3_Init("#version 300 es");
  EM_ASM({ if (Module.onAppReady) Module.onAppReady(); });
  emscripten_set_main_loop(frame, 0, false);
  return 0;
}
