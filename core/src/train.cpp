#include "grassflow/train.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <utility>

#include "grassflow/errors.h"
#include "grassflow/link_features.h"
#include "grassflow/manifold.h"

namespace grassflow {

namespace {

// Stream ids of the seed (sampling uses its own for the data it is given).
constexpr std::uint32_t kStartStream = 3, kSplitStream = 5;  // 4: the random features (link_features.h)
constexpr std::size_t kOnlineBlock = 256;                    // fresh samples drawn at once: memory O(kOnlineBlock·d)
constexpr std::size_t kFeatureBlock = 1024;
constexpr std::size_t kDefaultOnlineBatch = 256;
constexpr double kUnderdeterminedRidge = 1e-3;
constexpr double kUnstableGrowth = 100.0;  // a training loss this many times its start: warn (unstable steps)
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string number(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", v);
  return text;
}

// ---------------------------------------------------------------------------------------------------------
// Step-size schedules.
class Schedule {
 public:
  explicit Schedule(const std::string& spec) {
    if (spec == "constant") return;
    if (spec == "cosine") {
      kind_ = Kind::cosine;
      return;
    }
    if (spec.rfind("inverse:", 0) == 0) {
      char* end = nullptr;
      const std::string value = spec.substr(8);
      tau_ = std::strtod(value.c_str(), &end);
      if (!value.empty() && *end == '\0' && tau_ > 0.0 && std::isfinite(tau_)) {
        kind_ = Kind::inverse;
        return;
      }
    }
    throw InputError("schedule", "'" + spec + "'; use constant, inverse:tau (tau > 0, in steps) or cosine");
  }
  double rate(long s, long planned, double eta) const {
    switch (kind_) {
      case Kind::inverse:
        return eta / (1.0 + static_cast<double>(s) / tau_);
      case Kind::cosine: {
        const double fraction =
            planned > 0 ? std::min(1.0, static_cast<double>(s) / static_cast<double>(planned)) : 1.0;
        return eta * 0.5 * (1.0 + std::cos(3.14159265358979323846 * fraction));
      }
      case Kind::constant:
        break;
    }
    return eta;
  }

 private:
  enum class Kind { constant, inverse, cosine } kind_ = Kind::constant;
  double tau_ = 1.0;
};

// ---------------------------------------------------------------------------------------------------------
// Normal equations of the ridge fit, accumulated over samples: A = Σφφᵀ (its lower triangle), b = Σφy, yy = Σy².
struct NormalEquations {
  Eigen::MatrixXd A;
  Eigen::VectorXd b;
  double yy = 0.0, count = 0.0;

