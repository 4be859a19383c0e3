#include "grassflow/train.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <utility>

#include "grassflow/errors.h"
#include "grassflow/hermite.h"
#include "grassflow/manifold.h"
#include "grassflow/multiindex.h"

namespace grassflow {

namespace {

// Stream ids of the seed (sampling uses its own for the data it is given).
constexpr std::uint32_t kStartStream = 3, kFeatureStream = 4, kSplitStream = 5;
constexpr std::size_t kOnlineBlock = 256;  // fresh samples drawn at once: memory O(kOnlineBlock·d)
constexpr std::size_t kFeatureBlock = 1024;
constexpr std::size_t kDefaultOnlineBatch = 256;
constexpr int kMaxDegree = 12;
constexpr int kMaxFeatures = 2000;  // the fit's p×p system
constexpr double kUnderdeterminedRidge = 1e-3;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string number(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", v);
  return text;
}

// ---------------------------------------------------------------------------------------------------------
// The link's features φ(z) and their Jacobian.
class FeatureMap {
 public:
  FeatureMap(const TrainOptions& o) : r_(o.r) {
    const std::string& spec = o.features;
    if (spec == "hermite" || spec.rfind("hermite-kernel:", 0) == 0) {
      double q = 1.0;
      if (spec != "hermite") {
        char* end = nullptr;
        const std::string value = spec.substr(15);
        q = std::strtod(value.c_str(), &end);
        if (value.empty() || *end != '\0' || !(q > 0.0) || !std::isfinite(q))
          throw InputError("--features: '" + spec + "'; hermite-kernel:q needs a decay q > 0, e.g. hermite-kernel:0.5");
      }
      if (o.degree < 1 || o.degree > kMaxDegree)
        throw InputError("--degree: K = " + std::to_string(o.degree) + "; use 1 <= K <= " + std::to_string(kMaxDegree) +
                         " (K = 0 fits a constant link, whose gradient in W is zero)");
      const std::size_t count = multi_index_count(o.r, o.degree);
      if (count > static_cast<std::size_t>(kMaxFeatures))
        throw LimitError("--degree: K = " + std::to_string(o.degree) + " with r = " + std::to_string(o.r) + " gives " +
                         std::to_string(count) + " Hermite features; the link fit is limited to " +
                         std::to_string(kMaxFeatures) + " (lower K)");
      degree_ = o.degree;
      betas_ = multi_indices(o.r, o.degree);
      for (const auto& beta : betas_) {
        int k = 0;
        for (int b : beta) k += b;
        scale_.push_back(std::sqrt(std::pow(q, k)));
      }
      p_ = static_cast<int>(betas_.size());
      return;
    }
    if (spec.rfind("relu:", 0) == 0) {
      char* end = nullptr;
      const std::string value = spec.substr(5);
      const long m = std::strtol(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || m < 1 || m > kMaxFeatures - 1)
        throw InputError("--features: '" + spec + "'; relu:M needs 1 <= M <= " + std::to_string(kMaxFeatures - 1) +
                         " random features, e.g. relu:100");
      Rng rng(o.seed, kFeatureStream);
      theta_.resize(o.r, m);
      for (long j = 0; j < m; ++j) {
        for (int c = 0; c < o.r; ++c) theta_(c, j) = rng.normal();
        theta_.col(j).normalize();
      }
      relu_ = true;
      p_ = static_cast<int>(m) + 1;
      return;
    }
    throw InputError("--features: unknown '" + spec + "'; use hermite, hermite-kernel:q or relu:M");
  }

  int size() const { return p_; }

  // φ(z) into phi[0..p); with dphi, ∂φ_j/∂z_c into dphi[j·r + c].
  void evaluate(const double* z, double* phi, double* dphi) const {
    if (relu_) {
      phi[0] = 1.0;
      if (dphi) std::fill(dphi, dphi + r_, 0.0);
      for (int j = 0; j + 1 < p_; ++j) {
        double s = 0.0;
        for (int c = 0; c < r_; ++c) s += theta_(c, j) * z[c];
        phi[j + 1] = s > 0.0 ? std::sqrt(2.0) * s : 0.0;
        if (dphi)
          for (int c = 0; c < r_; ++c) dphi[(j + 1) * r_ + c] = s > 0.0 ? std::sqrt(2.0) * theta_(c, j) : 0.0;
      }
      return;
    }
    double h[kMaxLinkCoordinates][kMaxDegree + 1];
    for (int c = 0; c < r_; ++c) hermite_h_all(degree_, z[c], h[c]);
    for (int j = 0; j < p_; ++j) {
      const std::vector<int>& beta = betas_[static_cast<std::size_t>(j)];
      double value = scale_[static_cast<std::size_t>(j)];
      for (int c = 0; c < r_; ++c) value *= h[c][beta[static_cast<std::size_t>(c)]];
      phi[j] = value;
      if (!dphi) continue;
      // ∂_c H_β = √β_c h_{β_c − 1}(z_c) Π_{i≠c} h_{β_i}(z_i) (THEORY.md §7).
      for (int c = 0; c < r_; ++c) {
        const int bc = beta[static_cast<std::size_t>(c)];
        double g = 0.0;
        if (bc > 0) {
          g = scale_[static_cast<std::size_t>(j)] * std::sqrt(static_cast<double>(bc)) * h[c][bc - 1];
          for (int i = 0; i < r_; ++i)
            if (i != c) g *= h[i][beta[static_cast<std::size_t>(i)]];
        }
        dphi[j * r_ + c] = g;
      }
    }
  }

