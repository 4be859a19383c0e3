// Pieces several panels draw, so that no panel reaches into another: the time axis and line widths of the
// run plots (cosines, loss) and the overlap matrix with its principal cosines (the matrix panel).
#pragma once

#include "plot.h"
#include "simulation.h"

namespace grassflow::app {

/// The time axis of the run plots: [1e-2, the next power of ten above 1.5 × the latest shown time] on a
/// log axis, [0, 1.05 × the latest shown time] on a linear one (the latest shown time at least 1).
Axis time_axis(const Simulation& experiment, bool log);

/// Line width (pixels) of a run's curves: the active objective's thick, the other one's thin in compare mode.
float run_thickness(const Simulation& experiment, const Run& run);

/// The active run's overlap M(t) = W(t)ᵀW* as an r×r grid of cells coloured by sign (blue < 0 < red, values
/// clamped to [−1, 1]) with its entries, then its principal cosines as bars; in the current ImGui window.
void overlap_matrix(const Run& run);

}  // namespace grassflow::app