  explicit NormalEquations(int p) : A(Eigen::MatrixXd::Zero(p, p)), b(Eigen::VectorXd::Zero(p)) {}
  // The samples whose features are the rows of Phi, with responses y. Blocks are small (the kernels' 64 rows,
  // visited while they are in cache), where Eigen's GEMM spends more on packing than on products, and Eigen
  // does not vectorise in WebAssembly (docs/toolchain.md): plain dot products with four independent partial sums,
  // which compilers vectorise without reassociating (no -ffast-math), over the lower triangle only.
  void add(const Eigen::MatrixXd& Phi, const double* y) {
    const auto rows = static_cast<std::size_t>(Phi.rows());
    const Eigen::Index p = Phi.cols();
    for (Eigen::Index j = 0; j < p; ++j) {
      const double* u = Phi.col(j).data();
      for (Eigen::Index k = 0; k <= j; ++k) A(j, k) += dot(u, Phi.col(k).data(), rows);
      b(j) += dot(u, y, rows);
    }
    yy += dot(y, y, rows);
    count += static_cast<double>(rows);
  }
  static double dot(const double* u, const double* v, std::size_t rows) {
    double lane[4] = {0.0, 0.0, 0.0, 0.0};
    std::size_t i = 0;
    for (; i + 4 <= rows; i += 4)
      for (std::size_t l = 0; l < 4; ++l) lane[l] += u[i + l] * v[i + l];
    double total = (lane[0] + lane[1]) + (lane[2] + lane[3]);
    for (; i < rows; ++i) total += u[i] * v[i];
    return total;
  }
  void merge(const NormalEquations& other) {
    A += other.A;
    b += other.b;
    yy += other.yy;
    count += other.count;
  }
  // Sums A's lower triangle, b, yy and the count over the processes of a DataShare.
  void sum_over(const DataShare& share) {
    if (!share.shared()) return;
    const Eigen::Index p = b.size();
    std::vector<double> packed;
    packed.reserve(static_cast<std::size_t>(p * (p + 1) / 2 + p + 2));
    for (Eigen::Index j = 0; j < p; ++j)
      for (Eigen::Index k = 0; k <= j; ++k) packed.push_back(A(j, k));
    for (Eigen::Index j = 0; j < p; ++j) packed.push_back(b(j));
    packed.push_back(yy);
    packed.push_back(count);
    share.sum(packed.data(), packed.size());
    std::size_t at = 0;
    for (Eigen::Index j = 0; j < p; ++j)
      for (Eigen::Index k = 0; k <= j; ++k) A(j, k) = packed[at++];
    for (Eigen::Index j = 0; j < p; ++j) b(j) = packed[at++];
    yy = packed[at++];
    count = packed[at];
  }
  // a = (A/m + λI)^{−1} b/m. Throws InputError when singular with λ = 0.
  Eigen::VectorXd solve(double lambda) const {
    const Eigen::Index p = b.size();
    Eigen::MatrixXd S = A.selfadjointView<Eigen::Lower>();
    S /= count;
    S.diagonal().array() += lambda;
    const Eigen::LLT<Eigen::MatrixXd> llt(S);
    if (llt.info() != Eigen::Success || !(llt.rcond() > 1e-14))
      throw InputError("ridge", "the link fit's normal equations (" + std::to_string(p) + " features, " +
                                    number(count) + " samples) are singular with ridge = " + number(lambda) +
                                    (lambda > 0.0 ? ": the features are far from unit scale; standardise the inputs "
                                                    "(train --standardize scale) or rescale them"
                                                  : "; use a ridge > 0 (e.g. 1e-4)"));
    return llt.solve(b / count);
  }
  // ½ mean (a·φ − y)² from the sufficient statistics (exact up to cancellation ~1e-13·mean y²).
  double loss(const Eigen::VectorXd& a) const {
    const Eigen::VectorXd Aa = A.selfadjointView<Eigen::Lower>() * a;
    return std::max(0.0, 0.5 * (a.dot(Aa) - 2.0 * a.dot(b) + yy) / count);
  }
};

void check_frame(const Eigen::MatrixXd& W, Eigen::Index d, int r, const char* what) {
  if (W.rows() != d || W.cols() != r)
    throw InputError(std::string(what) + ": a " + std::to_string(W.rows()) + "x" + std::to_string(W.cols()) +
                     " frame for d = " + std::to_string(d) + ", r = " + std::to_string(r));
  if ((W.transpose() * W - Eigen::MatrixXd::Identity(r, r)).norm() > 1e-8)
    throw InputError(std::string(what) + ": the columns are not orthonormal (WᵀW != I)");
}

}  // namespace

// -----------------------------------------------------------------------------------------------------------
struct Trainer::State {
  TrainOptions opt;
  LinkFeatures features;
  Schedule schedule;
  Dataset train, test;
  std::optional<SampleStream> stream;
  std::optional<Eigen::MatrixXd> w_star;
  double lambda = 0.0;
  // The current window of stored samples: `batch` global rows, of which this process holds [begin, end).
  std::size_t batch = 0, begin = 0, end = 0;
  Eigen::MatrixXd W, pending;  // pending: lagged, the Euclidean gradient for the next update
  Eigen::VectorXd a;
  RowMatrix V;  // exact: v_i = (f̂(z_i) − y_i)∇f̂(z_i) on the window at W, for the next gradient
  // Exact: Z = XW on the window, kept across steps so that its memory is reused (fresh pages would cost a page
  // fault each, at every step; figure: bench/README.md, "Latest run").
  RowMatrix Z;
  double train_loss = kNaN;
  long k = 0;
  double t = 0.0;
  std::vector<TrainRecord> records;
  std::vector<std::string> warnings;
  bool warned_unstable = false;

