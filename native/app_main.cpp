// Desktop entry point: a GLFW window with an OpenGL 3.3 core context running the grassflow app.
//   grassflow-app [--state URLHASH] [--screenshot FILE.png] [--state-dump FILE.json] [--frames N] [--size WxH]
// With --screenshot and/or --state-dump the app renders N frames (default 10), writes the last one as PNG
// and/or the app's snapshot (state, t, loss, cosines, escapes) as JSON, and exits: for tests and slides.
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "app.h"
#include "gl.h"
#include "theme.h"

namespace {

struct Options {
  std::string state;
  std::string screenshot;
  std::string state_dump;
  int frames = 10;
  int width = 1280, height = 800;
};

bool parse(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--state" && has_value) {
      o.state = argv[++i];
      if (!o.state.empty() && o.state[0] == '#') o.state.erase(0, 1);
    } else if (a == "--screenshot" && has_value) {
      o.screenshot = argv[++i];
    } else if (a == "--state-dump" && has_value) {
      o.state_dump = argv[++i];
    } else if (a == "--frames" && has_value) {
      o.frames = std::atoi(argv[++i]);
      if (o.frames < 1) {
        std::fprintf(stderr, "grassflow-app: error: --frames must be a positive integer\n");
        return false;
      }
    } else if (a == "--size" && has_value) {
      if (std::sscanf(argv[++i], "%dx%d", &o.width, &o.height) != 2 || o.width < 64 || o.height < 64) {
        std::fprintf(stderr, "grassflow-app: error: --size takes WIDTHxHEIGHT, e.g. 1280x800\n");
        return false;
      }
    } else {
      std::fprintf(stderr,
                   "grassflow-app: error: unknown or incomplete argument '%s'\n"
                   "usage: grassflow-app [--state URLHASH] [--screenshot FILE.png] [--state-dump FILE.json] [--frames "
                   "N] [--size WxH]\n",
                   a.c_str());
      return false;
    }
  }
  return true;
}

bool write_file(const std::string& path, const std::vector<unsigned char>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!parse(argc, argv, options)) return 2;
  if (!glfwInit()) {
    std::fprintf(stderr, "grassflow-app: error: cannot initialise GLFW (no display? try xvfb-run)\n");
    return 1;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GL_TRUE);
  GLFWwindow* window = glfwCreateWindow(options.width, options.height, "grassflow", nullptr, nullptr);
  if (!window) {
    std::fprintf(stderr, "grassflow-app: error: cannot create an OpenGL 3.3 core window\n");
    glfwTerminate();
    return 1;
  }
  glfwMakeContextCurrent(window);
  glfwSwapInterval(options.screenshot.empty() && options.state_dump.empty() ? 1 : 0);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 330 core");

  const char* gl_version = reinterpret_cast<const char*>(glGetString(GL_VERSION));
  grassflow::app::Platform platform;
  platform.name = "native";
  platform.gl_version = gl_version ? gl_version : "?";
  platform.save = [](const std::string& name, const std::string&, const std::vector<unsigned char>& bytes) {
    if (write_file(name, bytes))
      std::printf("grassflow-app: wrote %s\n", name.c_str());
    else
      std::fprintf(stderr, "grassflow-app: error: cannot write %s\n", name.c_str());
  };
  platform.copy = [window](const std::string& text) { glfwSetClipboardString(window, text.c_str()); };
  platform.emit = [](const std::string& json) { std::printf("grassflow-app: event %s\n", json.c_str()); };
  grassflow::app::App app(platform, grassflow::app::make_gl_renderer(), "", options.state);
  const bool headless = !options.screenshot.empty() || !options.state_dump.empty();
  auto last = std::chrono::steady_clock::now();

  int exit_code = 0;
  while (!glfwWindowShouldClose(window)) {
    glfwPollEvents();
    int fb_w = 0, fb_h = 0, win_w = 0, win_h = 0;
    glfwGetFramebufferSize(window, &fb_w, &fb_h);
    glfwGetWindowSize(window, &win_w, &win_h);
    // Font and style follow the theme and the monitor's content scale, with text at least 1/60 of the window's
    // height (theme.h); layout is in window units, which are fb/win pixels each.
    float content_scale = 1.0f, unused = 1.0f;
    glfwGetWindowContentScale(window, &content_scale, &unused);
    const float pixels_per_unit = win_w > 0 ? static_cast<float>(fb_w) / static_cast<float>(win_w) : 1.0f;
    // (ImGui 1.86's NewFrame does not re-create a destroyed font texture: it is made here.)
    if (app.prepare_frame(content_scale / pixels_per_unit, static_cast<float>(win_h))) {
      ImGui_ImplOpenGL3_DestroyFontsTexture();
      ImGui_ImplOpenGL3_CreateFontsTexture();
    }
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    const auto now = std::chrono::steady_clock::now();
    const double wall = std::chrono::duration<double>(now - last).count();
    last = now;
    if (app.frames() + 1 == options.frames && !options.screenshot.empty()) app.request_screenshot(options.screenshot);
    app.frame(static_cast<float>(win_w), static_cast<float>(win_h), app.ui_scale(), wall);
    ImGui::Render();
    glViewport(0, 0, fb_w, fb_h);
    const ImVec4 background = ImGui::ColorConvertU32ToFloat4(grassflow::app::active_palette().background);
    glClearColor(background.x, background.y, background.z, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    app.after_render(fb_w, fb_h);
    if (headless && app.frames() >= options.frames) {
      if (!options.state_dump.empty()) {
        const std::string json = app.snapshot_json();
        if (!write_file(options.state_dump, std::vector<unsigned char>(json.begin(), json.end()))) exit_code = 1;
      }
      break;
    }
    glfwSwapBuffers(window);
  }

  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window);
  glfwTerminate();
  return exit_code;
}
