// Multi-indices β ∈ N^r labelling the Hermite basis H_β(z) = Π_i h_{β_i}(z_i) (docs/theory.md §2).
// The project's one order (used by every list of coefficients, the CLI's JSON and the app's tables):
// by total degree |β| = Σ_i β_i first, then lexicographically with the first variable most significant and
// larger exponents first ("graded lexicographic", z1 ≻ z2 ≻ ... ≻ zr). For r = 3:
//   (0,0,0); (1,0,0), (0,1,0), (0,0,1); (2,0,0), (1,1,0), (1,0,1), (0,2,0), (0,1,1), (0,0,2); (3,0,0), ...
// The rank of β in this order does not depend on the truncation degree K.
#pragma once

#include <cstddef>
#include <vector>

namespace grassflow {

/// Number of β ∈ N^r with |β| = k: C(k + r − 1, r − 1) (the dimension of degree-k Hermite polynomials).
/// r ≥ 1, k ≥ 0; throws std::invalid_argument otherwise, std::overflow_error if the count exceeds size_t.
std::size_t multi_index_count_of_degree(int r, int k);

/// Number of β ∈ N^r with |β| ≤ K: C(K + r, r). Same requirements as above.
std::size_t multi_index_count(int r, int K);

/// All β with |β| ≤ K, in the order above (multi_index_count(r, K) entries, each with r entries).
std::vector<std::vector<int>> multi_indices(int r, int K);

/// The position of β in the order above (0 for β = 0). Throws std::invalid_argument on an empty β or a
/// negative entry.
std::size_t multi_index_rank(const std::vector<int>& beta);

/// The β ∈ N^r at position `rank` in the order above: the inverse of `multi_index_rank`.
std::vector<int> multi_index_unrank(int r, std::size_t rank);

}  // namespace grassflow
