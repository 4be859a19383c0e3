// What the data-reading fuzz targets require of every dataset a reader returns: at least one input coordinate,
// one response per row, and only finite values. Aborts (a fuzz failure) otherwise.
#pragma once

#include <cmath>
#include <cstdlib>
#include <vector>

#include "grassflow/sampling.h"

inline void require_finite_dataset(const grassflow::Dataset& set) {
  if (set.y.size() != set.size() || set.dim() < 1) std::abort();
  std::vector<double> row(set.dim());
  for (std::size_t i = 0; i < set.size(); ++i) {
    set.x.copy_row(i, row.data());
    for (double v : row)
      if (!std::isfinite(v)) std::abort();
    if (!std::isfinite(set.y[i])) std::abort();
  }
}
