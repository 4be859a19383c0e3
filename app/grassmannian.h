// The geometry of the Grassmannian panel ([sphere], app/panel_sphere.cpp), apart from any drawing so that it is
// testable: the principal frame of span(W*), the learned directions' coordinates in it, and the decimation that
// keeps a frame's cost independent of the length of the history. Conventions of docs/theory.md §1: M = WᵀW*
// (r×r, learner first); row i of M holds the coordinates of P_{W*}w_i, the projection of the i-th learned
// direction onto span(W*), along the columns of W*.
#pragma once

#include <Eigen/Dense>
#include <cstddef>
#include <vector>

namespace grassflow::app {

/// The principal frame of span(W*) for the overlap M (r×r): V of the SVD M = UΣVᵀ (docs/theory.md (1.5)), an
/// r×r orthogonal matrix whose columns are ordered by descending singular value σ_1 ≥ … ≥ σ_r (the principal
/// cosines). Each column's sign is chosen so that the entry of largest magnitude of the matching column of MV
/// (σ_j u_j) is ≥ 0: the learned direction closest to the j-th principal direction sits on the positive axis j.
/// Deterministic for a given M; ill-defined (any V) where singular values coincide, e.g. M = I/√d.
Eigen::MatrixXd principal_frame(const Eigen::MatrixXd& M);

/// The learned directions in the frame V (r×r orthogonal, e.g. principal_frame(M)): the r×r matrix MV, whose
/// row i gives P_{W*}w_i along the columns of W*V. Row i's norm is ‖row_i(M)‖ = cos ∠(w_i, span W*) ∈ [0, 1]:
/// 0 on the equator (w_i ⟂ span W*), 1 on the boundary circle (w_i ∈ span W*). Column j's norm is σ_j when
/// V = principal_frame(M). Invariant under a rotation of the target frame (M → MR, V → RᵀV).
Eigen::MatrixXd disk_coordinates(const Eigen::MatrixXd& M, const Eigen::MatrixXd& V);

/// M with row k replaced by the point p (r entries, in the frame V): row_k = pᵀVᵀ. The overlap whose k-th
/// direction sits at p of the disk with the others where M has them; the r = 2 panel's background is the loss
/// over p. Requires 0 ≤ k < r and p of size r.
Eigen::MatrixXd with_row_at(const Eigen::MatrixXd& M, int k, const Eigen::VectorXd& p, const Eigen::MatrixXd& V);

/// Which of `count` recorded samples a path draws: at most max(2, `max_points`) indices, ascending and distinct,
/// evenly spaced in index (the explorer records one sample per frame, so evenly in the frames' pacing), the
/// first and the last (the current point) always included; all of them when count ≤ max_points, none when
/// count = 0. Costs O(max_points), whatever `count`.
std::vector<std::size_t> decimate(std::size_t count, std::size_t max_points);

}  // namespace grassflow::app
