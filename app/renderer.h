// The GPU work the panels ask for beyond ImGui's own drawing, behind one interface: programs built from
// shaders/, single-channel float textures, render targets filled by one fullscreen-quad pass and shown with
// ImGui::Image, and a PNG of the finished frame. app/gl.cpp implements it with OpenGL 3.3 core natively and
// WebGL2 in the browser (the entry points make it); NullRenderer draws nothing and counts what it was asked
// for, so that App::frame runs in the test suite without a GPU.
//
// Panels own their resources through the RAII wrappers below (Program, FloatTexture, RenderTarget), made on
// first use and released with the panel.
#pragma once

#include <imgui.h>

#include <cstdint>
#include <string>
#include <vector>

#include "layout.h"

namespace grassflow::app {

/// Handles a Renderer hands out; 0 means none (not made yet, or a failed build).
using ProgramHandle = std::uint32_t;
using TextureHandle = std::uint32_t;
using TargetHandle = std::uint32_t;

/// A uniform of a quad pass, by its GLSL name: an int (flags), a vec2, a vec3 or a mat3 (column-major).
struct Uniform {
  enum class Kind { int1, vec2, vec3, mat3 };
  std::string name;
  Kind kind = Kind::int1;
  int integer = 0;
  float values[9] = {};

  static Uniform int1(const char* name, int value);
  static Uniform vec2(const char* name, float x, float y);
  static Uniform vec3(const char* name, float x, float y, float z);
  static Uniform mat3(const char* name, const float (&column_major)[9]);
};

/// One draw of the full-viewport quad of shaders/fullscreen.vert with `program`, `texture` bound to texture
/// unit 0 under the sampler name `sampler`, and `uniforms` set.
struct QuadPass {
  ProgramHandle program = 0;
  TextureHandle texture = 0;
  std::string sampler;
  std::vector<Uniform> uniforms;
};

class Renderer {
 public:
  virtual ~Renderer() = default;

  /// Builds a program from the vertex and fragment bodies (each may be several sources concatenated), with
  /// the platform's GLSL version line prepended. On failure returns 0 and puts the compiler's log in *error.
  virtual ProgramHandle build_program(const std::vector<const char*>& vertex, const std::vector<const char*>& fragment,
                                      std::string* error) = 0;
  virtual void delete_program(ProgramHandle program) = 0;

  /// Uploads width×height values, row-major with row 0 at the bottom (GL's convention), into a single-channel
  /// float texture (R16F: about 3 significant digits; linear filtering, clamped at the edges). `texture` 0
  /// makes a new one. Returns the texture's handle.
  virtual TextureHandle upload_float_texture(TextureHandle texture, int width, int height,
                                             const std::vector<float>& values) = 0;
  virtual void delete_texture(TextureHandle texture) = 0;

  /// Clears the RGBA8 render target `target` (0 makes a new one; sizes below 1 pixel count as 1) to
  /// transparent, resized to width×height pixels, and draws `pass` into it; the default framebuffer and its
  /// viewport are bound again afterwards. Returns the target's handle.
  virtual TargetHandle draw_to_target(TargetHandle target, int width, int height, const QuadPass& pass) = 0;
  /// The target's colour texture for ImGui::Image; GL's origin is bottom-left, so show it with
  /// uv0 = (0, 1), uv1 = (1, 0).
  virtual ImTextureID target_image(TargetHandle target) const = 0;
  virtual void delete_target(TargetHandle target) = 0;

  /// The pixels of `region` (pixels from the top-left corner, clamped to the framebuffer; w = h = 0: all of it)
  /// of the default framebuffer of width×height pixels, as PNG bytes (rows top-down, opaque). Call after ImGui's
  /// draw data has been rendered into it.
  virtual std::vector<unsigned char> capture_png(int width, int height, const Rect& region) = 0;
};

/// A program owned by a panel, built on first `get` (a failed build is kept, with its log, and not retried).
class Program {
 public:
  Program(Renderer& renderer, std::vector<const char*> vertex, std::vector<const char*> fragment);
  Program(const Program&) = delete;
  Program& operator=(const Program&) = delete;
  ~Program();
  /// The program, built if this is the first call; 0 if the build failed (see error()).
  ProgramHandle get();
  const std::string& error() const { return error_; }

 private:
  Renderer& renderer_;
  std::vector<const char*> vertex_, fragment_;
  ProgramHandle handle_ = 0;
  bool tried_ = false;
  std::string error_;
};

/// A single-channel float texture owned by a panel (Renderer::upload_float_texture).
class FloatTexture {
 public:
  explicit FloatTexture(Renderer& renderer) : renderer_(renderer) {}
  FloatTexture(const FloatTexture&) = delete;
  FloatTexture& operator=(const FloatTexture&) = delete;
  ~FloatTexture();
  void upload(int width, int height, const std::vector<float>& values);
  /// 0 until the first upload.
  TextureHandle handle() const { return handle_; }

 private:
  Renderer& renderer_;
  TextureHandle handle_ = 0;
};

/// A render target owned by a panel (Renderer::draw_to_target).
class RenderTarget {
 public:
  explicit RenderTarget(Renderer& renderer) : renderer_(renderer) {}
  RenderTarget(const RenderTarget&) = delete;
  RenderTarget& operator=(const RenderTarget&) = delete;
  ~RenderTarget();
  /// Redraws the target at width×height pixels with `pass`.
  void draw(int width, int height, const QuadPass& pass);
  /// The texture to show with ImGui::Image(image(), size, ImVec2(0, 1), ImVec2(1, 0)).
  ImTextureID image() const { return renderer_.target_image(handle_); }

 private:
  Renderer& renderer_;
  TargetHandle handle_ = 0;
};

/// A Renderer without a GPU: hands out handles, draws nothing, and counts what it was asked for, so that tests
/// can run whole frames and check what the panels drew (tests/app/test_frames.cpp).
class NullRenderer final : public Renderer {
 public:
  /// One quad pass as it was asked for.
  struct Pass {
    TargetHandle target = 0;
    int width = 0, height = 0;  ///< pixels, as asked (before the 1-pixel minimum)
    QuadPass pass;
  };
  struct Counts {
    int programs = 0;         ///< programs built
    int texture_uploads = 0;  ///< upload_float_texture calls
    long texels = 0;          ///< values uploaded in total
    int live_textures = 0, live_targets = 0, live_programs = 0;
    int captures = 0;  ///< capture_png calls
    Rect captured;     ///< the region of the last capture_png call
  };

  ProgramHandle build_program(const std::vector<const char*>& vertex, const std::vector<const char*>& fragment,
                              std::string* error) override;
  void delete_program(ProgramHandle program) override;
  TextureHandle upload_float_texture(TextureHandle texture, int width, int height,
                                     const std::vector<float>& values) override;
  void delete_texture(TextureHandle texture) override;
  TargetHandle draw_to_target(TargetHandle target, int width, int height, const QuadPass& pass) override;
  ImTextureID target_image(TargetHandle target) const override;
  void delete_target(TargetHandle target) override;
  /// Returns no bytes.
  std::vector<unsigned char> capture_png(int width, int height, const Rect& region) override;

  const Counts& counts() const { return counts_; }
  /// Every quad pass since the last clear_passes(), in order.
  const std::vector<Pass>& passes() const { return passes_; }
  void clear_passes() { passes_.clear(); }

 private:
  Counts counts_;
  std::vector<Pass> passes_;
  std::uint32_t next_handle_ = 1;
};

}  // namespace grassflow::app
