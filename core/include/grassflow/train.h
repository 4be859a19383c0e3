// Finite-sample training of a multi-index model F(x) = f(Wᵀx), W ∈ St(d, r), on data (docs/theory.md §7): the
// practical two-timescale (variable projection) algorithm and its online SGD variant, with the observables
// that overlay the population flows (½·MSE losses, principal cosines with W*, sin θ_max, escape times).
//
// Fast step: for the current W, fit the link by ridge regression on features φ(z) of z = Wᵀx:
//   a = argmin (1/2m) Σ_i (a·φ(z_i) − y_i)² + (λ/2)‖a‖²,  i.e. (ΦᵀΦ/m + λI) a = Φᵀy/m (Cholesky, Eigen LLT),
// with φ = √c_{|β|} H_β(z), |β| ≤ K, in the graded order of multiindex.h (an isotropic Hermite kernel
// Σ_k c_k Σ_{|β|=k} H_β(z)H_β(z'); c_k = 1 is plain ridge on Hermite features, c_k = q^k a decaying kernel;
// in population ridge multiplies Φ_k by w_k = c_k/(c_k + λ)), or random ridge features √2·relu(θ_j·z) with
// θ_j uniform on the sphere (plus a constant; not degree-diagonal), or Mehler random features, exact in
// expectation for the kernel with c_k = q^k at all degrees (link_features.h).
// Slow step: the envelope theorem gives ∇_W L = (1/m) Σ_i r_i x_i ∇f̂(z_i)ᵀ with r_i = f̂(z_i) − y_i (no
// derivative through the fitted coefficients); the Riemannian gradient on the Grassmannian is
// ξ = (I − WWᵀ)∇_W L and W ← qr_retraction(W, −η_s ξ) (manifold.h). Gradient-flow time t = Σ_s η_s.
// Variants (TrainVariant):
//   exact   each step reads X twice: Z = XW to fit the link, then the gradient (kernels.h).
//   lagged  one fused pass per step: the gradient at W_k uses the link fitted at W_{k−1}, while the same pass
//           accumulates the normal equations of the fit at W_k (train loss from those sufficient statistics).
//   online  fresh samples at every step, no stored data (memory O(d·(r + block))): the link coefficients
//           follow SGD too, a ← a − ρη_s(∇_a L̂ + λa), ρ the two-timescale ratio (ρ → ∞ approaches the
//           exact fast step); the record's train loss is the batch loss before the update.
// Schedules η_s (s = 0, 1, ...): "constant"; "inverse:τ" η/(1 + s/τ); "cosine" η(1 + cos(πs/T))/2 over the
// planned T steps.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "grassflow/kernels.h"
#include "grassflow/sampling.h"

namespace grassflow {

enum class TrainVariant { exact, lagged, online };

/// The most steps a training run takes (a day of the smallest problems' steps) and the most threads it uses.
constexpr long kMaxTrainSteps = 1000000000;
constexpr int kMaxThreads = 1024;

/// One process's share of the training samples in data-parallel training (docs/cli.md, "Open MPI"): this process
/// holds rows [first_row, first_row + m) of the `total_rows` training samples (m its dataset's size, possibly 0) and
/// `sum` adds arrays of doubles over the processes in place, every process receiving the same bits (e.g. an MPI
/// reduce then broadcast). Each pass computes this process's share; the normal equations of the link fit, the
/// gradient, the losses and the test loss (over each process's held-out rows) are summed, so every process takes
/// the steps one process holding every row takes, up to the order of summation (~1e-15 relative a step). The
/// batch windows are windows of the global rows. Stored data only (exact or lagged).
struct DataShare {
  std::size_t first_row = 0;
  std::size_t total_rows = 0;
  std::function<void(double* values, std::size_t count)> sum;  ///< empty: one process holds every row

