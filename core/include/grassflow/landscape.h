// Loss landscapes on 2-D slices of the overlap space through the current M (the explorer's [landscape] view,
// and the 1-D loss profile of the [sphere] view). Conventions as in objective.h: M = WᵀW* (r×r).
// The grid values are computed from the tensor forms of docs/theory.md §4 reduced to polynomials in the slice
// coordinates (so a 128×128 grid costs microseconds, whatever the degree) and agree with Objective::loss at
// every grid point to rounding.
#pragma once

#include <Eigen/Dense>
#include <vector>

#include "grassflow/objective.h"

namespace grassflow {

/// Which plane of overlaps a slice spans.
enum class SliceKind {
  /// M(x, y) = U diag(σ with σ_a = x, σ_b = y) Vᵀ, where M_frame = UΣVᵀ and a, b index the two smallest
  /// singular values (r = 2: both); the other σ stay fixed. x, y ∈ [0, 1] for joint, [−1, 1] for planted
  /// (a negative entry flips a column of the frame: the planted loss sees it, the joint does not).
  /// Requires r ≥ 2.
  principal_cosines,
  /// M(a, φ) = a·R(φ), R(φ) the rotation by φ (radians) in the plane of the first two coordinates (identity on
  /// the others): alignment a ∈ [0, 1] against the in-frame rotation φ ∈ [−π, π], where the planted loss has
  /// its spurious critical points and the joint loss is constant in φ. Requires r ≥ 2.
  alignment_rotation,
};

/// A critical point of a slice, located on the grid (docs/theory.md §4 traps show as extra minima of planted).
struct CriticalPoint {
  enum class Type { minimum, maximum, saddle };
  double x = 0, y = 0, loss = 0;
  Type type = Type::minimum;
};

/// A loss grid: values[j*n + i] = L(M(x_i, y_j)), x_i = x_min + i (x_max − x_min)/(n − 1), likewise y_j.
struct Landscape {
  SliceKind kind = SliceKind::principal_cosines;
  int n = 0;
  double x_min = 0, x_max = 1, y_min = 0, y_max = 1;
  std::vector<double> values;
  double min_value = 0, max_value = 0;
  /// Interior grid points that are strict local minima or maxima of their 8 neighbours, or saddles (the
  /// differences to the 8-neighbour ring change sign at least 4 times).
  std::vector<CriticalPoint> critical_points;
};

/// A slice through the objective's overlap space, with its basis fixed by `M_frame` (r×r) at construction.
class LandscapeSlice {
 public:
  /// Throws InputError for r < 2 or a shape mismatch. `objective` must outlive the slice.
  LandscapeSlice(const Objective& objective, SliceKind kind, const Eigen::MatrixXd& M_frame);

  /// The overlap M at slice coordinates (x, y) (r×r).
  Eigen::MatrixXd overlap(double x, double y) const;
  /// The slice coordinates of any M: for principal_cosines the diagonal entries a, b of UᵀMV; for
  /// alignment_rotation (mean singular value, atan2(M₁₀ − M₀₁, M₀₀ + M₁₁)). The projection of M onto the
  /// slice (exact for M on it): used to draw a trajectory over the heatmap.
  Eigen::Vector2d coordinates(const Eigen::MatrixXd& M) const;
  /// The loss on an n×n grid (n ≥ 2, InputError otherwise) over the kind's coordinate ranges.
  Landscape compute(int n) const;

  double x_min() const { return x_min_; }
  double x_max() const { return x_max_; }
  double y_min() const { return y_min_; }
  double y_max() const { return y_max_; }

 private:
  const Objective& objective_;
  SliceKind kind_;
  Eigen::MatrixXd U_, V_;
  Eigen::VectorXd sigma_;
  int a_ = 0, b_ = 1;
  double x_min_ = 0, x_max_ = 1, y_min_ = 0, y_max_ = 1;
  bool joint_ = true;
  std::vector<double> weights_;  // w_k for joint (index k), 1 for planted
};

/// The loss as a function of the single overlap m = ⟨w, w*⟩ ∈ [−1, 1] for r = 1 (n ≥ 2 equispaced values,
/// m_i = −1 + 2i/(n − 1)): the joint profile is even in m, the planted one is not. For r > 1 the profile along
/// M = m·I. Throws InputError for n < 2.
std::vector<double> loss_profile(const Objective& objective, int n);

}  // namespace grassflow
