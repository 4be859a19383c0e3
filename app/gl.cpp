#include "gl.h"

#include <algorithm>

#ifdef __EMSCRIPTEN__
#include <GLES3/gl3.h>
#else
#define GL_GLEXT_PROTOTYPES 1
#include <GL/glcorearb.h>
#endif

#include <cstdint>
#include <map>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO
#include <stb_image_write.h>

namespace grassflow::app {

namespace {

#ifdef __EMSCRIPTEN__
constexpr const char* kVersion = "#version 300 es\nprecision highp float;\nprecision highp int;\n";
#else
constexpr const char* kVersion = "#version 330 core\n";
#endif

GLuint compile(GLenum kind, const std::vector<const char*>& bodies, std::string* error) {
  std::vector<const char*> sources = {kVersion};
  sources.insert(sources.end(), bodies.begin(), bodies.end());
  const GLuint shader = glCreateShader(kind);
  glShaderSource(shader, static_cast<GLsizei>(sources.size()), sources.data(), nullptr);
  glCompileShader(shader);
  GLint ok = 0;
  glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
  if (!ok) {
    char log[2048] = {0};
    glGetShaderInfoLog(shader, sizeof log, nullptr, log);
    if (error) *error = std::string(kind == GL_VERTEX_SHADER ? "vertex" : "fragment") + " shader: " + log;
    glDeleteShader(shader);
    return 0;
  }
  return shader;
}

void set_uniform(GLuint program, const Uniform& u) {
  const GLint location = glGetUniformLocation(program, u.name.c_str());
  switch (u.kind) {
    case Uniform::Kind::int1:
      glUniform1i(location, u.integer);
      break;
    case Uniform::Kind::vec2:
      glUniform2f(location, u.values[0], u.values[1]);
      break;
    case Uniform::Kind::vec3:
      glUniform3f(location, u.values[0], u.values[1], u.values[2]);
      break;
    case Uniform::Kind::mat3:
      glUniformMatrix3fv(location, 1, GL_FALSE, u.values);
      break;
  }
}

class GlRenderer final : public Renderer {
 public:
  ~GlRenderer() override {
    if (vertex_array_) glDeleteVertexArrays(1, &vertex_array_);
  }

  ProgramHandle build_program(const std::vector<const char*>& vertex, const std::vector<const char*>& fragment,
                              std::string* error) override {
    const GLuint vs = compile(GL_VERTEX_SHADER, vertex, error);
    if (!vs) return 0;
    const GLuint fs = compile(GL_FRAGMENT_SHADER, fragment, error);
    if (!fs) {
      glDeleteShader(vs);
      return 0;
    }
    const GLuint program = glCreateProgram();
    glAttachShader(program, vs);
    glAttachShader(program, fs);
    glLinkProgram(program);
    glDeleteShader(vs);
    glDeleteShader(fs);
    GLint ok = 0;
    glGetProgramiv(program, GL_LINK_STATUS, &ok);
    if (!ok) {
      char log[2048] = {0};
      glGetProgramInfoLog(program, sizeof log, nullptr, log);
      if (error) *error = std::string("link: ") + log;
      glDeleteProgram(program);
      return 0;
    }
    return program;
  }

  void delete_program(ProgramHandle program) override { glDeleteProgram(program); }

  TextureHandle upload_float_texture(TextureHandle texture, int width, int height,
                                     const std::vector<float>& values) override {
    GLuint id = texture;
    if (!id) glGenTextures(1, &id);
    glBindTexture(GL_TEXTURE_2D, id);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R16F, width, height, 0, GL_RED, GL_FLOAT, values.data());
    return id;
  }

  void delete_texture(TextureHandle texture) override {
    const GLuint id = texture;
    glDeleteTextures(1, &id);
  }

