#include "grassmannian.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace grassflow::app {

Eigen::MatrixXd principal_frame(const Eigen::MatrixXd& M) {
  const Eigen::JacobiSVD<Eigen::MatrixXd> svd(M, Eigen::ComputeFullU | Eigen::ComputeFullV);
  Eigen::MatrixXd V = svd.matrixV();  // Eigen orders the singular values descending
  const Eigen::MatrixXd MV = M * V;
  for (Eigen::Index j = 0; j < V.cols(); ++j) {
    Eigen::Index top = 0;
    for (Eigen::Index i = 1; i < MV.rows(); ++i)
      if (std::fabs(MV(i, j)) > std::fabs(MV(top, j))) top = i;
    if (MV(top, j) < 0) V.col(j) = -V.col(j);
  }
  return V;
}

Eigen::MatrixXd disk_coordinates(const Eigen::MatrixXd& M, const Eigen::MatrixXd& V) {
  return M * V;
}

Eigen::MatrixXd with_row_at(const Eigen::MatrixXd& M, int k, const Eigen::VectorXd& p, const Eigen::MatrixXd& V) {
  Eigen::MatrixXd out = M;
  out.row(k) = (V * p).transpose();
  return out;
}

std::vector<std::size_t> decimate(std::size_t count, std::size_t max_points) {
  std::vector<std::size_t> indices;
  if (count == 0) return indices;
  const std::size_t n = std::min(count, std::max<std::size_t>(2, max_points));
  if (n == 1) return {0};
  indices.reserve(n);
  // ⌊i·(count − 1)/(n − 1)⌋: strictly increasing since count − 1 ≥ n − 1, from 0 to count − 1. The product in 64
  // bits: size_t is 32 bits in WebAssembly.
  for (std::size_t i = 0; i < n; ++i)
    indices.push_back(static_cast<std::size_t>(static_cast<std::uint64_t>(i) * (count - 1) / (n - 1)));
  return indices;
}

}  // namespace grassflow::app
