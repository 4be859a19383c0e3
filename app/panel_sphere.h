// The picture of the Grassmannian itself, for every r, as the [sphere] panel draws it (panel_sphere.cpp): a view
// object that draws one run into the current ImGui window, so that tests can draw it for a run they built
// (e.g. one with 10⁵ recorded samples) without an App.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "grassflow/objective.h"
#include "simulation.h"

namespace grassflow::app {

class Renderer;

/// What the view draws: an objective and a recorded trajectory (simulation.h's Samples, sorted by t, the
/// current point last). `identity` names the run: the view's caches (the sphere's loss profile, the disk's
/// loss grid) are remade when it or the objective changes. The references must outlive the draw.
class GrassmannianTrajectory {
 public:
  GrassmannianTrajectory(const Objective& objective, const std::vector<Sample>& history, const void* identity)
      : objective_(objective), history_(history), identity_(identity) {}
  const Objective& objective() const { return objective_; }
  const std::vector<Sample>& history() const { return history_; }
  /// The current point: the history's last sample (requires a non-empty history).
  const Sample& current() const { return history_.back(); }
  double shown_time() const { return history_.back().t; }
  const void* identity() const { return identity_; }

 private:
  const Objective& objective_;
  const std::vector<Sample>& history_;
  const void* identity_;
};

/// What one GrassmannianView::draw showed.
struct GrassmannianDrawn {
  std::string view;           ///< "sphere" (r = 1), "disk" (r = 2), "ball" (r = 3), "parallel" (r ≥ 4)
  int max_path_points = 0;    ///< the decimation bound the view chose for each path (vertices; ≤ 2000)
  int path_points = 0;        ///< samples drawn of the longest path (parallel coordinates: polylines drawn)
  int points_per_sample = 0;  ///< path vertices each sample drawn adds: 1 a path (sphere 1, disk r, ball 2r),
                              ///< r for the parallel coordinates (one polyline across the r axes)
  double background_ms = 0;   ///< r = 2: CPU time of the disk's last loss grid (milliseconds)
  float side = 0;             ///< the sphere's or disk's side (layout units; r = 3: each view's; 0: parallel)
};

/// The Grassmannian view of a run of r directions (docs/theory.md §1: M = WᵀW*, principal angles (1.5)):
///   r = 1: the sphere coloured by the loss as a function of m = ⟨w, w*⟩, with w(t)'s path;
///   r = 2: the rows of M(t) in the principal frame of span(W*) (grassmannian.h) as paths in the unit disk,
///          over the loss with one direction moved across the disk and the other fixed at its current row;
///   r = 3: the same in the unit ball, as two orthogonal projections (on principal directions 1, 2 and 1, 3);
///   r ≥ 4: the principal cosines as parallel coordinates, one polyline per (decimated) recorded time.
/// Paths are decimated to a bound chosen from the view's size (≤ 2000 vertices each), so a frame costs the
/// same after 10² or 10⁵ recorded samples.
class GrassmannianView {
 public:
  /// `renderer` (which must outlive the view) draws the sphere and the disk's loss.
  explicit GrassmannianView(Renderer& renderer);
  ~GrassmannianView();
  GrassmannianView(const GrassmannianView&) = delete;
  GrassmannianView& operator=(const GrassmannianView&) = delete;

  /// The window title for r directions: "Sphere" (r = 1), "Grassmannian: disk of span(W*)" (r = 2),
  /// "Grassmannian: ball of span(W*)" (r = 3), "Grassmannian: principal angles" (r ≥ 4).
  static const char* title(int r);
  /// Draws `run` (its history and current point) into the current ImGui window's remaining content region,
  /// markers scaled by `ui_scale` (device pixels per layout pixel). Call between ImGui::Begin and End.
  void draw(const Run& run, float ui_scale);
  /// The same for any recorded trajectory (tests draw histories of 10⁵ samples); nothing for an empty history.
  void draw(const GrassmannianTrajectory& trajectory, float ui_scale);
  /// What the last draw showed.
  const GrassmannianDrawn& drawn() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace grassflow::app
