// The Renderer of the entry points (renderer.h) on OpenGL: 3.3 core natively, WebGL2 (OpenGL ES 3.0) in the
// browser; the same calls work on both. The only file of the app that calls GL (ImGui's own drawing is the
// entry points' backend).
#pragma once

#include <memory>

#include "renderer.h"

namespace grassflow::app {

/// A Renderer drawing with the GL context current on this thread; make it after the context and keep the
/// context current while it and its resources live.
std::unique_ptr<Renderer> make_gl_renderer();

}  // namespace grassflow::app
