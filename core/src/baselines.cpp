#include "grassflow/baselines.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <stdexcept>
#include <thread>
#include <vector>

#include "grassflow/errors.h"
#include "grassflow/manifold.h"

#if GRASSFLOW_HAVE_LAPACK
#include <cblas.h>
#include <lapacke.h>
extern "C" {
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
}
#endif

namespace grassflow {

const SubspaceEstimate& BaselineResult::value() const {
  if (error) std::rethrow_exception(error);
  return estimate;
}

namespace {

constexpr std::size_t kBlock = 1024;  // rows per rank-k update
constexpr double kSingular = 1e-12;   // Σ̂ with a smaller reciprocal condition number is singular

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

// ---- The dense kernels: OpenBLAS/LAPACK natively, Eigen in WebAssembly. Matrices are column-major d×d with
// leading dimension d; "lower" means only the lower triangle is read or written.

// C += alpha · U Uᵀ on C's lower triangle, U d×k.
void syrk_lower(double* C, Index d, const double* U, Index k, double alpha) {
  if (k == 0) return;
#if GRASSFLOW_HAVE_LAPACK
  cblas_dsyrk(CblasColMajor, CblasLower, CblasNoTrans, static_cast<int>(d), static_cast<int>(k), alpha, U,
              static_cast<int>(d), 1.0, C, static_cast<int>(d));
#else
  Eigen::Map<MatrixXd> c(C, d, d);
  c.selfadjointView<Eigen::Lower>().rankUpdate(Eigen::Map<const MatrixXd>(U, d, k), alpha);
#endif
}

// Overwrites S's lower triangle (Σ̂) with its Cholesky factor L; false when Σ̂ is not positive definite or its
// reciprocal condition number (1-norm estimate) is below kSingular.
bool cholesky_lower(MatrixXd& S) {
  const Index d = S.rows();
#if GRASSFLOW_HAVE_LAPACK
  const int n = static_cast<int>(d);
  const double norm = LAPACKE_dlansy(LAPACK_COL_MAJOR, '1', 'L', n, S.data(), n);
  if (LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'L', n, S.data(), n) != 0) return false;
  double rcond = 0;
  if (LAPACKE_dpocon(LAPACK_COL_MAJOR, 'L', n, S.data(), n, norm, &rcond) != 0) return false;
  return rcond >= kSingular;
#else
  const Eigen::LLT<MatrixXd> llt(S);
  if (llt.info() != Eigen::Success || !(llt.rcond() >= kSingular)) return false;
  S.triangularView<Eigen::Lower>() = llt.matrixL();
  (void)d;
  return true;
#endif
}

// Copies the lower triangle of the d×d block at A onto its upper triangle.
void symmetrize(double* A, Index d) {
  Eigen::Map<MatrixXd> a(A, d, d);
  constexpr Index kTile = 64;  // transpose tile by tile (a column-by-row copy strides through memory)
  for (Index j0 = 0; j0 < d; j0 += kTile)
    for (Index i0 = j0; i0 < d; i0 += kTile) {
      const Index rows = std::min(kTile, d - i0), cols = std::min(kTile, d - j0);
      for (Index j = 0; j < cols; ++j)
        for (Index i = 0; i < rows; ++i)
          if (i0 + i > j0 + j) a(j0 + j, i0 + i) = a(i0 + i, j0 + j);
    }
}

// B ← L⁻¹ B, B d×k (L lower triangular from cholesky_lower).
void solve_lower(const MatrixXd& L, double* B, Index k) {
  const Index d = L.rows();
#if GRASSFLOW_HAVE_LAPACK
  cblas_dtrsm(CblasColMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, static_cast<int>(d),
              static_cast<int>(k), 1.0, L.data(), static_cast<int>(d), B, static_cast<int>(d));
#else
  Eigen::Map<MatrixXd> b(B, d, k);
  L.triangularView<Eigen::Lower>().solveInPlace(b);
#endif
}

// A ← L⁻¹ A L⁻ᵀ for the symmetric A given by its lower triangle; A comes out full (symmetric up to rounding).
void congruence(double* A, const MatrixXd& L) {
  const Index d = L.rows();
  symmetrize(A, d);
  solve_lower(L, A, d);  // L⁻¹A
#if GRASSFLOW_HAVE_LAPACK
  cblas_dtrsm(CblasColMajor, CblasRight, CblasLower, CblasTrans, CblasNonUnit, static_cast<int>(d), static_cast<int>(d),
              1.0, L.data(), static_cast<int>(d), A, static_cast<int>(d));
#else
  Eigen::Map<MatrixXd> a(A, d, d);
  L.triangularView<Eigen::Lower>().transpose().solveInPlace<Eigen::OnTheRight>(a);
#endif
}

// C += alpha · Eᵀ E on C's lower triangle, E d×d.
void syrk_lower_transposed(double* C, const double* E, Index d, double alpha) {
#if GRASSFLOW_HAVE_LAPACK
  cblas_dsyrk(CblasColMajor, CblasLower, CblasTrans, static_cast<int>(d), static_cast<int>(d), alpha, E,
              static_cast<int>(d), 1.0, C, static_cast<int>(d));
#else
  Eigen::Map<MatrixXd> c(C, d, d);
  c.selfadjointView<Eigen::Lower>().rankUpdate(Eigen::Map<const MatrixXd>(E, d, d).transpose(), alpha);
#endif
}

// The r eigenpairs of the symmetric M (lower triangle; destroyed) that the method ranks first: by descending λ,
// or by descending |λ| (ties: ascending λ, as a stable sort of the ascending spectrum would leave them).
void top_eigenpairs(MatrixXd& M, int r, bool by_magnitude, VectorXd& values, MatrixXd& vectors) {
  const Index d = M.rows();
  // Candidate index ranges of the ascending spectrum (1-based, inclusive): the top r, and for |λ| the bottom r.
  std::vector<std::pair<Index, Index>> ranges;
  if (!by_magnitude)
    ranges.push_back({d - r + 1, d});
  else if (2 * static_cast<Index>(r) >= d)
    ranges.push_back({1, d});
  else
    ranges = {{1, r}, {d - r + 1, d}};
  std::vector<double> lambda;
  MatrixXd candidates(d, 0);
#if GRASSFLOW_HAVE_LAPACK
  const int n = static_cast<int>(d);
  VectorXd diag(d), off(std::max<Index>(d - 1, 1)), tau(std::max<Index>(d - 1, 1));
  if (LAPACKE_dsytrd(LAPACK_COL_MAJOR, 'L', n, M.data(), n, diag.data(), off.data(), tau.data()) != 0)
    throw std::runtime_error("baselines: LAPACK dsytrd failed");
  Index total = 0;
  for (const auto& range : ranges) total += range.second - range.first + 1;
  candidates.resize(d, total);
  Index column = 0;
  for (const auto& range : ranges) {
    const Index count = range.second - range.first + 1;
    VectorXd dd = diag, ee(d);
    ee.head(d - 1) = off.head(d - 1);
    ee(d - 1) = 0;
    VectorXd w(d);
    std::vector<lapack_int> support(2 * static_cast<std::size_t>(d));
    lapack_int found = 0;
    lapack_logical tryrac = 1;
    const char which = count == d ? 'A' : 'I';
    if (LAPACKE_dstemr(LAPACK_COL_MAJOR, 'V', which, n, dd.data(), ee.data(), 0.0, 0.0,
                       static_cast<lapack_int>(range.first), static_cast<lapack_int>(range.second), &found, w.data(),
                       candidates.col(column).data(), n, static_cast<lapack_int>(count), support.data(),
                       &tryrac) != 0 ||
        found != count)
      throw std::runtime_error("baselines: LAPACK dstemr failed");
    for (Index k = 0; k < count; ++k) lambda.push_back(w(k));
    column += count;
  }
  if (LAPACKE_dormtr(LAPACK_COL_MAJOR, 'L', 'L', 'N', n, static_cast<int>(total), M.data(), n, tau.data(),
                     candidates.data(), n) != 0)
    throw std::runtime_error("baselines: LAPACK dormtr failed");
#else
  const Eigen::SelfAdjointEigenSolver<MatrixXd> eig(M);
  Index total = 0;
  for (const auto& range : ranges) total += range.second - range.first + 1;
  candidates.resize(d, total);
  Index column = 0;
  for (const auto& range : ranges)
    for (Index k = range.first - 1; k < range.second; ++k) {
      lambda.push_back(eig.eigenvalues()(k));
      candidates.col(column++) = eig.eigenvectors().col(k);
    }
#endif
  std::vector<Index> order(lambda.size());
  std::iota(order.begin(), order.end(), Index{0});
  std::stable_sort(order.begin(), order.end(), [&](Index a, Index b) {
    const double la = lambda[static_cast<std::size_t>(a)], lb = lambda[static_cast<std::size_t>(b)];
    return by_magnitude ? std::abs(la) > std::abs(lb) : la > lb;
  });
  values.resize(r);
  vectors.resize(d, r);
  for (Index c = 0; c < r; ++c) {
    values(c) = lambda[static_cast<std::size_t>(order[static_cast<std::size_t>(c)])];
    vectors.col(c) = candidates.col(order[static_cast<std::size_t>(c)]);
  }
}

// OpenBLAS's thread count for the lifetime of the guard (0 = all cores), then back to what it was.
class BlasThreads {
 public:
  explicit BlasThreads(int threads) {
#if GRASSFLOW_HAVE_LAPACK
    previous_ = openblas_get_num_threads();
    openblas_set_num_threads(threads > 0 ? threads
                                         : static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
#else
    (void)threads;
#endif
  }
  ~BlasThreads() {
#if GRASSFLOW_HAVE_LAPACK
    openblas_set_num_threads(previous_);
#endif
  }
  BlasThreads(const BlasThreads&) = delete;
  BlasThreads& operator=(const BlasThreads&) = delete;

#if GRASSFLOW_HAVE_LAPACK
 private:
  int previous_ = 1;
#endif
};

// ---- The fit.

struct Method {
  const char* name;
  bool wanted;
  BaselineResult* result;
};

void fail(Method& m, const std::exception_ptr& e) {
  m.result->error = e;
  m.wanted = false;
}

template <class Error>
void fail(Method& m, const char* key, const std::string& message) {
  fail(m, std::make_exception_ptr(Error(key, std::string(m.name) + ": " + message)));
}

// "1792 bytes", "480 MiB".
std::string size_text(double bytes) {
  char text[64];
  if (bytes < (1 << 20))
    std::snprintf(text, sizeof text, "%.0f bytes", bytes);
  else
    std::snprintf(text, sizeof text, "%.0f MiB", bytes / (1 << 20));
  return text;
}

// The estimate from the z-space kernel M (lower, destroyed) and the Cholesky factor L: span L⁻ᵀη.
SubspaceEstimate finish(MatrixXd& M, const MatrixXd& L, int r, bool by_magnitude) {
  SubspaceEstimate estimate;
  MatrixXd eta;
  top_eigenpairs(M, r, by_magnitude, estimate.eigenvalues, eta);
  L.triangularView<Eigen::Lower>().transpose().solveInPlace(eta);
  estimate.basis = orthonormal_factor(eta);
  return estimate;
}

}  // namespace

BaselineFits fit_baselines(const Dataset& data, int r, const BaselineOptions& options) {
  if (options.threads < 0)
    throw InputError("threads",
                     "threads = " + std::to_string(options.threads) + "; use 0 for all cores or a positive count");
  BaselineFits fits;
  Method sir{"SIR", options.sir, &fits.sir}, save{"SAVE", options.save, &fits.save}, phd{"pHd", options.phd, &fits.phd};
  Method* methods[] = {&sir, &save, &phd};
  const std::size_t n = data.size(), d = data.dim();
  const std::size_t H = static_cast<std::size_t>(std::max(options.slices, 1));
  for (Method* m : methods) {
    if (!m->wanted) {
      fail<InputError>(*m, "", "not requested");
      continue;
    }
    if (r < 1 || static_cast<std::size_t>(r) > d)
      fail<InputError>(*m, "r", "r = " + std::to_string(r) + " with d = " + std::to_string(d) + "; need 1 <= r <= d");
    else if (n <= d)
      fail<InputError>(*m, "n",
                       "n = " + std::to_string(n) + " samples for d = " + std::to_string(d) +
                           "; the sample covariance needs n > d (draw more samples)");
    else if (m != &phd && (options.slices < 2 || n < 2 * H))
      fail<InputError>(*m, "slices",
                       std::to_string(options.slices) + " slices for n = " + std::to_string(n) +
                           " samples; need at least 2 slices and 2 samples per slice");
  }
  // Σ̂ (then L), pHd's two signed moments, one kernel matrix; SAVE keeps each slice's moment.
  const double need =
      (4.0 + (save.wanted ? static_cast<double>(H) : 0.0)) * static_cast<double>(d) * static_cast<double>(d) * 8.0;
  if (need > static_cast<double>(options.memory_cap))
    for (Method* m : methods) {
      if (!m->wanted) continue;
      fail<LimitError>(*m, "d",
                       "d = " + std::to_string(d) + " needs " + size_text(need) +
                           " of d x d matrices, above the cap of " +
                           size_text(static_cast<double>(options.memory_cap)) + "; lower d");
    }
  if (!sir.wanted && !save.wanted && !phd.wanted) return fits;

  const BlasThreads blas_threads(options.threads);
  const auto dd = static_cast<Index>(d);
  const bool sliced = sir.wanted || save.wanted;
  const std::size_t slices = sliced ? H : 1;

  // Rows in slice order: sorted by y, ties by index (pHd alone uses the order too: see P₋ below).
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return data.y[a] < data.y[b]; });
  double y_mean = 0;
  for (double y : data.y) y_mean += y;
  y_mean /= static_cast<double>(n);

  // Moments about a provisional centre c (the mean of the first rows), so that a large common offset of the
  // inputs does not cancel digits in Σ x xᵀ − n μ̂μ̂ᵀ: u = x − c.
  VectorXd c = VectorXd::Zero(dd), x(dd);
  const std::size_t head = std::min(n, kBlock);
  for (std::size_t i = 0; i < head; ++i) {
    data.x.copy_row(i, x.data());
    c += x;
  }
  c /= static_cast<double>(head);

  // The pass. S holds Σ_{slice} u uᵀ for each slice (SAVE) or their sum; P₊ and P₋ the moments Σ |w| u uᵀ of
  // the rows with w = y − ȳ ≥ 0 and < 0 (rows in order of y: within a block the negative weights come first).
  MatrixXd S = MatrixXd::Zero(dd, save.wanted ? dd * static_cast<Index>(slices) : dd);
  MatrixXd P_plus, P_minus;
  VectorXd g;  // Σ w u
  double w_sum = 0;
  if (phd.wanted) {
    P_plus = MatrixXd::Zero(dd, dd);
    P_minus = MatrixXd::Zero(dd, dd);
    g = VectorXd::Zero(dd);
  }
  MatrixXd slice_sums(dd, static_cast<Index>(slices));  // Σ_{slice} u
  std::vector<std::size_t> slice_size(slices);
  MatrixXd U(dd, static_cast<Index>(std::min(n, kBlock)));
  VectorXd w(U.cols());
  for (std::size_t h = 0; h < slices; ++h) {
    const std::size_t begin = h * n / slices, end = (h + 1) * n / slices;
    slice_size[h] = end - begin;
    double* S_h = S.data() + (save.wanted ? static_cast<Index>(h) * dd * dd : 0);
    VectorXd sum = VectorXd::Zero(dd);
    for (std::size_t b = begin; b < end; b += kBlock) {
      const auto k = static_cast<Index>(std::min(kBlock, end - b));
      for (Index j = 0; j < k; ++j) {
        data.x.copy_row(order[b + static_cast<std::size_t>(j)], U.col(j).data());
        U.col(j) -= c;
      }
      const auto block = U.leftCols(k);
      sum += block.rowwise().sum();
      syrk_lower(S_h, dd, U.data(), k, 1.0);
      if (!phd.wanted) continue;
      Index negative = 0;
      for (Index j = 0; j < k; ++j) {
        w(j) = data.y[order[b + static_cast<std::size_t>(j)]] - y_mean;
        w_sum += w(j);
        if (w(j) < 0) negative = j + 1;
      }
      g.noalias() += block * w.head(k);
      for (Index j = 0; j < k; ++j) U.col(j) *= std::sqrt(std::abs(w(j)));
      syrk_lower(P_minus.data(), dd, U.data(), negative, 1.0);
      syrk_lower(P_plus.data(), dd, U.data() + negative * dd, k - negative, 1.0);
    }
    slice_sums.col(static_cast<Index>(h)) = sum;
  }

  // Σ̂ = (1/n) Σ u uᵀ − ūūᵀ (lower), ū = μ̂ − c; then L.
  const VectorXd u_mean = slice_sums.rowwise().sum() / static_cast<double>(n);
  MatrixXd L;
  if (save.wanted) {
    L = S.leftCols(dd);
    for (std::size_t h = 1; h < slices; ++h) L += S.middleCols(static_cast<Index>(h) * dd, dd);
  } else {
    L = std::move(S);
    S.resize(0, 0);
  }
  for (Index j = 0; j < dd; ++j)
    L.col(j).tail(dd - j) = L.col(j).tail(dd - j) / static_cast<double>(n) - u_mean.tail(dd - j) * u_mean(j);
  if (!cholesky_lower(L)) {
    for (Method* m : methods)
      if (m->wanted)
        fail<InputError>(*m, "data",
                         "the inputs' sample covariance is singular (some direction has no variance); drop "
                         "constant or collinear columns, or draw more samples");
    return fits;
  }
  const auto run = [&](Method& m, auto&& fit) {
    if (!m.wanted) return;
    try {
      m.result->estimate = fit();
    } catch (...) {
      fail(m, std::current_exception());
    }
  };

  // pHd: M = L⁻¹ [(1/n) Σ w (u − ū)(u − ū)ᵀ] L⁻ᵀ, expanded: Σ w u uᵀ − g ūᵀ − ū gᵀ + (Σ w) ūūᵀ.
  run(phd, [&] {
    MatrixXd& M = P_plus;
    for (Index j = 0; j < dd; ++j) {
      const Index t = dd - j;
      M.col(j).tail(t) = (M.col(j).tail(t) - P_minus.col(j).tail(t) - g.tail(t) * u_mean(j) - u_mean.tail(t) * g(j) +
                          w_sum * u_mean.tail(t) * u_mean(j)) /
                         static_cast<double>(n);
    }
    P_minus.resize(0, 0);
    congruence(M.data(), L);
    return finish(M, L, r, true);
  });
  P_plus.resize(0, 0);

  // SIR: M = G Gᵀ with column h of G = √p_h L⁻¹(m_h − μ̂): rank ≤ H, so its eigenpairs come from G's thin SVD
  // G = UΣVᵀ (eigenvalues σ², eigenvectors U) when r ≤ H; beyond H from M itself.
  run(sir, [&] {
    MatrixXd G(dd, static_cast<Index>(slices));
    for (std::size_t h = 0; h < slices; ++h)
      G.col(static_cast<Index>(h)) =
          std::sqrt(static_cast<double>(slice_size[h]) / static_cast<double>(n)) *
          (slice_sums.col(static_cast<Index>(h)) / static_cast<double>(slice_size[h]) - u_mean);
    L.triangularView<Eigen::Lower>().solveInPlace(G);
    if (static_cast<Index>(r) > G.cols()) {
      MatrixXd M = MatrixXd::Zero(dd, dd);
      syrk_lower(M.data(), dd, G.data(), G.cols(), 1.0);
      return finish(M, L, r, false);
    }
    const Eigen::JacobiSVD<MatrixXd> svd(G, Eigen::ComputeThinU);  // singular values in decreasing order
    SubspaceEstimate estimate;
    estimate.eigenvalues = svd.singularValues().head(r).cwiseAbs2();
    MatrixXd eta = svd.matrixU().leftCols(r);
    L.triangularView<Eigen::Lower>().transpose().solveInPlace(eta);
    estimate.basis = orthonormal_factor(eta);
    return estimate;
  });

  // SAVE: M = Σ_h p_h A_h², A_h = I − L⁻¹C_hL⁻ᵀ, C_h = (1/n_h) Σ_h u uᵀ − ū_h ū_hᵀ (the slice's covariance).
  // As I = L⁻¹Σ̂L⁻ᵀ, A_h = L⁻¹(Σ̂ − C_h)L⁻ᵀ and A_h² = L⁻¹E_hᵀE_hL⁻ᵀ with E_h = L⁻¹(Σ̂ − C_h) = Lᵀ − L⁻¹C_h:
  // M = L⁻¹[Σ_h p_h E_hᵀE_h]L⁻ᵀ, from one triangular solve with all H slices and H rank-d updates.
  run(save, [&] {
    for (std::size_t h = 0; h < slices; ++h) {
      double* C = S.data() + static_cast<Index>(h) * dd * dd;
      Eigen::Map<MatrixXd> cov(C, dd, dd);
      const double count = static_cast<double>(slice_size[h]);
      const VectorXd mean = slice_sums.col(static_cast<Index>(h)) / count;
      for (Index j = 0; j < dd; ++j)
        cov.col(j).tail(dd - j) = cov.col(j).tail(dd - j) / count - mean.tail(dd - j) * mean(j);
      symmetrize(C, dd);
    }
    solve_lower(L, S.data(), S.cols());  // L⁻¹C_h for every h
    MatrixXd M = MatrixXd::Zero(dd, dd);
    for (std::size_t h = 0; h < slices; ++h) {
      Eigen::Map<MatrixXd> e(S.data() + static_cast<Index>(h) * dd * dd, dd, dd);
      for (Index j = 0; j < dd; ++j) {  // E_h = Lᵀ − L⁻¹C_h: row j of L is column j of Lᵀ
        e.col(j).head(j + 1) = L.row(j).head(j + 1).transpose() - e.col(j).head(j + 1);
        e.col(j).tail(dd - j - 1) *= -1.0;
      }
      syrk_lower_transposed(M.data(), e.data(), dd, static_cast<double>(slice_size[h]) / static_cast<double>(n));
    }
    S.resize(0, 0);
    congruence(M.data(), L);
    return finish(M, L, r, false);
  });
  return fits;
}

namespace {
BaselineOptions only(bool sir, bool save, bool phd, int slices, std::size_t memory_cap) {
  BaselineOptions options;
  options.sir = sir;
  options.save = save;
  options.phd = phd;
  options.slices = slices;
  options.memory_cap = memory_cap;
  return options;
}
}  // namespace

SubspaceEstimate sliced_inverse_regression(const Dataset& data, int r, int slices, std::size_t memory_cap) {
  return fit_baselines(data, r, only(true, false, false, slices, memory_cap)).sir.value();
}

SubspaceEstimate sliced_average_variance(const Dataset& data, int r, int slices, std::size_t memory_cap) {
  return fit_baselines(data, r, only(false, true, false, slices, memory_cap)).save.value();
}

SubspaceEstimate principal_hessian_directions(const Dataset& data, int r, std::size_t memory_cap) {
  return fit_baselines(data, r, only(false, false, true, 10, memory_cap)).phd.value();
}

}  // namespace grassflow
