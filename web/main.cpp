// Browser entry point: GLFW (Emscripten's built-in port) on a WebGL2 canvas running the grassflow app.
// Page integration goes through small EM_JS functions: the API's start, whether to draw a frame, device pixel ratio and
// container size, URL state (query, hash, hashchange), downloads, clipboard, events to the scripting API
// (web/index.html).
#include <GLFW/glfw3.h>
#include <emscripten.h>
#include <emscripten/html5.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "app.h"
#include "explorer.h"
#include "gl.h"
#include "theme.h"

namespace {

GLFWwindow* window = nullptr;
std::unique_ptr<grassflow::app::App> app;
std::string snapshot_buffer;
bool hash_changed = false;

// clang-format off
EM_JS(void, js_started, (), { window.grassflow._started(); });
EM_JS(void, js_first_frame, (), {
  const loading = document.getElementById("loading");
  if (loading) loading.remove();
});
EM_JS(bool, js_wants_frame, (bool playing), { return window.grassflow._wantsFrame(playing); });
EM_JS(void, js_loop_paused, (), { window.grassflow._loopPaused = true; });
EM_JS(double, js_device_pixel_ratio, (), { return window.devicePixelRatio || 1; });
EM_JS(int, js_container_width, (), { return document.getElementById("canvas").parentElement.clientWidth; });
EM_JS(int, js_container_height, (), { return document.getElementById("canvas").parentElement.clientHeight; });
EM_JS(char*, js_location_hash, (), { return allocateUTF8(location.hash.substring(1)); });
EM_JS(char*, js_location_query, (), { return allocateUTF8(location.search.substring(1)); });
EM_JS(void, js_watch_hash, (), {
  window.addEventListener("hashchange", () => { if (location.hash.substring(1) !== window.grassflowPublished) Module._grassflow_hash_changed(); });
});
EM_JS(void, js_publish_hash, (const char* hash), {
  const h = UTF8ToString(hash);
  window.grassflowPublished = h;
  if (location.hash.substring(1) !== h) history.replaceState(null, "", location.pathname + location.search + (h ? "#" + h : ""));
});
EM_JS(void, js_save, (const char* name, const char* mime, const unsigned char* bytes, int size), {
  const blob = new Blob([HEAPU8.slice(bytes, bytes + size)], {type: UTF8ToString(mime)});
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = UTF8ToString(name);
  document.body.appendChild(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
});
EM_JS(char*, js_page_url, (), { return allocateUTF8(location.href.split("#")[0]); });
EM_JS(void, js_copy, (const char* text), {
  const t = UTF8ToString(text);
  if (navigator.clipboard) navigator.clipboard.writeText(t).catch((e) => console.warn("clipboard: " + e));
});
// grassflow has no gamepad input, but Emscripten's GLFW listens for gamepads and reads them on every key: either
// makes Chromium poll the gamepad hardware 60 times a second for as long as the page is open, the whole idle cost
// of a paused figure (bench/README.md). Drop the listeners and the reads.
EM_JS(void, js_no_gamepads, (), {
  window.removeEventListener("gamepadconnected", GLFW.onGamepadConnected, true);
  window.removeEventListener("gamepaddisconnected", GLFW.onGamepadDisconnected, true);
  GLFW.refreshJoysticks = () => {};
});
EM_JS(void, js_emit, (const char* json), {
  if (window.grassflow && window.grassflow._emit) window.grassflow._emit(JSON.parse(UTF8ToString(json)));
});
// clang-format on

std::string take_js_string(char* s) {
  std::string out = s ? s : "";
  free(s);
  return out;
}

double last_time = 0;

void frame() {
  // An idle figure (paused with nothing happening, or off-screen) stops its frame loop, so the browser has no
  // frame to schedule for it; the canvas keeps its picture, and the page resumes the loop on the next activity.
  if (app->frames() > 0 && !hash_changed && !js_wants_frame(app->explorer().playing())) {
    last_time = 0;  // no wall time passes for the simulation while it is not drawn
    js_loop_paused();
    emscripten_pause_main_loop();
    return;
  }
  if (hash_changed) {
    hash_changed = false;
    app->replace_state(take_js_string(js_location_hash()));
  }
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
  // Font and style follow the theme and the scale (text at least 1/60 of the figure's height; theme.h).
  // (ImGui 1.86's NewFrame does not re-create a destroyed font texture: it is made here.)
  if (app->prepare_frame(static_cast<float>(dpr), static_cast<float>(fb_h))) {
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
  }
  const double now = emscripten_get_now() / 1000.0;
  const double wall = last_time > 0 ? now - last_time : 0.0;
  last_time = now;
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGui::NewFrame();
  app->frame(static_cast<float>(fb_w), static_cast<float>(fb_h), app->ui_scale(), wall);
  ImGui::Render();
  glViewport(0, 0, fb_w, fb_h);
  const ImVec4 background = ImGui::ColorConvertU32ToFloat4(grassflow::app::active_palette().background);
  glClearColor(background.x, background.y, background.z, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  app->after_render(fb_w, fb_h);
  if (app->frames() == 1) js_first_frame();
}

}  // namespace

extern "C" {
/// Scripting API (web/index.html): merge a URL-style state into the current one.
EMSCRIPTEN_KEEPALIVE void grassflow_set_state(const char* hash) {
  app->set_state(hash ? hash : "");
}
/// Scripting API: the current snapshot as JSON (valid until the next call).
EMSCRIPTEN_KEEPALIVE const char* grassflow_snapshot() {
  snapshot_buffer = app->snapshot_json();
  return snapshot_buffer.c_str();
}
/// Scripting API: the player. `action` is "reset", "play", "pause" or "step" (by exactly `dt` of simulated
/// time); returns "" or the message of a bad call (valid until the next call).
EMSCRIPTEN_KEEPALIVE const char* grassflow_player(const char* action, double dt) {
  static std::string error;
  error.clear();
  const std::string a = action ? action : "";
  try {
    grassflow::app::Explorer& explorer = app->explorer();
    if (a == "reset")
      explorer.reset();
    else if (a == "play")
      explorer.play();
    else if (a == "pause")
      explorer.pause();
    else if (a == "step")
      explorer.step_by(dt);
    else
      error = "unknown player action '" + a + "'";
  } catch (const std::exception& e) {
    error = e.what();
  }
  return error.c_str();
}
EMSCRIPTEN_KEEPALIVE void grassflow_hash_changed() {
  hash_changed = true;
}
}

int main() {
  if (!glfwInit()) return 1;
  js_no_gamepads();
  glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  window = glfwCreateWindow(js_container_width(), js_container_height(), "grassflow", nullptr, nullptr);
  if (!window) return 1;
  glfwMakeContextCurrent(window);
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 300 es");
  grassflow::app::Platform platform;
  platform.name = "web";
  platform.gl_version = reinterpret_cast<const char*>(glGetString(GL_VERSION));
  platform.save = [](const std::string& name, const std::string& mime, const std::vector<unsigned char>& bytes) {
    js_save(name.c_str(), mime.c_str(), bytes.data(), static_cast<int>(bytes.size()));
  };
  platform.copy = [](const std::string& text) { js_copy(text.c_str()); };
  platform.publish_state = [](const std::string& hash) { js_publish_hash(hash.c_str()); };
  platform.emit = [](const std::string& json) { js_emit(json.c_str()); };
  platform.page_url = [] { return take_js_string(js_page_url()); };
  app = std::make_unique<grassflow::app::App>(platform, grassflow::app::make_gl_renderer(),
                                              take_js_string(js_location_query()), take_js_string(js_location_hash()));
  js_watch_hash();
  js_started();
  emscripten_set_main_loop(frame, 0, false);
  return 0;
}