  // f̂(z) = a·φ(z) and, with grad, ∇f̂(z) = (∂φ/∂z)ᵀa. phi and dphi are scratch of p and p·r.
  double link(const Eigen::VectorXd& a, const double* z, double* grad, double* phi, double* dphi) const {
    evaluate(z, phi, grad ? dphi : nullptr);
    double f = 0.0;
    for (int j = 0; j < p_; ++j) f += a(j) * phi[j];
    if (grad) {
      std::fill(grad, grad + r_, 0.0);
      for (int j = 0; j < p_; ++j)
        for (int c = 0; c < r_; ++c) grad[c] += a(j) * dphi[j * r_ + c];
    }
    return f;
  }

  // The app's r ≤ 4 and kMaxLinkRank bound the stack table above; checked in the options.
  static constexpr int kMaxLinkCoordinates = 32;

 private:
  int r_ = 1, p_ = 0, degree_ = 0;
  std::vector<std::vector<int>> betas_;
  std::vector<double> scale_;
  bool relu_ = false;
  Eigen::MatrixXd theta_;
};

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
    throw InputError("--schedule: '" + spec + "'; use constant, inverse:tau (tau > 0, in steps) or cosine");
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
// Normal equations of the ridge fit, accumulated over samples: A = Σφφᵀ, b = Σφy, yy = Σy², count.
struct NormalEquations {
  Eigen::MatrixXd A;
  Eigen::VectorXd b;
  double yy = 0.0, count = 0.0;