  bool shared() const { return static_cast<bool>(sum); }
};

/// Parameters of a training run, with the defaults of docs/theory.md §7's experiments (d = 50, K = 2, λ = 1e-4,
/// η = 0.1).
struct TrainOptions {
  int r = 1;  ///< rank of the learner W ∈ St(d, r)
  TrainVariant variant = TrainVariant::exact;
  std::string features = "hermite";      ///< "hermite", "hermite-kernel:q" (c_k = q^k, 0 < q), "relu:M", "mehler:M[:q]"
  int degree = 2;                        ///< K, the largest |β| of the Hermite features (1 ≤ K ≤ 12)
  double ridge = 1e-4;                   ///< λ ≥ 0
  double lr = 0.1;                       ///< η > 0, the subspace's step size
  std::string schedule = "constant";     ///< "constant", "inverse:τ" (τ > 0), "cosine"
  long steps = 1000;                     ///< T, the planned number of steps, 0..kMaxTrainSteps (cosine schedule)
  std::size_t batch = 0;                 ///< samples per step: 0 = all (stored data); online default 256
  double ratio = 10.0;                   ///< ρ > 0: the link's SGD rate over the subspace's (online)
  std::uint64_t seed = 0;                ///< seeds the start W(0) and the random features
  int threads = 1;                       ///< native threads in the kernels, 1..kMaxThreads (ignored in WebAssembly)
  std::optional<Eigen::MatrixXd> start;  ///< W(0) (d×r orthonormal); default Haar-random from the seed
  DataShare share;                       ///< data-parallel training: this process's rows (default: every row)
};

/// The state after `step` steps.
struct TrainRecord {
  long step = 0;
  double t = 0.0;           ///< gradient-flow time Σ η_s
  double train_loss = 0.0;  ///< ½ mean (f̂ − y)² on the step's samples (online: the batch, before its update)
  double test_loss = 0.0;   ///< ½ mean (f̂ − y)² on the held-out samples, NaN without any
  Eigen::VectorXd cosines;  ///< cosines of the principal angles with W*, descending (empty if W* unknown)
  double subspace_error = std::numeric_limits<double>::quiet_NaN();  ///< sin θ_max, NaN if W* unknown
};

/// A training run, advanced one step at a time (for the explorer) or all at once. Every record stays
/// queryable. Not copyable (it owns the data); movable.
class Trainer {
 public:
  /// Stored data: trains on `train`, measures the test loss on `test` (may be empty), reports angles against
  /// `w_star` (d×r orthonormal) when given. variant must be exact or lagged. Fits the link at W(0) and
  /// records step 0. Throws InputError on bad options (the message names the option: --lr, --ridge, ...),
  /// d < r, empty data or mismatched dimensions, a singular fit with λ = 0, a DataShare whose rows lie outside
  /// its total; warns (warnings()) when n is below the number of features and raises λ to at least 1e-3. With
  /// options.share, `train` is this process's rows and `test` its share of the held-out rows (either may be
  /// empty), and every process must construct and step its Trainer alike (the sums are collective).
  Trainer(Dataset train, Dataset test, std::optional<Eigen::MatrixXd> w_star, TrainOptions options);
  /// Online SGD on fresh samples of `stream` (variant must be online; no options.share: InputError); W* is the
  /// stream's. Records step 0 (train loss NaN: no batch yet).
  Trainer(SampleStream stream, Dataset test, TrainOptions options);
  ~Trainer();
  Trainer(Trainer&&) noexcept;
  Trainer& operator=(Trainer&&) noexcept;

  /// Takes one step and returns its record (also appended to records()). Throws InputError if a loss or the
  /// gradient becomes NaN or infinite (the message suggests a smaller --lr).
  const TrainRecord& step();
  /// Takes `count` steps.
  void run(long count);

  const std::vector<TrainRecord>& records() const;
  /// The current W (d×r orthonormal).
  const Eigen::MatrixXd& frame() const;
  /// The current link coefficients a (one per feature).
  const Eigen::VectorXd& coefficients() const;
  /// f̂(z) = a·φ(z) for the current coefficients (z has r entries).
  double fitted_link(const double* z) const;
  /// The Riemannian gradient ξ = (I − WWᵀ)∇_W L of the current state on the samples the next step will use,
  /// with the current link (d×r). Exact/lagged only (InputError online); reads X twice.
  Eigen::MatrixXd riemannian_gradient() const;
  /// Escape k (k = 1..r): the first t at which the k-th largest cos²θ reaches ½ (docs/theory.md §6), linearly
  /// interpolated in t between records; nullopt if not reached or W* unknown.
  std::vector<std::optional<double>> escape_times() const;
  /// Warnings collected so far (n below the number of features; a training loss grown 100-fold over its start:
  /// unstable steps), for the user.
  const std::vector<std::string>& warnings() const;
  /// The stored training samples (nullptr online).
  const Dataset* training_data() const;
  /// The number of link features p.
  int feature_count() const;
  /// The ridge λ the link fit uses: options().ridge, or the larger one an underdetermined fit was given.
  double ridge() const;
  const TrainOptions& options() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// Held-out split of user data: a seeded random `fraction` of the rows (at least 1, at most n − 1 when
/// n ≥ 2) becomes the test set, the rest the training set, both in their original order. Throws InputError
/// unless 0 < fraction < 1.
std::pair<Dataset, Dataset> split_dataset(const Dataset& data, double fraction, std::uint64_t seed);

/// split_dataset of a table of `total` rows, applied to the rows [first, first + rows.size()) one process holds
/// (RowShare): its training rows, its held-out rows, and where its training rows lie among all the training rows
/// (for DataShare). The processes' shares together are split_dataset's split of the whole table. Same errors.
struct SplitShare {
  Dataset train, test;
  std::size_t train_first = 0, train_total = 0;
};
SplitShare split_share(const Dataset& rows, std::size_t first, std::size_t total, double fraction, std::uint64_t seed);

}  // namespace grassflow
