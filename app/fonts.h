// The UI's look: the embedded font (DejaVu Sans, subset to Latin, Greek and mathematical symbols;
// cmake/EmbedFont.cmake) and the style, both at a given scale.
#pragma once

#include "state.h"

namespace grassflow::app {

/// Makes the embedded font ImGui's default at 15 × `scale` pixels and the style of `theme` (theme.h) scaled
/// by `scale`, and makes the theme's palette the active one (theme.h: active_palette). `scale` is layout
/// units per base unit (theme.h: ui_scale; the web build lays out in device pixels, so it includes
/// devicePixelRatio and text is rasterised at the screen's resolution rather than magnified). Call before the
/// first frame and whenever the scale or the theme changes (App::prepare_frame does), never between
/// ImGui::NewFrame and ImGui::Render; the renderer backend must then rebuild its font texture
/// (ImGui_ImplOpenGL3_DestroyFontsTexture() then ImGui_ImplOpenGL3_CreateFontsTexture(): in ImGui 1.86 the next
/// NewFrame re-creates it only after the whole backend was destroyed, so destroying it alone leaves every
/// glyph and filled shape black).
void configure_ui(float scale, Theme theme = Theme::dark);

}  // namespace grassflow::app
