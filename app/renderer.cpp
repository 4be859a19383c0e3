#include "renderer.h"

#include <algorithm>
#include <cstdint>

namespace grassflow::app {

Uniform Uniform::int1(const char* name, int value) {
  Uniform u;
  u.name = name;
  u.kind = Kind::int1;
  u.integer = value;
  return u;
}

Uniform Uniform::vec2(const char* name, float x, float y) {
  Uniform u;
  u.name = name;
  u.kind = Kind::vec2;
  u.values[0] = x;
  u.values[1] = y;
  return u;
}

Uniform Uniform::vec3(const char* name, float x, float y, float z) {
  Uniform u;
  u.name = name;
  u.kind = Kind::vec3;
  u.values[0] = x;
  u.values[1] = y;
  u.values[2] = z;
  return u;
}

Uniform Uniform::mat3(const char* name, const float (&column_major)[9]) {
  Uniform u;
  u.name = name;
  u.kind = Kind::mat3;
  std::copy(column_major, column_major + 9, u.values);
  return u;
}

Program::Program(Renderer& renderer, std::vector<const char*> vertex, std::vector<const char*> fragment)
    : renderer_(renderer), vertex_(std::move(vertex)), fragment_(std::move(fragment)) {}

Program::~Program() {
  if (handle_) renderer_.delete_program(handle_);
}

ProgramHandle Program::get() {
  if (!tried_) {
    tried_ = true;
    handle_ = renderer_.build_program(vertex_, fragment_, &error_);
  }
  return handle_;
}

FloatTexture::~FloatTexture() {
  if (handle_) renderer_.delete_texture(handle_);
}

void FloatTexture::upload(int width, int height, const std::vector<float>& values) {
  handle_ = renderer_.upload_float_texture(handle_, width, height, values);
}

RenderTarget::~RenderTarget() {
  if (handle_) renderer_.delete_target(handle_);
}

void RenderTarget::draw(int width, int height, const QuadPass& pass) {
  handle_ = renderer_.draw_to_target(handle_, width, height, pass);
}

ProgramHandle NullRenderer::build_program(const std::vector<const char*>&, const std::vector<const char*>&,
                                          std::string*) {
  ++counts_.programs;
  ++counts_.live_programs;
  return next_handle_++;
}

void NullRenderer::delete_program(ProgramHandle) {
  --counts_.live_programs;
}

TextureHandle NullRenderer::upload_float_texture(TextureHandle texture, int, int, const std::vector<float>& values) {
  ++counts_.texture_uploads;
  counts_.texels += static_cast<long>(values.size());
  if (texture) return texture;
  ++counts_.live_textures;
  return next_handle_++;
}

void NullRenderer::delete_texture(TextureHandle) {
  --counts_.live_textures;
}

TargetHandle NullRenderer::draw_to_target(TargetHandle target, int width, int height, const QuadPass& pass) {
  if (!target) {
    target = next_handle_++;
    ++counts_.live_targets;
  }
  passes_.push_back({target, width, height, pass});
  return target;
}

ImTextureID NullRenderer::target_image(TargetHandle target) const {
  return reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(target));
}

void NullRenderer::delete_target(TargetHandle) {
  --counts_.live_targets;
}

std::vector<unsigned char> NullRenderer::capture_png(int, int, const Rect& region) {
  ++counts_.captures;
  counts_.captured = region;
  return {};
}

}  // namespace grassflow::app