  State(TrainOptions o, std::size_t d)
      : opt(std::move(o)),
        features((validate(opt, d), opt.features), opt.r, opt.degree, opt.seed),
        schedule(opt.schedule),
        lambda(opt.ridge) {}

  static void validate(const TrainOptions& o, std::size_t d) {
    if (o.r < 1 || static_cast<std::size_t>(o.r) > d)
      throw InputError("r", "r = " + std::to_string(o.r) + " with d = " + std::to_string(d) + "; need 1 <= r <= d");
    if (!(o.lr > 0.0) || !std::isfinite(o.lr))
      throw InputError("lr", "eta = " + number(o.lr) + "; the step size must be > 0");
    if (!(o.ridge >= 0.0) || !std::isfinite(o.ridge))
      throw InputError("ridge", "lambda = " + number(o.ridge) + "; the ridge must be finite and >= 0");
    if (!(o.ratio > 0.0) || !std::isfinite(o.ratio))
      throw InputError("ratio", "rho = " + number(o.ratio) + "; the two-timescale ratio must be > 0");
    if (o.steps < 0 || o.steps > kMaxTrainSteps)
      throw InputError("steps",
                       "T = " + std::to_string(o.steps) + "; need 0 <= T <= " + std::to_string(kMaxTrainSteps));
    if (o.threads < 1 || o.threads > kMaxThreads)
      throw InputError("threads", std::to_string(o.threads) + "; need 1 <= threads <= " + std::to_string(kMaxThreads));
  }

  Eigen::MatrixXd start(std::size_t d) const {
    if (opt.start) {
      check_frame(*opt.start, static_cast<Eigen::Index>(d), opt.r, "start W(0)");
      return *opt.start;
    }
    Rng rng(opt.seed, kStartStream);
    return haar_stiefel(static_cast<int>(d), opt.r, rng);
  }

  // Every training row over all processes (DataShare).
  std::size_t total_rows() const { return opt.share.shared() ? opt.share.total_rows : train.size(); }

  void set_window() {
    const std::size_t windows = total_rows() / batch;
    const std::size_t first = static_cast<std::size_t>(k % static_cast<long>(windows)) * batch;
    const std::size_t held = opt.share.shared() ? opt.share.first_row : 0;
    const auto local = [&](std::size_t row) { return std::clamp(row, held, held + train.size()) - held; };
    begin = local(first);
    end = local(first + batch);
  }

  // Sums over the processes of a DataShare (nothing with one process).
  void sum(double* values, std::size_t count) const {
    if (opt.share.shared()) opt.share.sum(values, count);
  }
  double sum(double value) const {
    sum(&value, 1);
    return value;
  }
  Eigen::MatrixXd sum(Eigen::MatrixXd M) const {
    sum(M.data(), static_cast<std::size_t>(M.size()));
    return M;
  }

  // v_i = (f̂(z_i) − y_i)∇f̂(z_i) for the points whose features are the rows of Phi, with f̂ = a·φ and ∇f̂ from
  // B (row-major into v); returns Σ ½(f̂ − y)² and, if grad_a, adds Σ (f̂ − y)φ into it.
  double residual_weights(const double* z, const Eigen::MatrixXd& Phi, const double* y, const Eigen::VectorXd& coef,
                          const Eigen::MatrixXd& B, double* v, Eigen::VectorXd* grad_a) const {
    const Eigen::Index m = Phi.rows();
    const Eigen::VectorXd fitted = features.values(Phi, coef);
    const Eigen::VectorXd residual = fitted - Eigen::Map<const Eigen::VectorXd>(y, m);
    const Eigen::MatrixXd gradient = features.gradients(z, Phi, fitted, B);
    for (Eigen::Index c = 0; c < opt.r; ++c)
      for (Eigen::Index i = 0; i < m; ++i) v[i * opt.r + c] = residual(i) * gradient(i, c);
    if (grad_a) *grad_a += Phi.transpose() * residual;
    return 0.5 * residual.squaredNorm();
  }

