// Pieces several panels draw, so that no panel reaches into another: the time axis and line widths of the
// run plots (cosines, loss), the overlap matrix with its principal cosines (the matrix panel), and when a loss
// grid drawn through M(t) is recomputed (the landscape, the Grassmannian disk).
#pragma once

#include <Eigen/Dense>
#include <chrono>
#include <string>

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

/// When a loss grid drawn through the current M (the landscape's slice, the Grassmannian disk's background) is
/// recomputed: for a new key (objective, run, view) at once; while M moves (every frame of a running flow), twice
/// a second or every 4× the grid's last cost if that is longer, so that the grid stays out of most frames and a
/// slow one (128² at r = 4) keeps the frame rate instead of setting it; the paths and markers follow M every
/// frame regardless. Once M rests the last grid stays.
class GridRefresh {
 public:
  using Clock = std::chrono::steady_clock;
  /// Whether the grid for `key` through `M` is due now.
  bool due(const std::string& key, const Eigen::MatrixXd& M) const {
    return new_key(key) || (!at_rest(M) && since_ms() >= std::max(4.0 * cost_ms_, 500.0));
  }
  /// A key other than the last grid's.
  bool new_key(const std::string& key) const { return key != key_; }
  /// M is where the last grid was computed through (to 1e-9).
  bool at_rest(const Eigen::MatrixXd& M) const { return at_.size() == M.size() && (at_ - M).norm() <= 1e-9; }
  /// Milliseconds since the last grid was computed.
  double since_ms() const { return std::chrono::duration<double, std::milli>(Clock::now() - when_).count(); }
  /// Records the grid for `key` through `M` whose computation began at `start`.
  void computed(const std::string& key, const Eigen::MatrixXd& M, Clock::time_point start) {
    key_ = key;
    at_ = M;
    when_ = Clock::now();
    cost_ms_ = std::chrono::duration<double, std::milli>(when_ - start).count();
  }
  /// The last grid's key ("" before the first) and its computation's CPU time (milliseconds).
  const std::string& key() const { return key_; }
  double cost_ms() const { return cost_ms_; }

 private:
  std::string key_;
  Eigen::MatrixXd at_;
  Clock::time_point when_;
  double cost_ms_ = 0;
};

}  // namespace grassflow::app
