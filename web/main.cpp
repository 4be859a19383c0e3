// Browser entry point: GLFW (Emscripten's built-in port) on a WebGL2 canvas running the grassflow app.
// Page integration (ready flag, device pixel ratio, context loss) goes through small EM_JS functions.
#include <GLFW/glfw3.h>
#include <emscripten.h>
#include <emscripten/html5.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <memory>
#include <string>

#include "app.h"

namespace {

GLFWwindow* window = nullptr;
std::unique_ptr<grassflow::app::App> app;

// clang-format off
EM_JS(void, js_mark_ready, (), {
  window.grassflow = window.grassflow || {};
  window.grassflow.ready = true;
  const loading = document.getElementById("loading");
  if (loading) loading.remove();
});
EM_JS(double, js_device_pixel_ratio, (), { return window.devicePixelRatio || 1; });
EM_JS(int, js_container_width, (), { return document.getElementById("canvas").parentElement.clientWidth; });
EM_JS(int, js_container_height, (), { return document.getElementById("canvas").parentElement.clientHeight; });
EM_JS(char*, js_location_hash, (), {
  return allocateUTF8(location.hash.replace(/^#/, ""));
});
// clang-format on

void frame() {
  // Follow the container's size in CSS pixels; render at device resolution for sharp text.
  const double dpr = js_device_pixel_ratio();
  const int css_w = js_container_width(), css_h = js_container_height();
  const int fb_w = static_cast<int>(css_w * dpr), fb_h = static_cast<int>(css_h * dpr);
  int cur_w = 0, cur_h = 0;
  glfwGetWindowSize(window, &cur_w, &cur_h);
  if (cur_w != fb_w || cur_h != fb_h) {
    glfwSetWindowSize(window, fb_w, fb_h);
    emscripten_set_element_css_size("#canvas", css_w, css_h);
  }
  ImGui::GetIO().FontGlobalScale = static_cast<float>(dpr);
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGui::NewFrame();
  app->frame(static_cast<float>(fb_w), static_cast<float>(fb_h), static_cast<float>(dpr));
  ImGui::Render();
  glViewport(0, 0, fb_w, fb_h);
  glClearColor(0.08f, 0.09f, 0.11f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  if (app->frames() == 1) js_mark_ready();
}

}  // namespace

int main() {
  if (!glfwInit()) return 1;
  glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  window = glfwCreateWindow(js_container_width(), js_container_height(), "grassflow", nullptr, nullptr);
  if (!window) return 1;
  glfwMakeContextCurrent(window);
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;
  ImGui::StyleColorsDark();
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 300 es");
  char* hash = js_location_hash();
  const std::string state = hash;
  free(hash);
  app = std::make_unique<grassflow::app::App>(
      grassflow::app::Platform{"web", reinterpret_cast<const char*>(glGetString(GL_VERSION))}, state);
  emscripten_set_main_loop(frame, 0, false);
  return 0;
}