  // Exact: Z = XW on the window (one pass) with the normal equations of the ridge fit accumulated block by block
  // while each block is in cache (project_visit), the fit, then V for the next gradient from Z (features
  // evaluated again, in cache-sized blocks).
  void fit_exact() {
    const int p = features.size();
    const std::size_t m = end - begin, r = static_cast<std::size_t>(opt.r);
    const auto workers = static_cast<std::size_t>(opt.threads);
    std::vector<NormalEquations> normals(workers, NormalEquations(p));
    std::vector<Eigen::MatrixXd> blocks(workers);
    project_visit(
        train.x, begin, end, W, Z,
        [&](int w, std::size_t first, std::size_t count, const double* z) {
          Eigen::MatrixXd& Phi = blocks[static_cast<std::size_t>(w)];
          features.evaluate(z, count, Phi);
          normals[static_cast<std::size_t>(w)].add(Phi, train.y.data() + first);
        },
        opt.threads);
    for (std::size_t w = 1; w < workers; ++w) normals[0].merge(normals[w]);
    normals[0].sum_over(opt.share);
    if (k == 0) check_effective_parameters(normals[0]);
    a = normals[0].solve(lambda);
    const Eigen::MatrixXd B = features.gradient_coefficients(a);
    V.resize(static_cast<Eigen::Index>(m), opt.r);
    double total = 0.0;
    Eigen::MatrixXd& Phi = blocks[0];
    for (std::size_t b = 0; b < m; b += kFeatureBlock) {
      features.evaluate(Z.data() + b * r, std::min(kFeatureBlock, m - b), Phi);
      total += residual_weights(Z.data() + b * r, Phi, train.y.data() + begin + b, a, B, V.data() + b * r, nullptr);
    }
    train_loss = sum(total) / static_cast<double>(batch);
  }

  // Warns when the ridge fit has more effective parameters df(λ) = Σ μ_j/(μ_j + λ) (μ the eigenvalues of ΦᵀΦ/m)
  // than half the m samples it is fitted on: it can then interpolate them (a train loss far below the test
  // loss). The warning names the ridge λ* with df(λ*) = m/2, found by bisection in log λ.
  void check_effective_parameters(const NormalEquations& normals) {
    const double m = normals.count;
    if (m < static_cast<double>(features.size())) return;  // underdetermined: warned and regularised already
    const Eigen::MatrixXd gram = Eigen::MatrixXd(normals.A.selfadjointView<Eigen::Lower>()) / m;
    const Eigen::VectorXd mu =
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(gram, Eigen::EigenvaluesOnly).eigenvalues().cwiseMax(0.0);
    const auto df = [&](double l) { return (mu.array() / (mu.array() + l)).sum(); };
    if (!(df(lambda) > 0.5 * m)) return;
    double lo = std::log(std::max(lambda, 1e-16)), hi = std::log(std::max(1.0, mu.maxCoeff()) * 1e6);
    for (int i = 0; i < 100; ++i) {
      const double mid = 0.5 * (lo + hi);
      (df(std::exp(mid)) > 0.5 * m ? lo : hi) = mid;
    }
    warnings.push_back("--ridge: the link fit has " + std::to_string(features.size()) + " features for " + number(m) +
                       " samples per step, about " + number(std::round(df(lambda))) +
                       " effective parameters at ridge " + number(lambda) +
                       ": more than half the samples, so it can interpolate them (a training loss far below the "
                       "test loss). --ridge " +
                       number(std::exp(hi)) +
                       " brings them down to half the samples; or use more samples or a lower --degree");
  }

  // (1/m) Σ v_i x_iᵀ on the window (one pass).
  Eigen::MatrixXd euclidean_gradient_exact() const {
    return sum(accumulate(train.x, begin, end, V, opt.threads)) / static_cast<double>(batch);
  }

