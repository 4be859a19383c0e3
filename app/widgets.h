// Pieces several panels draw, so that no panel reaches into another: the time axis and line widths of the
// run plots (cosines, loss) and the overlap matrix with its principal cosines (the matrix panel).
#pragma once

#include "plot.h"
#include "simulation.h"

namespace grassflow::app {

/// The time axis of the run plots (`axis=log|linear`): the state's `t-range` when given (on a log axis a start
/// of 0 becomes min(1e-2, end/100)); else [1e-2, the next power of ten above 1.5 × the latest shown time] on a
/// log axis, [0, 1.05 × the latest shown time] on a linear one (the latest shown time at least 1).
Axis time_axis(const Simulation& experiment, const AppState& state);

/// Line width (pixels) of a run's curves: the active objective's thick, the other one's thin in compare mode.
float run_thickness(const Simulation& experiment, const Run& run);

/// The active run's overlap M(t) = W(t)ᵀW* as an r×r grid of cells coloured by sign (blue < 0 < red, values
/// clamped to [−1, 1]; the palette's diverging fills, theme.h) with its entries in black or white, whichever
/// reads on the cell, then its principal cosines as bars with their values beside them; in the current window.
void overlap_matrix(const Run& run);

/// Overlays on colormap images (landscape, sphere): drawn in the palette's overlay colour on a halo in its
/// halo colour `halo` pixels wider on each side, so that one of the two stands out on every colour of the map
/// (theme.h). A polyline of `thickness` pixels; a line; a circle (ring of `thickness`, or filled when
/// thickness is 0); text.
void overlay_polyline(ImDrawList* draw, const ImVec2* points, int count, float thickness, float halo);
void overlay_line(ImDrawList* draw, ImVec2 a, ImVec2 b, float thickness, float halo);
void overlay_circle(ImDrawList* draw, ImVec2 centre, float radius, float thickness, float halo);
void overlay_text(ImDrawList* draw, ImVec2 at, const char* text, float halo);

}  // namespace grassflow::app