  TargetHandle draw_to_target(TargetHandle handle, int width, int height, const QuadPass& pass) override {
    if (width < 1) width = 1;
    if (height < 1) height = 1;
    if (!handle) {
      Target made;
      glGenFramebuffers(1, &made.framebuffer);
      glGenTextures(1, &made.texture);
      handle = made.framebuffer;
      targets_[handle] = made;
    }
    Target& target = targets_.at(handle);
    if (width != target.width || height != target.height) {
      glBindTexture(GL_TEXTURE_2D, target.texture);
      glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
      glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
      glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
      glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
      glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
      glBindFramebuffer(GL_FRAMEBUFFER, target.framebuffer);
      glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, target.texture, 0);
      target.width = width;
      target.height = height;
    }
    GLint saved_viewport[4] = {0, 0, 0, 0};
    glGetIntegerv(GL_VIEWPORT, saved_viewport);
    glBindFramebuffer(GL_FRAMEBUFFER, target.framebuffer);
    glViewport(0, 0, width, height);
    glDisable(GL_SCISSOR_TEST);
    glDisable(GL_BLEND);
    glClearColor(0, 0, 0, 0);
    glClear(GL_COLOR_BUFFER_BIT);

    glUseProgram(pass.program);
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, pass.texture);
    glUniform1i(glGetUniformLocation(pass.program, pass.sampler.c_str()), 0);
    for (const Uniform& u : pass.uniforms) set_uniform(pass.program, u);
    // shaders/fullscreen.vert makes the quad from gl_VertexID: an empty vertex array is all it needs.
    if (!vertex_array_) glGenVertexArrays(1, &vertex_array_);
    glBindVertexArray(vertex_array_);
    glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
    glBindVertexArray(0);

    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    glViewport(saved_viewport[0], saved_viewport[1], saved_viewport[2], saved_viewport[3]);
    return handle;
  }

  ImTextureID target_image(TargetHandle handle) const override {
    const auto found = targets_.find(handle);
    return reinterpret_cast<ImTextureID>(
        static_cast<std::intptr_t>(found == targets_.end() ? 0u : found->second.texture));
  }

  void delete_target(TargetHandle handle) override {
    const auto found = targets_.find(handle);
    if (found == targets_.end()) return;
    glDeleteFramebuffers(1, &found->second.framebuffer);
    glDeleteTextures(1, &found->second.texture);
    targets_.erase(found);
  }

  std::vector<unsigned char> capture_png(int framebuffer_width, int framebuffer_height, const Rect& region) override {
    int x = 0, y = 0, width = framebuffer_width, height = framebuffer_height;
    if (region.w > 0 && region.h > 0) {
      x = std::clamp(static_cast<int>(region.x), 0, framebuffer_width - 1);
      y = std::clamp(static_cast<int>(region.y), 0, framebuffer_height - 1);
      width = std::clamp(static_cast<int>(region.w), 1, framebuffer_width - x);
      height = std::clamp(static_cast<int>(region.h), 1, framebuffer_height - y);
    }
    std::vector<unsigned char> pixels(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 4);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(x, framebuffer_height - y - height, width, height, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
    for (std::size_t i = 3; i < pixels.size(); i += 4) pixels[i] = 255;  // the canvas is opaque
    std::vector<unsigned char> png;
    stbi_flip_vertically_on_write(1);
    stbi_write_png_to_func(
        [](void* context, void* data, int size) {
          auto* out = static_cast<std::vector<unsigned char>*>(context);
          const auto* bytes = static_cast<const unsigned char*>(data);
          out->insert(out->end(), bytes, bytes + size);
        },
        &png, width, height, 4, pixels.data(), width * 4);
    return png;
  }

 private:
  struct Target {
    GLuint framebuffer = 0, texture = 0;
    int width = 0, height = 0;
  };
  std::map<TargetHandle, Target> targets_;  ///< by framebuffer name
  GLuint vertex_array_ = 0;
};

}  // namespace

std::unique_ptr<Renderer> make_gl_renderer() {
  return std::make_unique<GlRenderer>();
}

}  // namespace grassflow::app