  // Lagged: one fused pass at W with the current (previous) link; refits a, sets pending and the train loss.
  void fused_pass() {
    const int p = features.size();
    const auto workers = static_cast<std::size_t>(opt.threads);
    std::vector<NormalEquations> normals(workers, NormalEquations(p));
    std::vector<Eigen::MatrixXd> blocks(workers);
    const Eigen::VectorXd lagged = a;
    const Eigen::MatrixXd B = features.gradient_coefficients(lagged);
    const Eigen::MatrixXd G = project_accumulate(
        train.x, begin, end, W,
        [&](int w, std::size_t first, std::size_t count, const double* z, double* v) {
          Eigen::MatrixXd& Phi = blocks[static_cast<std::size_t>(w)];
          features.evaluate(z, count, Phi);
          residual_weights(z, Phi, train.y.data() + first, lagged, B, v, nullptr);
          normals[static_cast<std::size_t>(w)].add(Phi, train.y.data() + first);
        },
        opt.threads);
    pending = sum(G) / static_cast<double>(batch);
    for (std::size_t w = 1; w < workers; ++w) normals[0].merge(normals[w]);
    normals[0].sum_over(opt.share);
    a = normals[0].solve(lambda);
    train_loss = normals[0].loss(a);
  }

  // Online: one SGD step on `batch` fresh samples; returns the batch loss before the update.
  double online_step(double eta) {
    const int p = features.size(), r = opt.r;
    const std::size_t d = static_cast<std::size_t>(stream->model().d());
    const auto workers = static_cast<std::size_t>(opt.threads);
    Dataset block{SampleMatrix(std::min(batch, kOnlineBlock), d, Precision::float64), {}};
    Eigen::MatrixXd G = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(d), r);
    std::vector<Eigen::VectorXd> grad_a(workers, Eigen::VectorXd::Zero(p));
    std::vector<double> losses(workers, 0.0);
    std::vector<Eigen::MatrixXd> blocks(workers);
    const Eigen::MatrixXd B = features.gradient_coefficients(a);
    for (std::size_t done = 0; done < batch; done += block.size()) {
      const std::size_t count = std::min(block.x.rows(), batch - done);
      stream->draw(block, 0, count);
      G += project_accumulate(
          block.x, 0, count, W,
          [&](int w, std::size_t first, std::size_t rows, const double* z, double* v) {
            Eigen::MatrixXd& Phi = blocks[static_cast<std::size_t>(w)];
            features.evaluate(z, rows, Phi);
            losses[static_cast<std::size_t>(w)] +=
                residual_weights(z, Phi, block.y.data() + first, a, B, v, &grad_a[static_cast<std::size_t>(w)]);
          },
          opt.threads);
    }
    double loss = 0.0;
    Eigen::VectorXd ga = Eigen::VectorXd::Zero(p);
    for (std::size_t w = 0; w < workers; ++w) {
      loss += losses[w];
      ga += grad_a[w];
    }
    const double m = static_cast<double>(batch);
    G /= m;
    check_finite(loss / m, G);
    a -= opt.ratio * eta * (ga / m + lambda * a);
    retract(eta, G);
    return loss / m;
  }

  // W ← qr_retraction(W, −η ξ). A step so large that W leaves floating-point range (η‖ξ‖ ~ 1e300: a huge
  // step size, or responses so large that the gradient is) is divergence, reported as such rather than as
  // the singular fit it would cause next.
  void retract(double eta, const Eigen::MatrixXd& G) {
    const Eigen::MatrixXd xi = project_tangent(Geometry::grassmann, W, G);
    W = qr_retraction(W, -eta * xi);
    if (!W.allFinite())
      throw InputError(culprits(), "training diverged at step " + std::to_string(k) + ": the step size " + number(eta) +
                                       " times the gradient's norm " + number(xi.norm()) +
                                       " moved W out of floating-point range; use a smaller step size (" + culprits() +
                                       "), or rescale the responses y");
  }

  void check_finite(double loss, const Eigen::MatrixXd& G) const {
    if (!std::isfinite(loss) || !G.allFinite())
      throw InputError(culprits(), "training diverged at step " + std::to_string(k) +
                                       " (the loss or the gradient is not finite); use a smaller step size (" +
                                       culprits() + ") or a larger ridge, or rescale the responses y");
  }

  // The keys whose size makes steps diverge: online, the link's coefficients move at ratio × lr too.
  std::string culprits() const { return opt.variant == TrainVariant::online ? "lr/ratio" : "lr"; }

