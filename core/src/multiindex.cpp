#include "grassflow/multiindex.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace grassflow {

namespace {

// C(n, k) in exact integer arithmetic (each partial product C(n−k+i, i) is an integer).
std::size_t binomial(std::size_t n, std::size_t k) {
  if (k > n) return 0;
  if (k > n - k) k = n - k;
  std::size_t c = 1;
  for (std::size_t i = 1; i <= k; ++i) {
    const std::size_t factor = n - k + i;
    if (c > std::numeric_limits<std::size_t>::max() / factor)
      throw std::overflow_error("multi-index count exceeds the range of size_t");
    c = c * factor / i;
  }
  return c;
}

void check_shape(int r, int k) {
  if (r < 1 || k < 0) throw std::invalid_argument("multi-indices: need r >= 1 and degree >= 0");
}

// Number of ways to fill `slots` entries with non-negative integers summing to `sum`.
std::size_t completions(int slots, int sum) {
  if (slots == 0) return sum == 0 ? 1 : 0;
  return binomial(static_cast<std::size_t>(sum + slots - 1), static_cast<std::size_t>(slots - 1));
}

}  // namespace

std::size_t multi_index_count_of_degree(int r, int k) {
  check_shape(r, k);
  return completions(r, k);
}

std::size_t multi_index_count(int r, int K) {
  check_shape(r, K);
  return binomial(static_cast<std::size_t>(K + r), static_cast<std::size_t>(r));
}

std::vector<std::vector<int>> multi_indices(int r, int K) {
  std::vector<std::vector<int>> all;
  all.reserve(multi_index_count(r, K));
  std::vector<int> beta(static_cast<std::size_t>(r), 0);
  for (int k = 0; k <= K; ++k) {
    // Start at (k, 0, ..., 0) and step to the lexicographic predecessor until (0, ..., 0, k).
    std::fill(beta.begin(), beta.end(), 0);
    beta[0] = k;
    while (true) {
      all.push_back(beta);
      // The predecessor moves one unit from the last non-zero entry before position r−1 to its right
      // neighbour, which then collects everything to its right.
      int i = r - 2;
      while (i >= 0 && beta[static_cast<std::size_t>(i)] == 0) --i;
      if (i < 0) break;
      const int tail = beta[static_cast<std::size_t>(r - 1)];
      beta[static_cast<std::size_t>(r - 1)] = 0;
      --beta[static_cast<std::size_t>(i)];
      beta[static_cast<std::size_t>(i + 1)] = tail + 1;
    }
  }
  return all;
}

std::size_t multi_index_rank(const std::vector<int>& beta) {
  if (beta.empty()) throw std::invalid_argument("multi_index_rank: empty multi-index");
  const int r = static_cast<int>(beta.size());
  int k = 0;
  for (int b : beta) {
    if (b < 0) throw std::invalid_argument("multi_index_rank: negative entry");
    k += b;
  }
  std::size_t rank = k == 0 ? 0 : multi_index_count(r, k - 1);
  // Count the β' of the same degree that precede β: a larger entry at the first position where they differ.
  int remaining = k;
  for (int i = 0; i + 1 < r; ++i) {
    const int b = beta[static_cast<std::size_t>(i)];
    for (int v = b + 1; v <= remaining; ++v) rank += completions(r - i - 1, remaining - v);
    remaining -= b;
  }
  return rank;
}

std::vector<int> multi_index_unrank(int r, std::size_t rank) {
  check_shape(r, 0);
  int k = 0;
  while (multi_index_count(r, k) <= rank) ++k;
  std::size_t offset = rank - (k == 0 ? 0 : multi_index_count(r, k - 1));
  std::vector<int> beta(static_cast<std::size_t>(r), 0);
  int remaining = k;
  for (int i = 0; i + 1 < r; ++i) {
    int v = remaining;
    while (true) {
      const std::size_t block = completions(r - i - 1, remaining - v);
      if (offset < block) break;
      offset -= block;
      --v;
    }
    beta[static_cast<std::size_t>(i)] = v;
    remaining -= v;
  }
  beta[static_cast<std::size_t>(r - 1)] = remaining;
  return beta;
}

}  // namespace grassflow
