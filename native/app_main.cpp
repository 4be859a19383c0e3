// Desktop entry point: a GLFW window with an OpenGL 3.3 core context running the grassflow app.
//   grassflow-app [--state URLHASH] [--screenshot FILE.png --frames N] [--size WxH]
// With --screenshot the app renders N frames, writes the last one as PNG and exits (for tests and slides).
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>

#include "app.h"

namespace {

struct Options {
  std::string state;
  std::string screenshot;
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
                   "usage: grassflow-app [--state URLHASH] [--screenshot FILE.png --frames N] [--size WxH]\n",
                   a.c_str());
      return false;
    }
  }
  return true;
}

bool write_png(const std::string& path, int width, int height) {
  std::vector<unsigned char> pixels(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
  stbi_flip_vertically_on_write(1);
  return stbi_write_png(path.c_str(), width, height, 4, pixels.data(), width * 4) != 0;
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
  glfwSwapInterval(options.screenshot.empty() ? 1 : 0);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;
  ImGui::StyleColorsDark();
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 330 core");

  const char* gl_version = reinterpret_cast<const char*>(glGetString(GL_VERSION));
  grassflow::app::App app({"native", gl_version ? gl_version : "?"}, options.state);

  int exit_code = 0;
  while (!glfwWindowShouldClose(window)) {
    glfwPollEvents();
    int fb_w = 0, fb_h = 0, win_w = 0, win_h = 0;
    glfwGetFramebufferSize(window, &fb_w, &fb_h);
    glfwGetWindowSize(window, &win_w, &win_h);
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    app.frame(static_cast<float>(win_w), static_cast<float>(win_h),
              win_w > 0 ? static_cast<float>(fb_w) / static_cast<float>(win_w) : 1.0f);
    ImGui::Render();
    glViewport(0, 0, fb_w, fb_h);
    glClearColor(0.08f, 0.09f, 0.11f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    if (!options.screenshot.empty() && app.frames() >= options.frames) {
      if (!write_png(options.screenshot, fb_w, fb_h)) {
        std::fprintf(stderr, "grassflow-app: error: cannot write %s\n", options.screenshot.c_str());
        exit_code = 1;
      } else {
        std::printf("grassflow-app: wrote %s (%dx%d, %ld frames)\n", options.screenshot.c_str(), fb_w, fb_h,
                    app.frames());
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