  // Over every process's held-out rows (a collective call with a DataShare).
  double test_loss() const {
    double total_count[2] = {0.0, static_cast<double>(test.size())};
    if (test.size() > 0) total_count[0] = local_test_loss();
    sum(total_count, 2);
    return total_count[1] > 0.0 ? total_count[0] / total_count[1] : kNaN;
  }
  // Σ ½(f̂ − y)² over this process's held-out rows.
  double local_test_loss() const {
    RowMatrix Zt;
    project(test.x, 0, test.size(), W, Zt, opt.threads);
    Eigen::MatrixXd Phi;
    double total = 0.0;
    for (std::size_t b = 0; b < test.size(); b += kFeatureBlock) {
      features.evaluate(Zt.data() + b * static_cast<std::size_t>(opt.r), std::min(kFeatureBlock, test.size() - b), Phi);
      total += 0.5 * (Phi * a - Eigen::Map<const Eigen::VectorXd>(test.y.data() + b, Phi.rows())).squaredNorm();
    }
    return total;
  }

  // A loss that grows a hundredfold over its start while staying finite is a step too large for the problem
  // (online SGD with the link's rate ρη > ~1 oscillates this way): say so once, with the knobs to turn.
  void warn_if_unstable() {
    if (warned_unstable) return;
    // The first recorded training loss (online SGD has none before its first step).
    const auto first_record = std::find_if(records.begin(), records.end(),
                                           [](const TrainRecord& rec) { return std::isfinite(rec.train_loss); });
    if (first_record == records.end()) return;
    const double first = first_record->train_loss, now = records.back().train_loss;
    if (!(first > 0.0) || !(now > kUnstableGrowth * first)) return;
    warned_unstable = true;
    std::string fix = "lower --lr";
    if (opt.variant == TrainVariant::online)
      fix += " or --ratio (the link's coefficients move at rate ratio × lr = " + number(opt.ratio * opt.lr) + ")";
    warnings.push_back("--lr: the training loss grew from " + number(first) + " to " + number(now) + " by step " +
                       std::to_string(k) + ": the steps are unstable; " + fix);
  }

  void record() {
    TrainRecord rec;
    rec.step = k;
    rec.t = t;
    rec.train_loss = train_loss;
    rec.test_loss = test_loss();
    if (w_star) {
      const Eigen::VectorXd angles = principal_angles(W, *w_star);  // ascending
      rec.cosines = angles.array().cos().matrix();
      rec.subspace_error = std::sin(angles(angles.size() - 1));
    }
    records.push_back(std::move(rec));
  }
};

Trainer::Trainer(Dataset train, Dataset test, std::optional<Eigen::MatrixXd> w_star, TrainOptions options) {
  const DataShare& share = options.share;
  if (share.shared() && (share.first_row > share.total_rows || train.size() > share.total_rows - share.first_row))
    throw InputError("training data: rows [" + std::to_string(share.first_row) + ", " +
                     std::to_string(share.first_row + train.size()) + ") of a share lie outside its " +
                     std::to_string(share.total_rows) + " samples");
  if ((share.shared() ? share.total_rows : train.size()) == 0) throw InputError("training data: no samples");
  const std::size_t d = train.dim();
  if (options.variant == TrainVariant::online)
    throw InputError("training: the online variant draws fresh samples; construct it from a sample stream");
  state_ = std::make_unique<State>(std::move(options), d);
  State& s = *state_;
  if (test.size() > 0 && test.dim() != d)
    throw InputError("test data: d = " + std::to_string(test.dim()) +
                     " but the training data has d = " + std::to_string(d));
  if (w_star) check_frame(*w_star, static_cast<Eigen::Index>(d), s.opt.r, "W*");
  s.train = std::move(train);
  s.test = std::move(test);
  s.w_star = std::move(w_star);
  const std::size_t n = s.total_rows();
  s.batch = s.opt.batch == 0 ? n : s.opt.batch;
  if (s.batch > n)
    throw InputError("batch", "B = " + std::to_string(s.batch) + " exceeds the " + std::to_string(n) +
                                  " training samples; use B <= n (or 0 for all)");
  const auto p = static_cast<std::size_t>(s.features.size());
  if (s.batch < p) {
    s.lambda = std::max(s.lambda, kUnderdeterminedRidge);
    s.warnings.push_back("n = " + std::to_string(s.batch) + " samples per step is below the " + std::to_string(p) +
                         " link features: the fit is underdetermined; ridge raised to " + number(s.lambda));
  }
  s.W = s.start(d);
  s.set_window();
  s.fit_exact();
  s.check_finite(s.train_loss, s.a);
  if (s.opt.variant == TrainVariant::lagged) s.pending = s.euclidean_gradient_exact();
  s.record();
}