  explicit NormalEquations(int p) : A(Eigen::MatrixXd::Zero(p, p)), b(Eigen::VectorXd::Zero(p)) {}
  // Rows of Phi (count×p, row-major as an Eigen column-major p×count block `PhiT`) with responses y.
  void add(const Eigen::MatrixXd& PhiT, const double* y, std::size_t rows) {
    A.selfadjointView<Eigen::Lower>().rankUpdate(PhiT.leftCols(static_cast<Eigen::Index>(rows)));
    for (std::size_t i = 0; i < rows; ++i) {
      b += y[i] * PhiT.col(static_cast<Eigen::Index>(i));
      yy += y[i] * y[i];
    }
    count += static_cast<double>(rows);
  }
  void merge(const NormalEquations& other) {
    A += other.A;
    b += other.b;
    yy += other.yy;
    count += other.count;
  }
  // a = (A/m + λI)^{−1} b/m. Throws InputError when singular with λ = 0.
  Eigen::VectorXd solve(double lambda) const {
    const Eigen::Index p = b.size();
    Eigen::MatrixXd S = A.selfadjointView<Eigen::Lower>();
    S /= count;
    S.diagonal().array() += lambda;
    const Eigen::LLT<Eigen::MatrixXd> llt(S);
    if (llt.info() != Eigen::Success || !(llt.rcond() > 1e-14))
      throw InputError("--ridge: the link fit's normal equations (" + std::to_string(p) + " features, " +
                       number(count) + " samples) are singular with ridge = " + number(lambda) +
                       "; use --ridge > 0 (e.g. 1e-4)");
    return llt.solve(b / count);
  }
  // ½ mean (a·φ − y)² from the sufficient statistics (exact up to cancellation ~1e-13·mean y²).
  double loss(const Eigen::VectorXd& a) const {
    const Eigen::MatrixXd S = A.selfadjointView<Eigen::Lower>();
    return std::max(0.0, 0.5 * (a.dot(S * a) - 2.0 * a.dot(b) + yy) / count);
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
  FeatureMap features;
  Schedule schedule;
  Dataset train, test;
  std::optional<SampleStream> stream;
  std::optional<Eigen::MatrixXd> w_star;
  double lambda = 0.0;
  std::size_t batch = 0, begin = 0, end = 0;  // the current window of stored samples
  Eigen::MatrixXd W, pending;                 // pending: lagged, the Euclidean gradient for the next update
  Eigen::VectorXd a;
  RowMatrix Z;                   // exact: projections of the window at W
  std::vector<double> residual;  // exact: f̂(z_i) − y_i on the window
  double train_loss = kNaN;
  long k = 0;
  double t = 0.0;
  std::vector<TrainRecord> records;
  std::vector<std::string> warnings;

  State(TrainOptions o, std::size_t d)
      : opt(std::move(o)), features((validate(opt, d), opt)), schedule(opt.schedule), lambda(opt.ridge) {}

  static void validate(const TrainOptions& o, std::size_t d) {
    if (o.r < 1 || static_cast<std::size_t>(o.r) > d || o.r > FeatureMap::kMaxLinkCoordinates)
      throw InputError("--r: r = " + std::to_string(o.r) + " with d = " + std::to_string(d) +
                       "; need 1 <= r <= d (and r <= 32)");
    if (!(o.lr > 0.0) || !std::isfinite(o.lr))
      throw InputError("--lr: eta = " + number(o.lr) + "; the step size must be > 0");
    if (!(o.ridge >= 0.0) || !std::isfinite(o.ridge))
      throw InputError("--ridge: lambda = " + number(o.ridge) + "; the ridge must be finite and >= 0");
    if (!(o.ratio > 0.0) || !std::isfinite(o.ratio))
      throw InputError("--ratio: rho = " + number(o.ratio) + "; the two-timescale ratio must be > 0");
    if (o.steps < 0) throw InputError("--steps: T = " + std::to_string(o.steps) + "; need T >= 0");
    if (o.threads < 1) throw InputError("--threads: need at least 1");
  }

  Eigen::MatrixXd start(std::size_t d) const {
    if (opt.start) {
      check_frame(*opt.start, static_cast<Eigen::Index>(d), opt.r, "start W(0)");
      return *opt.start;
    }
    Rng rng(opt.seed, kStartStream);
    return haar_stiefel(static_cast<int>(d), opt.r, rng);
  }

  void set_window() {
    const std::size_t n = train.size();
    const std::size_t windows = n / batch;
    begin = static_cast<std::size_t>(k % static_cast<long>(windows)) * batch;
    end = begin + batch;
  }

  // Per-sample scratch for the link and its gradient.
  struct Scratch {
    std::vector<double> phi, dphi, grad;
    Scratch(int p, int r)
        : phi(static_cast<std::size_t>(p)), dphi(static_cast<std::size_t>(p * r)), grad(static_cast<std::size_t>(r)) {}
  };

  // Fits the link on the window from Z (rows of the window) and stores residuals and the train loss.
  void fit_from_projections() {
    const int p = features.size();
    const std::size_t m = end - begin;
    NormalEquations normal(p);
    Eigen::MatrixXd PhiT(p, static_cast<Eigen::Index>(kFeatureBlock));
    for (std::size_t b = 0; b < m; b += kFeatureBlock) {
      const std::size_t rows = std::min(kFeatureBlock, m - b);
      for (std::size_t i = 0; i < rows; ++i)
        features.evaluate(Z.row(static_cast<Eigen::Index>(b + i)).data(), PhiT.col(static_cast<Eigen::Index>(i)).data(),
                          nullptr);
      normal.add(PhiT, train.y.data() + begin + b, rows);
    }
    a = normal.solve(lambda);
    Scratch s(p, opt.r);
    residual.resize(m);
    double total = 0.0;
    for (std::size_t i = 0; i < m; ++i) {
      residual[i] = features.link(a, Z.row(static_cast<Eigen::Index>(i)).data(), nullptr, s.phi.data(), s.dphi.data()) -
                    train.y[begin + i];
      total += residual[i] * residual[i];
    }
    train_loss = 0.5 * total / static_cast<double>(m);
  }

  void fit_exact() {
    project(train.x, begin, end, W, Z, opt.threads);
    fit_from_projections();
  }

  // (1/m) Σ r_i x_i ∇f̂(z_i)ᵀ on the window from the cached Z and residuals (one pass).
  Eigen::MatrixXd euclidean_gradient_exact() const {
    const std::size_t m = end - begin;
    RowMatrix V(static_cast<Eigen::Index>(m), opt.r);
    Scratch s(features.size(), opt.r);
    for (std::size_t i = 0; i < m; ++i) {
      features.link(a, Z.row(static_cast<Eigen::Index>(i)).data(), s.grad.data(), s.phi.data(), s.dphi.data());
      for (int c = 0; c < opt.r; ++c)
        V(static_cast<Eigen::Index>(i), c) = residual[i] * s.grad[static_cast<std::size_t>(c)];
    }
    return accumulate(train.x, begin, end, V, opt.threads) / static_cast<double>(m);
  }

  // Lagged: one fused pass at W with the current (previous) link; refits a, sets pending and the train loss.
  void fused_pass() {
    const int p = features.size(), r = opt.r;
    const std::size_t m = end - begin;
    std::vector<NormalEquations> normals(static_cast<std::size_t>(opt.threads), NormalEquations(p));
    std::vector<Scratch> scratch(static_cast<std::size_t>(opt.threads), Scratch(p, r));
    std::vector<Eigen::MatrixXd> blocks(static_cast<std::size_t>(opt.threads), Eigen::MatrixXd(p, 64));
    const Eigen::VectorXd lagged = a;
    const Eigen::MatrixXd G = project_accumulate(
        train.x, begin, end, W,
        [&](int w, std::size_t first, std::size_t count, const double* z, double* v) {
          Scratch& s = scratch[static_cast<std::size_t>(w)];
          Eigen::MatrixXd& PhiT = blocks[static_cast<std::size_t>(w)];
          if (PhiT.cols() < static_cast<Eigen::Index>(count)) PhiT.resize(p, static_cast<Eigen::Index>(count));
          for (std::size_t i = 0; i < count; ++i) {
            const double f = features.link(lagged, z + i * r, s.grad.data(),
                                           PhiT.col(static_cast<Eigen::Index>(i)).data(), s.dphi.data());
            const double res = f - train.y[first + i];
            for (int c = 0; c < r; ++c) v[i * r + c] = res * s.grad[static_cast<std::size_t>(c)];
          }
          normals[static_cast<std::size_t>(w)].add(PhiT, train.y.data() + first, count);
        },
        opt.threads);
    pending = G / static_cast<double>(m);
    for (std::size_t w = 1; w < normals.size(); ++w) normals[0].merge(normals[w]);
    a = normals[0].solve(lambda);
    train_loss = normals[0].loss(a);
  }

  // Online: one SGD step on `batch` fresh samples; returns the batch loss before the update.
  double online_step(double eta) {
    const int p = features.size(), r = opt.r;
    const std::size_t d = static_cast<std::size_t>(stream->model().d());
    Dataset block{SampleMatrix(std::min(batch, kOnlineBlock), d, train.x.precision()), {}};
    Eigen::MatrixXd G = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(d), r);
    std::vector<Eigen::VectorXd> grad_a(static_cast<std::size_t>(opt.threads), Eigen::VectorXd::Zero(p));
    std::vector<double> losses(static_cast<std::size_t>(opt.threads), 0.0);
    std::vector<Scratch> scratch(static_cast<std::size_t>(opt.threads), Scratch(p, r));
    for (std::size_t done = 0; done < batch; done += block.size()) {
      const std::size_t count = std::min(block.x.rows(), batch - done);
      stream->draw(block, 0, count);
      G += project_accumulate(
          block.x, 0, count, W,
          [&](int w, std::size_t first, std::size_t rows, const double* z, double* v) {
            Scratch& s = scratch[static_cast<std::size_t>(w)];
            for (std::size_t i = 0; i < rows; ++i) {
              const double res =
                  features.link(a, z + i * r, s.grad.data(), s.phi.data(), s.dphi.data()) - block.y[first + i];
              for (int c = 0; c < r; ++c) v[i * r + c] = res * s.grad[static_cast<std::size_t>(c)];
              grad_a[static_cast<std::size_t>(w)] += res * Eigen::Map<const Eigen::VectorXd>(s.phi.data(), p);
              losses[static_cast<std::size_t>(w)] += 0.5 * res * res;
            }
          },
          opt.threads);
    }
    double loss = 0.0;
    Eigen::VectorXd ga = Eigen::VectorXd::Zero(p);
    for (std::size_t w = 0; w < losses.size(); ++w) {
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
      throw InputError("--lr: training diverged at step " + std::to_string(k) + ": the step size " + number(eta) +
                       " times the gradient's norm " + number(xi.norm()) +
                       " moved W out of floating-point range; use a smaller --lr, or rescale the responses y");
  }

  void check_finite(double loss, const Eigen::MatrixXd& G) const {
    if (!std::isfinite(loss) || !G.allFinite())
      throw InputError(
          "--lr: training diverged at step " + std::to_string(k) +
          " (the loss or the gradient is not finite); use a smaller --lr or a larger --ridge, or rescale the "
          "responses y");
  }

  double test_loss() const {
    if (test.size() == 0) return kNaN;
    RowMatrix Zt;
    project(test.x, 0, test.size(), W, Zt, opt.threads);
    Scratch s(features.size(), opt.r);
    double total = 0.0;
    for (std::size_t i = 0; i < test.size(); ++i) {
      const double res =
          features.link(a, Zt.row(static_cast<Eigen::Index>(i)).data(), nullptr, s.phi.data(), s.dphi.data()) -
          test.y[i];
      total += res * res;
    }
    return 0.5 * total / static_cast<double>(test.size());
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
  if (train.size() == 0) throw InputError("training data: no samples");
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
  const std::size_t n = s.train.size();
  s.batch = s.opt.batch == 0 ? n : s.opt.batch;
  if (s.batch > n)
    throw InputError("--batch: B = " + std::to_string(s.batch) + " exceeds the " + std::to_string(n) +
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
  if (options.variant != TrainVariant::online)
    throw InputError("training: a sample stream needs the online variant (--online)");
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
int Trainer::feature_count() const {
  return state_->features.size();
}

const Dataset* Trainer::training_data() const {
  return state_->opt.variant == TrainVariant::online ? nullptr : &state_->train;
}

double Trainer::fitted_link(const double* z) const {
  const State& s = *state_;
  State::Scratch scratch(s.features.size(), s.opt.r);
  return s.features.link(s.a, z, nullptr, scratch.phi.data(), scratch.dphi.data());
}

Eigen::MatrixXd Trainer::riemannian_gradient() const {
  const State& s = *state_;
  if (s.opt.variant == TrainVariant::online)
    throw InputError("riemannian_gradient: the online variant has no stored samples");
  RowMatrix Z;
  project(s.train.x, s.begin, s.end, s.W, Z, s.opt.threads);
  const std::size_t m = s.end - s.begin;
  RowMatrix V(static_cast<Eigen::Index>(m), s.opt.r);
  State::Scratch scratch(s.features.size(), s.opt.r);
  for (std::size_t i = 0; i < m; ++i) {
    const double res = s.features.link(s.a, Z.row(static_cast<Eigen::Index>(i)).data(), scratch.grad.data(),
                                       scratch.phi.data(), scratch.dphi.data()) -
                       s.train.y[s.begin + i];
    for (int c = 0; c < s.opt.r; ++c)
      V(static_cast<Eigen::Index>(i), c) = res * scratch.grad[static_cast<std::size_t>(c)];
  }
  const Eigen::MatrixXd G = accumulate(s.train.x, s.begin, s.end, V, s.opt.threads) / static_cast<double>(m);
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

std::pair<Dataset, Dataset> split_dataset(const Dataset& data, double fraction, std::uint64_t seed) {
  if (!(fraction > 0.0 && fraction < 1.0))
    throw InputError("test fraction: " + number(fraction) + "; need 0 < fraction < 1");
  const std::size_t n = data.size(), d = data.dim();
  if (n < 2) throw InputError("data: " + std::to_string(n) + " sample(s); a train/test split needs at least 2");
  const auto rounded = static_cast<std::size_t>(std::llround(fraction * static_cast<double>(n)));
  const std::size_t n_test = std::max<std::size_t>(1, std::min(rounded, n - 1));
  // Fisher–Yates on the seeded stream: the first n_test of the permutation are held out.
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  Rng rng(seed, kSplitStream);
  for (std::size_t i = n - 1; i > 0; --i) {
    const auto j = static_cast<std::size_t>(rng.uniform() * static_cast<double>(i + 1));
    std::swap(order[i], order[std::min(j, i)]);
  }
  std::vector<char> held(n, 0);
  for (std::size_t i = 0; i < n_test; ++i) held[order[i]] = 1;
  Dataset train{SampleMatrix(n - n_test, d, data.x.precision()), std::vector<double>(n - n_test)};
  Dataset test{SampleMatrix(n_test, d, data.x.precision()), std::vector<double>(n_test)};
  std::vector<double> row(d);
  std::size_t i_train = 0, i_test = 0;
  for (std::size_t i = 0; i < n; ++i) {
    data.x.copy_row(i, row.data());
    Dataset& target = held[i] ? test : train;
    std::size_t& slot = held[i] ? i_test : i_train;
    target.x.set_row(slot, row.data());
    target.y[slot++] = data.y[i];
  }
  return {std::move(train), std::move(test)};
}

}  // namespace grassflow
