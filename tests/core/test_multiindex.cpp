// Multi-index enumeration: the documented graded lexicographic order, counts, rank/unrank round trips.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <stdexcept>

#include "grassflow/multiindex.h"

using namespace grassflow;

TEST_CASE("multi-indices come by degree, then lexicographically with z1 most significant") {
  const std::vector<std::vector<int>> expected = {{0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {2, 0, 0},
                                                  {1, 1, 0}, {1, 0, 1}, {0, 2, 0}, {0, 1, 1}, {0, 0, 2}};
  CHECK(multi_indices(3, 2) == expected);
  CHECK(multi_indices(1, 3) == std::vector<std::vector<int>>{{0}, {1}, {2}, {3}});
  CHECK(multi_index_count(3, 2) == 10);
  CHECK(multi_index_count_of_degree(3, 2) == 6);
  CHECK(multi_index_count(4, 8) == 495);
  CHECK(multi_index_count_of_degree(2, 7) == 8);
}

TEST_CASE("enumeration is complete, ordered, and rank/unrank invert it") {
  for (int r = 1; r <= 5; ++r)
    for (int K = 0; K <= 7; ++K) {
      const auto all = multi_indices(r, K);
      REQUIRE(all.size() == multi_index_count(r, K));
      std::set<std::vector<int>> distinct(all.begin(), all.end());
      CHECK(distinct.size() == all.size());
      for (std::size_t i = 0; i < all.size(); ++i) {
        int degree = 0;
        for (int b : all[i]) degree += b;
        CHECK(degree <= K);
        CHECK(multi_index_rank(all[i]) == i);
        CHECK(multi_index_unrank(r, i) == all[i]);
        if (i > 0) {
          int previous_degree = 0;
          for (int b : all[i - 1]) previous_degree += b;
          // Within a degree, strictly decreasing lexicographic order.
          const bool ordered =
              previous_degree < degree ||
              (previous_degree == degree &&
               std::lexicographical_compare(all[i].begin(), all[i].end(), all[i - 1].begin(), all[i - 1].end()));
          CHECK(ordered);
        }
      }
    }
  CHECK(multi_index_unrank(3, 10) == std::vector<int>{3, 0, 0});
  CHECK(multi_index_rank({0, 0, 0, 9}) + 1 == multi_index_count(4, 9));
  CHECK_THROWS_AS(multi_index_rank({1, -1}), std::invalid_argument);
  CHECK_THROWS_AS(multi_index_count(0, 3), std::invalid_argument);
}
