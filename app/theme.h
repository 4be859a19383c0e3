// The explorer's look in one place: the two themes' palettes (ImGui style colours, plot colours, direction
// colours, the overlap matrix's diverging fills, the overlays on colormap images), the colormap
// of the loss backgrounds (read from shaders/colormap.glsl, the one the shaders use), WCAG contrast, and the
// UI scale. Every panel reads its colours from active_palette(); none keeps colour literals of its own.
//
// Contrast rule (tests/app/test_theme.cpp checks it): every text and line colour has a WCAG 2 contrast ratio
// ≥ 4.5:1 against the background it is drawn on, in both themes. Translucent colours count as composited over
// that background. Overlays on the colormap (trajectory, markers) are drawn as a light core on a dark halo, so
// that one of the two has ≥ 4.5:1 against every colour of the map (no single colour can be, against a map from
// near black to yellow): overlays differ by shape, thickness and dashes, not by colour. Grid lines are
// decoration, kept faint.
#pragma once

#include <imgui.h>

#include <string>
#include <vector>

#include "state.h"

namespace grassflow::app {

/// The colours of one theme, as ImGui's packed ABGR (IM_COL32).
struct Palette {
  ImU32 background;          ///< canvas behind the windows (the GL clear colour; the page's background)
  ImU32 window;              ///< window background: what text and plot frames are drawn on
  ImU32 text, text_dim;      ///< text; secondary text (tick labels, hints): both ≥ 4.5:1 on `window`
  ImU32 warning;             ///< warnings and problems (status bar, link panel, controls)
  ImU32 plot_background;     ///< plotting area fill (composited over `window`)
  ImU32 plot_frame;          ///< plotting area frame
  ImU32 grid;                ///< grid lines (decoration: faint, not held to 4.5:1)
  ImU32 crosshair;           ///< hover crosshair
  ImU32 series[7];           ///< directions θ1, θ2, ...: Okabe–Ito hues, lightened (dark) or darkened (light)
  ImU32 run[2];              ///< loss curves: the first run, the second one (compare mode)
  ImU32 samples;             ///< the run on n samples (test loss)
  ImU32 reference;           ///< theory markers, plateaus, the escape level
  ImU32 bar, bar_highlight;  ///< link panel's energy bars; the information exponent's bar
  ImU32 matrix_negative, matrix_zero, matrix_positive;  ///< overlap matrix fills at −1, 0, +1
  ImU32 overlay, overlay_halo;                          ///< landscape overlays on the colormap: light core, dark halo
  ImU32 marker;  ///< accent inside an overlay ring (the landscape's current M(t)); not load-bearing
};

/// The palette of `theme` (static storage).
const Palette& palette(Theme theme);
/// The palette of the theme last passed to configure_ui (dark before any call).
const Palette& active_palette();
/// Makes `theme`'s palette the active one (configure_ui calls it with the style).
void set_active_theme(Theme theme);
/// Direction k's colour (k ≥ 0, cycled) in the active palette.
ImU32 series_colour(int index);

/// ImGui's style colours for `theme` (sizes untouched).
void style_colours(ImGuiStyle& style, Theme theme);

/// WCAG 2 relative luminance of an sRGB colour (alpha ignored): 0 (black) to 1 (white).
double relative_luminance(ImU32 colour);
/// WCAG 2 contrast ratio (L1 + 0.05) / (L2 + 0.05) of two opaque colours: 1 to 21.
double contrast_ratio(ImU32 a, ImU32 b);
/// `colour` composited over the opaque `background` by its alpha (source-over), opaque.
ImU32 over(ImU32 colour, ImU32 background);
/// The linear mix (1 − f)·a + f·b per channel, f in [0, 1].
ImU32 mix(ImU32 a, ImU32 b, float f);
/// The text colour for labels on `fill` (the matrix cells): black or white, whichever contrasts more
/// (≥ 4.58:1 on any opaque fill).
ImU32 text_on(ImU32 fill);

/// The loss colormap (viridis) at t in [0, 1], evaluated on the CPU from the coefficients in
/// shaders/colormap.glsl (the shader's polynomial, so contrast checks see what the GPU draws). Opaque.
ImU32 colormap(float t);

/// A text or line colour with the background it is drawn on, for the contrast check.
struct ColourUse {
  std::string what;
  ImU32 colour;
  ImU32 background;
};
/// Every text and line colour of `theme` (ImGui's and the palette's) with its background, composited: the
/// list the contrast test holds to ≥ 4.5:1. Overlays on the colormap are listed per map colour (t = 0, 0.05,
/// ..., 1) with the better of core and halo.
std::vector<ColourUse> text_and_line_colours(Theme theme);

/// The UI scale (layout units per base unit: the base font is 15 units): `state_scale` × `display_scale`
/// when the URL gives `scale`, else `display_scale` (devicePixelRatio, or the monitor's content scale over
/// the framebuffer's pixels per window unit) raised so that text is at least 1/60 of `height` (the figure's
/// height in layout units: a 1080-high figure gets ≥ 18-unit text), in steps of 1/8 so that resizing does not
/// rebuild the font every frame.
float ui_scale(double state_scale, double display_scale, double height);

}  // namespace grassflow::app
