#include "grassflow/ode.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "grassflow/errors.h"
#include "grassflow/matrix_text.h"

namespace grassflow {

namespace {

// DOP853 tableau (Hairer's Fortran DOP853, via scipy's dop853_coefficients.py). Rows 0..11 are the method's
// stages, row 12 its solution weights b (stage 12 is f(t1, y1), used by FSAL and the dense output), rows
// 13..15 the extra stages of the dense output.
constexpr double kC[16] = {0.0,
                           0.526001519587677318785587544488e-01,
                           0.789002279381515978178381316732e-01,
                           0.118350341907227396726757197510,
                           0.281649658092772603273242802490,
                           0.333333333333333333333333333333,
                           0.25,
                           0.307692307692307692307692307692,
                           0.651282051282051282051282051282,
                           0.6,
                           0.857142857142857142857142857142,
                           1.0,
                           1.0,
                           0.1,
                           0.2,
                           0.777777777777777777777777777778};
constexpr double kA[16][16] = {
    {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
    {5.26001519587677318785587544488e-2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
    {1.97250569845378994544595329183e-2, 5.91751709536136983633785987549e-2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
    {2.95875854768068491816892993775e-2, 0, 8.87627564304205475450678981324e-2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
    {2.41365134159266685502369798665e-1, 0, -8.84549479328286085344864962717e-1, 9.24834003261792003115737966543e-1, 0,
     0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
    {3.7037037037037037037037037037e-2, 0, 0, 1.70828608729473871279604482173e-1, 1.25467687566822425016691814123e-1, 0,
     0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
    {3.7109375e-2, 0, 0, 1.70252211019544039314978060272e-1, 6.02165389804559606850219397283e-2, -1.7578125e-2, 0, 0, 0,
     0, 0, 0, 0, 0, 0, 0},
    {3.70920001185047927108779319836e-2, 0, 0, 1.70383925712239993810214054705e-1, 1.07262030446373284651809199168e-1,
     -1.53194377486244017527936158236e-2, 8.27378916381402288758473766002e-3, 0, 0, 0, 0, 0, 0, 0, 0, 0},
    {6.24110958716075717114429577812e-1, 0, 0, -3.36089262944694129406857109825, -8.68219346841726006818189891453e-1,
     2.75920996994467083049415600797e1, 2.01540675504778934086186788979e1, -4.34898841810699588477366255144e1, 0, 0, 0,
     0, 0, 0, 0, 0},
    {4.77662536438264365890433908527e-1, 0, 0, -2.48811461997166764192642586468, -5.90290826836842996371446475743e-1,
     2.12300514481811942347288949897e1, 1.52792336328824235832596922938e1, -3.32882109689848629194453265587e1,
     -2.03312017085086261358222928593e-2, 0, 0, 0, 0, 0, 0, 0},
    {-9.3714243008598732571704021658e-1, 0, 0, 5.18637242884406370830023853209, 1.09143734899672957818500254654,
     -8.14978701074692612513997267357, -1.85200656599969598641566180701e1, 2.27394870993505042818970056734e1,
     2.49360555267965238987089396762, -3.0467644718982195003823669022, 0, 0, 0, 0, 0, 0},
    {2.27331014751653820792359768449, 0, 0, -1.05344954667372501984066689879e1, -2.00087205822486249909675718444,
     -1.79589318631187989172765950534e1, 2.79488845294199600508499808837e1, -2.85899827713502369474065508674,
     -8.87285693353062954433549289258, 1.23605671757943030647266201528e1, 6.43392746015763530355970484046e-1, 0, 0, 0,
     0, 0},
    {5.42937341165687622380535766363e-2, 0, 0, 0, 0, 4.45031289275240888144113950566, 1.89151789931450038304281599044,
     -5.8012039600105847814672114227, 3.1116436695781989440891606237e-1, -1.52160949662516078556178806805e-1,
     2.01365400804030348374776537501e-1, 4.47106157277725905176885569043e-2, 0, 0, 0, 0},
    {5.61675022830479523392909219681e-2, 0, 0, 0, 0, 0, 2.53500210216624811088794765333e-1,
     -2.46239037470802489917441475441e-1, -1.24191423263816360469010140626e-1, 1.5329179827876569731206322685e-1,
     8.20105229563468988491666602057e-3, 7.56789766054569976138603589584e-3, -8.298e-3, 0, 0, 0},
    {3.18346481635021405060768473261e-2, 0, 0, 0, 0, 2.83009096723667755288322961402e-2,
     5.35419883074385676223797384372e-2, -5.49237485713909884646569340306e-2, 0, 0, -1.08347328697249322858509316994e-4,
     3.82571090835658412954920192323e-4, -3.40465008687404560802977114492e-4, 1.41312443674632500278074618366e-1, 0, 0},
    {-4.28896301583791923408573538692e-1, 0, 0, 0, 0, -4.69762141536116384314449447206, 7.68342119606259904184240953878,
     4.06898981839711007970213554331, 3.56727187455281109270669543021e-1, 0, 0, 0, -1.39902416515901462129418009734e-3,
     2.9475147891527723389556272149, -9.15095847217987001081870187138, 0},
};
constexpr double kE5[13] = {0.1312004499419488073250102996e-1,
                            0,
                            0,
                            0,
                            0,
                            -0.1225156446376204440720569753e+1,
                            -0.4957589496572501915214079952,
                            0.1664377182454986536961530415e+1,
                            -0.3503288487499736816886487290,
                            0.3341791187130174790297318841,
                            0.8192320648511571246570742613e-1,
                            -0.2235530786388629525884427845e-1,
                            0};
constexpr double kBhh[13] = {
    0.244094488188976377952755905512,    0, 0, 0, 0, 0, 0, 0, 0.733846688281611857341361741547, 0, 0,
    0.220588235294117647058823529412e-1, 0};
constexpr double kD[4][16] = {
    {-0.84289382761090128651353491142e+1, 0, 0, 0, 0, 0.56671495351937776962531783590,
     -0.30689499459498916912797304727e+1, 0.23846676565120698287728149680e+1, 0.21170345824450282767155149946e+1,
     -0.87139158377797299206789907490, 0.22404374302607882758541771650e+1, 0.63157877876946881815570249290,
     -0.88990336451333310820698117400e-1, 0.18148505520854727256656404962e+2, -0.91946323924783554000451984436e+1,
     -0.44360363875948939664310572000e+1},
    {0.10427508642579134603413151009e+2, 0, 0, 0, 0, 0.24228349177525818288430175319e+3,
     0.16520045171727028198505394887e+3, -0.37454675472269020279518312152e+3, -0.22113666853125306036270938578e+2,
     0.77334326684722638389603898808e+1, -0.30674084731089398182061213626e+2, -0.93321305264302278729567221706e+1,
     0.15697238121770843886131091075e+2, -0.31139403219565177677282850411e+2, -0.93529243588444783865713862664e+1,
     0.35816841486394083752465898540e+2},
    {0.19985053242002433820987653617e+2, 0, 0, 0, 0, -0.38703730874935176555105901742e+3,
     -0.18917813819516756882830838328e+3, 0.52780815920542364900561016686e+3, -0.11573902539959630126141871134e+2,
     0.68812326946963000169666922661e+1, -0.10006050966910838403183860980e+1, 0.77771377980534432092869265740,
     -0.27782057523535084065932004339e+1, -0.60196695231264120758267380846e+2, 0.84320405506677161018159903784e+2,
     0.11992291136182789328035130030e+2},
    {-0.25693933462703749003312586129e+2, 0, 0, 0, 0, -0.15418974869023643374053993627e+3,
     -0.23152937917604549567536039109e+3, 0.35763911791061412378285349910e+3, 0.93405324183624310003907691704e+2,
     -0.37458323136451633156875139351e+2, 0.10409964950896230045147246184e+3, 0.29840293426660503123344363579e+2,
     -0.43533456590011143754432175058e+2, 0.96324553959188282948394950600e+2, -0.39177261675615439165231486172e+2,
     -0.14972683625798562581422125276e+3},
};

constexpr int kStages = 12;
// Weights of DOP853's 3rd-order error estimate: b − bhh over the 13 stages (b of stage 12 is 0).
constexpr std::array<double, kStages + 1> kErr3 = [] {
  std::array<double, kStages + 1> w{};
  for (int s = 0; s <= kStages; ++s) w[static_cast<std::size_t>(s)] = (s < kStages ? kA[kStages][s] : 0.0) - kBhh[s];
  return w;
}();
constexpr double kErrorExponent = -1.0 / 8.0;  // DOP853's error estimate is of order 7

// BDF/NDF (scipy's bdf.py): orders 1..5, κ of the NDFs (Shampine–Reichelt 1997, Table 1). The order actually
// used is capped by IntegratorOptions::max_order.
constexpr int kMaxOrder = 5;
constexpr double kKappa[kMaxOrder + 1] = {0.0, -0.1850, -1.0 / 9.0, -0.0823, -0.0415, 0.0};
constexpr double kUnitRoundoff = std::numeric_limits<double>::epsilon();

struct BdfConstants {
  double gamma[kMaxOrder + 1], alpha[kMaxOrder + 1], error_const[kMaxOrder + 1];
  BdfConstants() {
    gamma[0] = 0.0;
    for (int k = 1; k <= kMaxOrder; ++k) gamma[k] = gamma[k - 1] + 1.0 / k;
    for (int k = 0; k <= kMaxOrder; ++k) {
      alpha[k] = (1.0 - kKappa[k]) * gamma[k];
      error_const[k] = kKappa[k] * gamma[k] + 1.0 / (k + 1);
    }
  }
};
const BdfConstants kBdf;

// The matrix that re-expresses backward differences for a step size changed by `factor` (scipy compute_R).
Eigen::MatrixXd difference_change(int order, double factor) {
  Eigen::MatrixXd M = Eigen::MatrixXd::Zero(order + 1, order + 1);
  M.row(0).setOnes();
  for (int i = 1; i <= order; ++i)
    for (int j = 1; j <= order; ++j) M(i, j) = (i - 1 - factor * j) / i;
  for (int i = 1; i <= order; ++i) M.row(i) = M.row(i).cwiseProduct(M.row(i - 1));
  return M;
}

// Throws InputError naming the option unless `ok`.
void require(bool ok, const char* field, const char* range, double value) {
  if (!ok)
    throw InputError(std::string("integrator: IntegratorOptions::") + field + " must be " + range + " (got " +
                     shortest_text(value) + ")");
}

void check(const IntegratorOptions& o) {
  require(o.rtol > 0.0 && o.rtol < 1.0, "rtol", "in (0, 1)", o.rtol);
  require(o.size_floor >= 0.0 && std::isfinite(o.size_floor), "size_floor", "finite and >= 0", o.size_floor);
  require(o.safety > 0.0 && o.safety <= 1.0, "safety", "in (0, 1]", o.safety);
  require(o.min_factor > 0.0 && o.min_factor < 1.0, "min_factor", "in (0, 1)", o.min_factor);
  require(o.max_factor >= 1.0 && std::isfinite(o.max_factor), "max_factor", "finite and >= 1", o.max_factor);
  require(o.max_rejections >= 0, "max_rejections", ">= 0", o.max_rejections);
  require(o.stiff_h_lambda > 0.0, "stiff_h_lambda", "> 0", o.stiff_h_lambda);
  require(o.stiff_steps >= 1, "stiff_steps", ">= 1", o.stiff_steps);
  require(o.nonstiff_reset >= 1, "nonstiff_reset", ">= 1", o.nonstiff_reset);
  require(o.nonstiff_h_rho >= 0.0, "nonstiff_h_rho", ">= 0", o.nonstiff_h_rho);
  require(o.nonstiff_steps >= 1, "nonstiff_steps", ">= 1", o.nonstiff_steps);
  require(o.newton_trouble_limit >= 1, "newton_trouble_limit", ">= 1", o.newton_trouble_limit);
  require(o.handback_h_rho >= 0.0, "handback_h_rho", ">= 0", o.handback_h_rho);
  require(o.max_order >= 1 && o.max_order <= kMaxOrder, "max_order", "in 1..5", o.max_order);
  require(o.newton_max_iterations >= 1, "newton_max_iterations", ">= 1", o.newton_max_iterations);
  require(o.newton_small > 0.0, "newton_small", "> 0", o.newton_small);
  require(o.newton_noise >= o.newton_small, "newton_noise", ">= newton_small", o.newton_noise);
  require(o.newton_tolerance_cap > 0.0, "newton_tolerance_cap", "> 0", o.newton_tolerance_cap);
  require(o.newton_failure_factor > 0.0 && o.newton_failure_factor < 1.0, "newton_failure_factor", "in (0, 1)",
          o.newton_failure_factor);
  require(o.jacobian_increment > 0.0 && std::isfinite(o.jacobian_increment), "jacobian_increment", "finite and > 0",
          o.jacobian_increment);
}

}  // namespace

void Time::add(double h) {
  const double s = hi + h;
  const double b = s - hi;
  const double err = (hi - (s - b)) + (h - b);
  const double l = lo + err;
  hi = s + l;
  lo = l - (hi - s);
}

Eigen::VectorXd DenseStep::operator()(double t) const {
  if (kind == Kind::dop853) {
    const double x = t0.from(t) / h;
    Eigen::VectorXd y = Eigen::VectorXd::Zero(y0.size());
    for (int i = 0; i < 7; ++i) {
      y += F[static_cast<std::size_t>(6 - i)];
      y *= (i % 2 == 0) ? x : 1.0 - x;
    }
    return y + y0;
  }
  // The BDF interpolating polynomial in Newton form around t1 with nodes t1 − i·h.
  const double s = t1.from(t);
  Eigen::VectorXd y = D.col(0);
  double p = 1.0;
  for (Eigen::Index i = 1; i < D.cols(); ++i) {
    p *= (s + h * static_cast<double>(i - 1)) / (h * static_cast<double>(i));
    y += p * D.col(i);
  }
  return y;
}

Integrator::Integrator(Rhs rhs, Eigen::VectorXd y0, IntegratorOptions options)
    : rhs_(std::make_shared<const Rhs>(std::move(rhs))), options_(std::move(options)), y_(std::move(y0)) {
  if (!*rhs_) throw InputError("integrator: no right-hand side given");
  if (y_.size() == 0) throw InputError("integrator: the initial state y0 is empty");
  check(options_);
  if (!options_.size)
    options_.size = [](const Eigen::VectorXd& y_old, const Eigen::VectorXd& y_new, Eigen::VectorXd& s) {
      s = y_old.cwiseAbs().cwiseMax(y_new.cwiseAbs());
    };
  const Eigen::Index n = y_.size();
  f_.resize(n);
  work_y_.resize(n);
  work_f_.resize(n);
  size_.resize(n);
  K_.resize(n, kStages + 1);
  eval(0.0, y_, f_);
  h_abs_ = initial_step();
  if (!(h_abs_ > 0.0) || !std::isfinite(h_abs_)) h_abs_ = 1e-6;
}

void Integrator::eval(double t, const Eigen::VectorXd& y, Eigen::VectorXd& f) {
  (*rhs_)(t, y, f);
  ++evaluations_;
}

double Integrator::scaled_rms(const Eigen::VectorXd& v) const {
  double s = 0.0;
  for (Eigen::Index i = 0; i < v.size(); ++i) {
    if (v(i) == 0.0) continue;
    const double scale = options_.rtol * size_(i);
    if (!(scale > 0.0)) return std::numeric_limits<double>::infinity();
    s += (v(i) / scale) * (v(i) / scale);
  }
  return std::sqrt(s / static_cast<double>(v.size()));
}

void Integrator::set_sizes(const Eigen::VectorXd& y_old, const Eigen::VectorXd& y_new) {
  options_.size(y_old, y_new, size_);
  // Skipped at the default 0 so that sizes computed by the caller pass through untouched (even a NaN).
  if (options_.size_floor > 0.0) size_ = size_.cwiseMax(options_.size_floor);
}

void Integrator::set_scales(const Eigen::VectorXd& y_old, const Eigen::VectorXd& y_new) {
  set_sizes(y_old, y_new);
  if (!options_.neutral) return;
  options_.neutral(y_old, neutral_basis_);
  if (neutral_basis_.cols() == 0) return;
  for (Eigen::Index i = 0; i < neutral_basis_.rows(); ++i) {
    const double scale = options_.rtol * size_(i);
    neutral_basis_.row(i) *= scale > 0.0 ? 1.0 / scale : 0.0;
  }
  // An orthonormal basis of the neutral directions in the scaled coordinates (dropping dependent ones).
  const Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(neutral_basis_);
  neutral_basis_ = Eigen::MatrixXd(qr.householderQ()).leftCols(qr.rank());
}

double Integrator::controlled_squared_norm(const Eigen::VectorXd& v) const {
  Eigen::VectorXd& u = scaled_;  // reused: this runs several times per step
  u.resize(v.size());
  for (Eigen::Index i = 0; i < v.size(); ++i) {
    const double scale = options_.rtol * size_(i);
    if (v(i) == 0.0) {
      u(i) = 0.0;
    } else {
      if (!(scale > 0.0)) return std::numeric_limits<double>::infinity();
      u(i) = v(i) / scale;
    }
  }
  if (neutral_basis_.cols() > 0) u -= neutral_basis_ * (neutral_basis_.transpose() * u);
  return u.squaredNorm();
}

double Integrator::controlled_rms(const Eigen::VectorXd& v) const {
  return std::sqrt(controlled_squared_norm(v) / static_cast<double>(v.size()));
}

// Hairer et al. §II.4 (the version in scipy's select_initial_step), with the caller's component sizes.
double Integrator::initial_step() {
  set_sizes(y_, y_);
  const double d0 = scaled_rms(y_), d1 = scaled_rms(f_);
  const double h0 = (d0 < 1e-5 || d1 < 1e-5 || !std::isfinite(d0 / d1)) ? 1e-6 : 0.01 * d0 / d1;
  work_y_ = y_ + h0 * f_;
  eval(h0, work_y_, work_f_);
  const double d2 = scaled_rms(work_f_ - f_) / h0;
  const double h1 = (d1 <= 1e-15 && d2 <= 1e-15) ? std::max(1e-6, h0 * 1e-3) : std::pow(0.01 / std::max(d1, d2), 0.125);
  return std::min(100 * h0, h1);
}

Integrator::Result Integrator::step(double t_bound) {
  return method_ == Method::dop853 ? step_dop853(t_bound) : step_bdf(t_bound);
}

Integrator::Result Integrator::step_dop853(double t_bound) {
  double h_abs = h_abs_;
  bool rejected = false, saw_nonfinite = false;
  for (int rejections = 0;; ++rejections) {
    const double remaining = t_.from(t_bound);
    const double h = std::min(h_abs, remaining);
    if (rejections > options_.max_rejections || !(h > 0.0))
      return saw_nonfinite ? Result::nonfinite : Result::step_too_small;
    K_.col(0) = f_;
    for (int s = 1; s < kStages; ++s) {
      work_y_ = y_;
      for (int j = 0; j < s; ++j)
        if (kA[s][j] != 0.0) work_y_ += (h * kA[s][j]) * K_.col(j);
      eval(t_.hi + kC[s] * h, work_y_, work_f_);
      K_.col(s) = work_f_;
    }
    Eigen::VectorXd y_new = y_;
    for (int j = 0; j < kStages; ++j)
      if (kA[kStages][j] != 0.0) y_new += (h * kA[kStages][j]) * K_.col(j);
    eval(t_.hi + h, y_new, work_f_);
    K_.col(kStages) = work_f_;
    double err = std::numeric_limits<double>::infinity();
    if (y_new.allFinite() && K_.allFinite()) {
      set_scales(y_, y_new);
      // Hairer's combined 5th/3rd-order estimate.
      const Eigen::VectorXd err5 = K_ * Eigen::Map<const Eigen::VectorXd>(kE5, kStages + 1);
      const Eigen::VectorXd err3 = K_ * Eigen::Map<const Eigen::VectorXd>(kErr3.data(), kStages + 1);
      const double e5 = controlled_squared_norm(err5), e3 = controlled_squared_norm(err3);
      if (std::isfinite(e5) && std::isfinite(e3))
        err = (e5 == 0.0 && e3 == 0.0) ? 0.0 : h * e5 / std::sqrt((e5 + 0.01 * e3) * static_cast<double>(y_.size()));
    } else {
      saw_nonfinite = true;
    }
    if (!(err <= 1.0)) {
      h_abs = h * (std::isfinite(err) ? std::max(options_.min_factor, options_.safety * std::pow(err, kErrorExponent))
                                      : options_.min_factor);
      rejected = true;
      continue;
    }
    double factor = err == 0.0 ? options_.max_factor
                               : std::min(options_.max_factor, options_.safety * std::pow(err, kErrorExponent));
    if (rejected) factor = std::min(1.0, factor);
    // A step shortened to land on t_bound must not shrink the step the solution allows.
    const bool shortened = h < h_abs;
    h_abs_ = (shortened && factor >= 1.0) ? std::max(h_abs, h * factor) : h * factor;
    // Hairer's stiffness test: h·‖f(y1) − f(Y12)‖/‖y1 − Y12‖ estimates h·|λ| (Y12 is the last stage, c = 1).
    // The norms are taken relative to each component's size: a stiff component can be tiny in absolute terms
    // (a converged gap of 1e-20) and would vanish from an unscaled norm while it pins the step at |λ|h ≈ 6.
    const Eigen::VectorXd inverse_size = size_.cwiseMax(std::numeric_limits<double>::min()).cwiseInverse();
    const double spread = (y_new - work_y_).cwiseProduct(inverse_size).norm();
    // A step that left the state unchanged to the last bit while f ≠ 0 (a converged direction whose velocity is
    // rounding noise, limiting explicit steps, beside one creeping for 10²⁰ time units) is stiff too.
    const bool frozen = spread == 0.0 && y_new == y_ && !f_.isZero(0.0);
    if (options_.allow_stiff && (spread > 0.0 || frozen)) {
      if (frozen || h * (K_.col(kStages) - K_.col(kStages - 1)).cwiseProduct(inverse_size).norm() / spread >
                        options_.stiff_h_lambda) {
        nonstiff_count_ = 0;
        ++stiff_count_;
      } else if (++nonstiff_count_ == options_.nonstiff_reset) {
        stiff_count_ = 0;
      }
    }
    last_ = StepRecord{};
    last_.rhs = rhs_;
    last_.t0 = t_;
    last_.y0 = y_;
    last_.K = K_;
    t_.add(h);
    last_.t1 = t_;
    last_.y1 = y_new;
    y_ = std::move(y_new);
    f_ = K_.col(kStages);
    if (stiff_count_ >= options_.stiff_steps) start_bdf();
    return Result::ok;
  }
}

const DenseStep& Integrator::dense_output(const StepRecord& st) {
  if (st.dense) return *st.dense;
  const Eigen::Index n = st.y0.size();
  const double h = st.t1.minus(st.t0);
  Eigen::MatrixXd K(n, 16);
  K.leftCols(kStages + 1) = st.K;
  Eigen::VectorXd y(n), f(n);
  for (int s = kStages + 1; s < 16; ++s) {
    y = st.y0;
    for (int j = 0; j < s; ++j)
      if (kA[s][j] != 0.0) y += (h * kA[s][j]) * K.col(j);
    (*st.rhs)(st.t0.hi + kC[s] * h, y, f);
    ++evaluations_;
    K.col(s) = f;
  }
  auto dense = std::make_shared<DenseStep>();
  dense->kind = DenseStep::Kind::dop853;
  dense->t0 = st.t0;
  dense->t1 = st.t1;
  dense->h = h;
  dense->y0 = st.y0;
  const Eigen::VectorXd delta = st.y1 - st.y0;
  const Eigen::VectorXd f_old = st.K.col(0), f_new = st.K.col(kStages);
  dense->F[0] = delta;
  dense->F[1] = h * f_old - delta;
  dense->F[2] = 2.0 * delta - h * (f_new + f_old);
  for (int i = 0; i < 4; ++i) {
    Eigen::VectorXd Fi = Eigen::VectorXd::Zero(n);
    for (int s = 0; s < 16; ++s)
      if (kD[i][s] != 0.0) Fi += (h * kD[i][s]) * K.col(s);
    dense->F[static_cast<std::size_t>(3 + i)] = Fi;
  }
  st.dense = dense;
  return *dense;
}

void Integrator::reset_state(const Eigen::VectorXd& y) {
  if (y.size() != y_.size())
    throw InputError("integrator: reset_state needs " + std::to_string(y_.size()) + " entries (got " +
                     std::to_string(y.size()) + ")");
  y_ = y;
  eval(t_.hi, y_, f_);
  if (method_ == Method::bdf) start_bdf();
}

void Integrator::change_coordinates(const Eigen::MatrixXd& A, Rhs rhs) {
  if (A.rows() != y_.size() || A.cols() != y_.size())
    throw InputError("integrator: change_coordinates needs a " + std::to_string(y_.size()) + "×" +
                     std::to_string(y_.size()) + " matrix (got " + std::to_string(A.rows()) + "×" +
                     std::to_string(A.cols()) + ")");
  if (!rhs) throw InputError("integrator: change_coordinates needs a right-hand side");
  rhs_ = std::make_shared<const Rhs>(std::move(rhs));
  y_ = A * y_;
  eval(t_.hi, y_, f_);
  if (method_ == Method::bdf) {
    D_ = A * D_;  // differences of states map like states: A is linear
    J_ = A * J_ * A.transpose();
    lu_valid_ = false;
  }
}

// ---------------------------------------------------------------------------------------------------------
// BDF (NDF) with quasi-constant step, after scipy.integrate._ivp.bdf.

void Integrator::start_bdf() {
  method_ = Method::bdf;
  order_ = 1;
  equal_steps_ = nonstiff_count_ = newton_trouble_ = 0;
  D_ = Eigen::MatrixXd::Zero(y_.size(), kMaxOrder + 3);
  D_.col(0) = y_;
  D_.col(1) = h_abs_ * f_;
  jacobian();
  lu_valid_ = false;
}

// Central differences with increments jacobian_increment·size_j (u^{1/3} by default): with step sizes h ~ 1e12
// the Newton iteration multiplies Jacobian errors by h/α, so the forward differences of scipy's num_jac are not
// accurate enough.
void Integrator::jacobian() {
  const Eigen::Index n = y_.size();
  set_sizes(y_, y_);
  J_.resize(n, n);
  Eigen::VectorXd y = y_, up(n), down(n);
  for (Eigen::Index j = 0; j < n; ++j) {
    const double delta = options_.jacobian_increment * std::max(size_(j), 1e-300);
    y(j) = y_(j) + delta;
    const double forward = y(j) - y_(j);
    eval(t_.hi, y, up);
    y(j) = y_(j) - delta;
    const double backward = y_(j) - y(j);
    eval(t_.hi, y, down);
    J_.col(j) = (up - down) / (forward + backward);
    y(j) = y_(j);
  }
  jacobian_current_ = true;
}

double Integrator::scaled_jacobian_norm() const {
  const Eigen::VectorXd weights = size_.cwiseMax(std::numeric_limits<double>::min());
  return (weights.cwiseInverse().asDiagonal() * J_.cwiseAbs() * weights).maxCoeff();
}

void Integrator::change_differences(double factor) {
  const Eigen::MatrixXd RU = difference_change(order_, factor) * difference_change(order_, 1.0);
  D_.leftCols(order_ + 1) = D_.leftCols(order_ + 1) * RU;
}

Integrator::Result Integrator::step_bdf(double t_bound) {
  const Eigen::Index n = y_.size();
  const double rtol = options_.rtol;
  const double newton_tol =
      std::max(10.0 * kUnitRoundoff / rtol, std::min(options_.newton_tolerance_cap, std::sqrt(rtol)));
  const int max_iterations = options_.newton_max_iterations;
  double h_abs = h_abs_;
  jacobian_current_ = false;
  bool saw_nonfinite = false;
  Eigen::VectorXd y_new(n), d(n), dy(n);
  double error_norm = 0.0, safety = 0.0;
  for (int rejections = 0;; ++rejections) {
    if (rejections > options_.max_rejections || !(h_abs > 0.0))
      return saw_nonfinite ? Result::nonfinite : Result::step_too_small;
    const double remaining = t_.from(t_bound);
    if (!(remaining > 0.0)) return Result::step_too_small;
    if (h_abs > remaining) {
      change_differences(remaining / h_abs);
      h_abs = remaining;
      equal_steps_ = 0;
      lu_valid_ = false;
    }
    const double h = h_abs;
    const Eigen::VectorXd y_predict = D_.leftCols(order_ + 1).rowwise().sum();
    Eigen::VectorXd psi = Eigen::VectorXd::Zero(n);
    for (int i = 1; i <= order_; ++i) psi += kBdf.gamma[i] * D_.col(i);
    psi /= kBdf.alpha[order_];
    const double c = h / kBdf.alpha[order_];
    set_scales(y_, y_predict);
    bool converged = false;
    int iterations = 0;
    for (;;) {
      if (!lu_valid_) {
        lu_.compute(Eigen::MatrixXd::Identity(n, n) - c * J_);
        lu_valid_ = true;
      }
      // Simplified Newton on the NDF equations (scipy's solve_bdf_system).
      y_new = y_predict;
      d.setZero();
      double dy_norm_old = -1.0;
      converged = false;
      for (iterations = 1; iterations <= max_iterations; ++iterations) {
        eval(t_.hi + h, y_new, work_f_);
        if (!work_f_.allFinite()) {
          saw_nonfinite = true;
          break;
        }
        dy = lu_.solve(c * work_f_ - psi - d);
        const double dy_norm = controlled_rms(dy);
        // Corrections bottom out at the rounding noise of h·f/α: with long steps, components far smaller than
        // the terms f is computed from (a creeping cosine beside a converged one) carry rounding errors of
        // h·u·|terms|, up to the tolerance itself. That noise is the rounding floor of any integrator over the
        // same span, and the ratio of noisy corrections says nothing about convergence: a correction below 1%
        // of the tolerance is converged, and so is one that stopped contracting below 30% of it.
        if (dy_norm < options_.newton_small) {
          y_new += dy;
          d += dy;
          converged = true;
          break;
        }
        const double rate = dy_norm_old >= 0.0 ? dy_norm / dy_norm_old : -1.0;
        if (rate >= 0.0 &&
            (rate >= 1.0 || std::pow(rate, max_iterations - iterations + 1) / (1.0 - rate) * dy_norm > newton_tol)) {
          converged = dy_norm < options_.newton_noise;
          break;
        }
        y_new += dy;
        d += dy;
        if (dy_norm == 0.0 || (rate >= 0.0 && rate / (1.0 - rate) * dy_norm < newton_tol)) {
          converged = true;
          break;
        }
        dy_norm_old = dy_norm;
      }
      if (converged || jacobian_current_) break;
      jacobian();
      lu_valid_ = false;
    }
    if (!converged) {
      // Newton failing with a fresh Jacobian means a fast nonlinear phase, not stiffness: hand back to DOP853,
      // unless explicit steps would be far shorter still (then it is rounding noise amplified by a step of
      // 10²⁰ along a nearly neutral direction, and a shorter implicit step is the cure).
      if (jacobian_current_ && ++newton_trouble_ >= options_.newton_trouble_limit &&
          h_abs * scaled_jacobian_norm() < options_.handback_h_rho) {
        start_dop853(h_abs);
        return step_dop853(t_bound);
      }
      h_abs *= options_.newton_failure_factor;
      change_differences(options_.newton_failure_factor);
      equal_steps_ = 0;
      lu_valid_ = false;
      continue;
    }
    safety = options_.safety * (2 * max_iterations + 1) / (2 * max_iterations + std::min(iterations, max_iterations));
    set_scales(y_, y_new);
    error_norm = controlled_rms(kBdf.error_const[order_] * d);
    if (error_norm > 1.0) {
      const double factor = std::max(options_.min_factor, safety * std::pow(error_norm, -1.0 / (order_ + 1)));
      h_abs *= factor;
      change_differences(factor);
      equal_steps_ = 0;
      continue;
    }
    break;
  }
  ++equal_steps_;
  if (newton_trouble_ > 0) --newton_trouble_;
  // Leave BDF once an explicit step of this size would be stable again (h·ρ small, ρ the Jacobian's norm in
  // the components' own scales), as LSODA does.
  const bool explicit_would_do = h_abs * scaled_jacobian_norm() < options_.nonstiff_h_rho;
  nonstiff_count_ = explicit_would_do ? nonstiff_count_ + 1 : 0;
  last_ = StepRecord{};
  last_.rhs = rhs_;
  last_.t0 = t_;
  last_.y0 = y_;
  t_.add(h_abs);
  last_.t1 = t_;
  last_.y1 = y_new;
  y_ = y_new;
  eval(t_.hi, y_, f_);
  // D^{j+1}y_n = D^j y_n − D^j y_{n−1}, with d = D^{k+1}y_n.
  D_.col(order_ + 2) = d - D_.col(order_ + 1);
  D_.col(order_ + 1) = d;
  for (int i = order_; i >= 0; --i) D_.col(i) += D_.col(i + 1);
  h_abs_ = h_abs;
  if (equal_steps_ >= order_ + 1) {
    const double inf = std::numeric_limits<double>::infinity();
    const double error_m = order_ > 1 ? controlled_rms(kBdf.error_const[order_ - 1] * D_.col(order_)) : inf;
    const double error_p =
        order_ < options_.max_order ? controlled_rms(kBdf.error_const[order_ + 1] * D_.col(order_ + 2)) : inf;
    const double norms[3] = {error_m, error_norm, error_p};
    double best = -1.0;
    int delta = 0;
    for (int i = 0; i < 3; ++i) {
      const double f = norms[i] == 0.0 ? inf : std::pow(norms[i], -1.0 / (order_ + i));
      if (f > best) {
        best = f;
        delta = i - 1;
      }
    }
    order_ += delta;
    const double factor = std::min(options_.max_factor, safety * best);
    h_abs_ *= factor;
    change_differences(factor);
    equal_steps_ = 0;
    lu_valid_ = false;
  }
  auto dense = std::make_shared<DenseStep>();
  dense->kind = DenseStep::Kind::bdf;
  dense->t0 = last_.t0;
  dense->t1 = last_.t1;
  dense->h = h_abs_;
  dense->D = D_.leftCols(order_ + 1);
  last_.dense = dense;
  if (nonstiff_count_ >= options_.nonstiff_steps) start_dop853(h_abs);
  return Result::ok;
}

void Integrator::start_dop853(double h) {
  method_ = Method::dop853;
  stiff_count_ = nonstiff_count_ = newton_trouble_ = 0;
  h_abs_ = h;
}

}  // namespace grassflow