Trainer::Trainer(SampleStream stream, Dataset test, TrainOptions options) {
  if (options.variant != TrainVariant::online) throw InputError("training: a sample stream needs the online variant");
  if (options.share.shared())
    throw InputError("online", "online SGD draws fresh samples at every step; it has no stored rows to share out");
  const auto d = static_cast<std::size_t>(stream.model().d());
  state_ = std::make_unique<State>(std::move(options), d);
  State& s = *state_;
  if (test.size() > 0 && test.dim() != d)
    throw InputError("test data: d = " + std::to_string(test.dim()) + " but the model has d = " + std::to_string(d));
  s.w_star = stream.model().w_star;
  check_frame(*s.w_star, static_cast<Eigen::Index>(d), s.opt.r, "W*");
  s.stream.emplace(std::move(stream));
  s.test = std::move(test);
  s.train.x = SampleMatrix(0, d, Precision::float64);
  s.batch = s.opt.batch == 0 ? kDefaultOnlineBatch : s.opt.batch;
  s.a = Eigen::VectorXd::Zero(s.features.size());
  s.W = s.start(d);
  s.record();
}

Trainer::~Trainer() = default;
Trainer::Trainer(Trainer&&) noexcept = default;
Trainer& Trainer::operator=(Trainer&&) noexcept = default;

const TrainRecord& Trainer::step() {
  State& s = *state_;
  const double eta = s.schedule.rate(s.k, s.opt.steps, s.opt.lr);
  switch (s.opt.variant) {
    case TrainVariant::exact: {
      const Eigen::MatrixXd G = s.euclidean_gradient_exact();
      s.check_finite(s.train_loss, G);
      s.retract(eta, G);
      ++s.k;
      s.set_window();
      s.fit_exact();
      break;
    }
    case TrainVariant::lagged:
      s.check_finite(s.train_loss, s.pending);
      s.retract(eta, s.pending);
      ++s.k;
      s.set_window();
      s.fused_pass();
      break;
    case TrainVariant::online:
      s.train_loss = s.online_step(eta);
      ++s.k;
      break;
  }
  s.t += eta;
  s.record();
  s.warn_if_unstable();
  return s.records.back();
}

void Trainer::run(long count) {
  for (long i = 0; i < count; ++i) step();
}

const std::vector<TrainRecord>& Trainer::records() const {
  return state_->records;
}
const Eigen::MatrixXd& Trainer::frame() const {
  return state_->W;
}
const Eigen::VectorXd& Trainer::coefficients() const {
  return state_->a;
}
const std::vector<std::string>& Trainer::warnings() const {
  return state_->warnings;
}
const TrainOptions& Trainer::options() const {
  return state_->opt;
}
double Trainer::ridge() const {
  return state_->lambda;
}

int Trainer::feature_count() const {
  return state_->features.size();
}

const Dataset* Trainer::training_data() const {
  return state_->opt.variant == TrainVariant::online ? nullptr : &state_->train;
}

double Trainer::fitted_link(const double* z) const {
  const State& s = *state_;
  Eigen::MatrixXd phi;
  s.features.evaluate(z, 1, phi);
  return phi.row(0).dot(s.a);
}

Eigen::MatrixXd Trainer::riemannian_gradient() const {
  const State& s = *state_;
  if (s.opt.variant == TrainVariant::online)
    throw InputError("riemannian_gradient: the online variant has no stored samples");
  RowMatrix Z;
  project(s.train.x, s.begin, s.end, s.W, Z, s.opt.threads);
  const std::size_t m = s.end - s.begin;  // this process's rows of the window
  const auto r = static_cast<std::size_t>(s.opt.r);
  RowMatrix V(static_cast<Eigen::Index>(m), s.opt.r);
  const Eigen::MatrixXd B = s.features.gradient_coefficients(s.a);
  Eigen::MatrixXd Phi;
  for (std::size_t b = 0; b < m; b += kFeatureBlock) {
    s.features.evaluate(Z.data() + b * r, std::min(kFeatureBlock, m - b), Phi);
    s.residual_weights(Z.data() + b * r, Phi, s.train.y.data() + s.begin + b, s.a, B, V.data() + b * r, nullptr);
  }
  const Eigen::MatrixXd G =
      s.sum(accumulate(s.train.x, s.begin, s.end, V, s.opt.threads)) / static_cast<double>(s.batch);
  return project_tangent(Geometry::grassmann, s.W, G);
}

