// The UI's look: the embedded font (DejaVu Sans, subset to Latin, Greek and mathematical symbols;
// cmake/EmbedFont.cmake) and the style, both at a given scale.
#pragma once

namespace grassflow::app {

/// Makes the embedded font ImGui's default at 15 × `scale` pixels and the dark style scaled by `scale`
/// (scale = device pixels per layout pixel: the web build lays out in device pixels, so it passes
/// devicePixelRatio and text is rasterised at the screen's resolution rather than magnified). Call before
/// the first frame and whenever the scale changes; the renderer backend must then rebuild its font texture
/// (ImGui_ImplOpenGL3_DestroyFontsTexture(): the next NewFrame re-creates it).
void configure_ui(float scale);

}  // namespace grassflow::app
