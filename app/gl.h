// The few OpenGL pieces the views need beyond ImGui: programs built from shaders/ with the platform's GLSL
// version line, float textures, and render targets (a view renders into a texture shown by ImGui::Image).
// OpenGL 3.3 core natively, WebGL2 (OpenGL ES 3.0) in the browser: the same calls work on both.
#pragma once

#ifdef __EMSCRIPTEN__
#include <GLES3/gl3.h>
#else
#define GL_GLEXT_PROTOTYPES 1
#include <GL/glcorearb.h>
#endif

#include <string>
#include <vector>

namespace grassflow::app::gl {

/// Builds a program from the vertex and fragment bodies (each may be several sources concatenated), with
/// "#version 330 core" natively or "#version 300 es" + precision in the browser prepended. On failure
/// returns 0 and puts the compiler's log in *error.
GLuint build_program(const std::vector<const char*>& vertex, const std::vector<const char*>& fragment,
                     std::string* error);

/// A single-channel float texture (R16F, linear filtering, clamped), re-uploaded with `upload`.
class FloatTexture {
 public:
  FloatTexture() = default;
  FloatTexture(const FloatTexture&) = delete;
  FloatTexture& operator=(const FloatTexture&) = delete;
  ~FloatTexture();
  /// Uploads width×height values, row-major, row 0 at the bottom (GL convention).
  void upload(int width, int height, const std::vector<float>& values);
  GLuint id() const { return id_; }

 private:
  GLuint id_ = 0;
};

/// An RGBA8 texture with a framebuffer: `begin` binds it and sets the viewport, `end` restores the default
/// framebuffer. Show it with ImGui::Image(texture(), size, ImVec2(0, 1), ImVec2(1, 0)) (GL's origin is
/// bottom-left).
class RenderTarget {
 public:
  RenderTarget() = default;
  RenderTarget(const RenderTarget&) = delete;
  RenderTarget& operator=(const RenderTarget&) = delete;
  ~RenderTarget();
  void begin(int width, int height);
  void end();
  GLuint texture() const { return texture_; }

 private:
  GLuint framebuffer_ = 0, texture_ = 0;
  int width_ = 0, height_ = 0;
  GLint saved_viewport_[4] = {0, 0, 0, 0};
};

/// Draws the full-viewport quad of shaders/fullscreen.vert with the bound program.
void draw_fullscreen_quad();

/// The current framebuffer as PNG bytes (glReadPixels + stb_image_write; rows flipped to top-down).
std::vector<unsigned char> capture_png(int width, int height);

}  // namespace grassflow::app::gl