std::vector<std::optional<double>> Trainer::escape_times() const {
  const State& s = *state_;
  std::vector<std::optional<double>> escapes(static_cast<std::size_t>(s.opt.r));
  if (!s.w_star) return escapes;
  for (int k = 0; k < s.opt.r; ++k) {
    for (std::size_t i = 0; i < s.records.size(); ++i) {
      const double mu = s.records[i].cosines(k) * s.records[i].cosines(k);
      if (mu < 0.5) continue;
      if (i == 0) {
        escapes[static_cast<std::size_t>(k)] = s.records[0].t;
      } else {
        const double mu0 = s.records[i - 1].cosines(k) * s.records[i - 1].cosines(k);
        const double t0 = s.records[i - 1].t, t1 = s.records[i].t;
        escapes[static_cast<std::size_t>(k)] = t0 + (0.5 - mu0) / (mu - mu0) * (t1 - t0);
      }
      break;
    }
  }
  return escapes;
}

SplitShare split_share(const Dataset& rows, std::size_t first, std::size_t total, double fraction, std::uint64_t seed) {
  if (!(fraction > 0.0 && fraction < 1.0))
    throw InputError("test fraction: " + number(fraction) + "; need 0 < fraction < 1");
  const std::size_t n = total, d = rows.dim();
  if (n < 2) throw InputError("data: " + std::to_string(n) + " sample(s); a train/test split needs at least 2");
  if (first > n || rows.size() > n - first)
    throw InputError("data: rows [" + std::to_string(first) + ", " + std::to_string(first + rows.size()) +
                     ") lie outside the " + std::to_string(n) + " samples");
  const auto rounded = static_cast<std::size_t>(std::llround(fraction * static_cast<double>(n)));
  const std::size_t n_test = std::max<std::size_t>(1, std::min(rounded, n - 1));
  // Fisher–Yates on the seeded stream over all n rows: the first n_test of the permutation are held out.
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  Rng rng(seed, kSplitStream);
  for (std::size_t i = n - 1; i > 0; --i) {
    const auto j = static_cast<std::size_t>(rng.uniform() * static_cast<double>(i + 1));
    std::swap(order[i], order[std::min(j, i)]);
  }
  std::vector<char> held(n, 0);
  for (std::size_t i = 0; i < n_test; ++i) held[order[i]] = 1;
  std::size_t held_here = 0, held_before = 0;
  for (std::size_t i = 0; i < first; ++i) held_before += static_cast<std::size_t>(held[i]);
  for (std::size_t i = first; i < first + rows.size(); ++i) held_here += static_cast<std::size_t>(held[i]);
  SplitShare split{{SampleMatrix(rows.size() - held_here, d, rows.x.precision()), {}},
                   {SampleMatrix(held_here, d, rows.x.precision()), {}},
                   first - held_before,
                   n - n_test};
  split.train.y.resize(rows.size() - held_here);
  split.test.y.resize(held_here);
  std::vector<double> row(d);
  std::size_t i_train = 0, i_test = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    rows.x.copy_row(i, row.data());
    const bool test = held[first + i] != 0;
    Dataset& target = test ? split.test : split.train;
    std::size_t& slot = test ? i_test : i_train;
    target.x.set_row(slot, row.data());
    target.y[slot++] = rows.y[i];
  }
  return split;
}

std::pair<Dataset, Dataset> split_dataset(const Dataset& data, double fraction, std::uint64_t seed) {
  SplitShare split = split_share(data, 0, data.size(), fraction, seed);
  return {std::move(split.train), std::move(split.test)};
}

}  // namespace grassflow
