#include "grassflow/hermite_analysis.h"

#include <Eigen/Dense>
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

#include "grassflow/errors.h"
#include "grassflow/hermite.h"
#include "grassflow/multiindex.h"

namespace grassflow {

namespace {

constexpr double kRelativeTolerance = 1e-12;  // agreement of two rules, relative to ‖f*‖
constexpr double kAdaptiveTolerance = 1e-11;  // target of the nested adaptive rule, relative to ‖f*‖
constexpr std::size_t kRefinementBudget = std::size_t{1} << 22;  // evaluations of one refined tensor rule

std::size_t power(std::size_t base, int exponent) {
  std::size_t p = 1;
  for (int i = 0; i < exponent; ++i) p *= base;
  return p;
}

// Σ_i (base)^i for i = 0..exponent, or SIZE_MAX once it exceeds `cap`.
std::size_t saturating_power(std::size_t base, int exponent, std::size_t cap) {
  std::size_t p = 1;
  for (int i = 0; i < exponent; ++i) {
    if (p > cap / base) return static_cast<std::size_t>(-1);
    p *= base;
  }
  return p;
}

std::string point_text(const double* z, int r) {
  std::string s = "(";
  for (int i = 0; i < r; ++i) s += (i ? ", " : "") + std::to_string(z[i]);
  return s + ")";
}

void check_finite(const Link& link, double value, const double* z) {
  if (!std::isfinite(value))
    throw InputError("link", "link " + link.spec() + " is " + (std::isnan(value) ? "NaN" : "infinite") +
                                 " at z = " + point_text(z, link.r()) +
                                 "; Hermite coefficients need a link that is finite on R^r with E[f*(z)^2] < inf");
}

// Σ_{|β|≤K} α_β H_β projections of f* as a dense box over β ∈ {0..K}^r (entries with |β| > K are computed but
// ignored), together with E[f*²].
struct Projection {
  std::vector<double> box;
  double mean_square = 0.0;
  std::size_t evaluations = 0;
};

// The same tensor-product rule on every axis. The last axis is contracted while the link is evaluated in
// blocks (no q^r array is kept), then the other axes one by one.
Projection project_tensor_rule(const Link& link, const QuadratureRule& rule, int K) {
  const int r = link.r();
  const std::size_t q = static_cast<std::size_t>(rule.size()), Kp = static_cast<std::size_t>(K) + 1;
  std::vector<double> P(Kp * q), h(Kp);
  for (std::size_t i = 0; i < q; ++i) {
    hermite_h_all(K, rule.nodes[i], h.data());
    for (std::size_t b = 0; b < Kp; ++b) P[b * q + i] = rule.weights[i] * h[b];
  }
  const std::size_t prefixes = power(q, r - 1);
  const std::size_t block = std::max<std::size_t>(1, 4096 / q);
  std::vector<double> X(prefixes * Kp), Z(block * q * static_cast<std::size_t>(r)), F(block * q);
  std::vector<std::size_t> digit(static_cast<std::size_t>(r > 1 ? r - 1 : 1), 0);  // odometer over the prefix
  Projection out;
  for (std::size_t p0 = 0; p0 < prefixes; p0 += block) {
    const std::size_t nb = std::min(block, prefixes - p0);
    std::vector<double> prefix_weight(nb, 1.0);
    for (std::size_t pb = 0; pb < nb; ++pb) {
      for (int j = 0; j + 1 < r; ++j) prefix_weight[pb] *= rule.weights[digit[static_cast<std::size_t>(j)]];
      for (std::size_t i = 0; i < q; ++i) {
        double* z = &Z[(pb * q + i) * static_cast<std::size_t>(r)];
        for (int j = 0; j + 1 < r; ++j) z[j] = rule.nodes[digit[static_cast<std::size_t>(j)]];
        z[r - 1] = rule.nodes[i];
      }
      for (int j = r - 2; j >= 0; --j) {  // next prefix, last digit fastest
        if (++digit[static_cast<std::size_t>(j)] < q) break;
        digit[static_cast<std::size_t>(j)] = 0;
      }
    }
    link.evaluate(Z.data(), nb * q, F.data());
    out.evaluations += nb * q;
    for (std::size_t pb = 0; pb < nb; ++pb) {
      const double* f = &F[pb * q];
      double square = 0.0;
      for (std::size_t i = 0; i < q; ++i) {
        check_finite(link, f[i], &Z[(pb * q + i) * static_cast<std::size_t>(r)]);
        square += rule.weights[i] * f[i] * f[i];
      }
      out.mean_square += prefix_weight[pb] * square;
      double* x = &X[(p0 + pb) * Kp];
      for (std::size_t b = 0; b < Kp; ++b) {
        double s = 0.0;
        for (std::size_t i = 0; i < q; ++i) s += P[b * q + i] * f[i];
        x[b] = s;
      }
    }
  }
  // X has shape (q^a, q, Kp^{r−1−a}); contract the middle axis into Kp, for a = r−2 .. 0.
  std::vector<double> Y;
  for (int a = r - 2; a >= 0; --a) {
    const std::size_t outer = power(q, a), inner = power(Kp, r - 1 - a);
    Y.assign(outer * Kp * inner, 0.0);
    for (std::size_t o = 0; o < outer; ++o)
      for (std::size_t b = 0; b < Kp; ++b) {
        double* y = &Y[(o * Kp + b) * inner];
        for (std::size_t i = 0; i < q; ++i) {
          const double c = P[b * q + i];
          const double* x = &X[(o * q + i) * inner];
          for (std::size_t t = 0; t < inner; ++t) y[t] += c * x[t];
        }
      }
    X.swap(Y);
  }
  out.box = std::move(X);
  return out;
}

// [SECTION] Nested adaptive Gauss–Kronrod (7/15, QUADPACK's qk15 constants)

constexpr double kKronrodNodes[8] = {0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
                                     0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
                                     0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
                                     0.207784955007898467600689403773245, 0.0};
constexpr double kKronrodWeights[8] = {0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
                                       0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
                                       0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
                                       0.204432940075298892414161999234649, 0.209482141084727828012999174891714};
// Gauss weights at kKronrodNodes[1], [3], [5], [7].
constexpr double kGaussWeights[4] = {0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
                                     0.381830050505118944950369775488975, 0.417959183673469387755102040816327};
// A third opinion on each panel for the kink or jump that lies between a panel's end and its outermost
// Kronrod node, where K15 and G7 agree and both miss it (QUADPACK's blind spot): the interpolatory rule on
// the ends ±1 and the Kronrod nodes ±x_1..±x_6, 0 (exact to degree 15, positive weights). Its weights by
// Kronrod index: [0] for ±1, [j] for ±x_j (j = 1..6), [7] for the centre.
const std::array<double, 8>& endpoint_rule_weights() {
  static const std::array<double, 8> weights = [] {
    std::vector<double> x = {1.0, -1.0};
    for (int j = 1; j < 7; ++j) {
      x.push_back(kKronrodNodes[j]);
      x.push_back(-kKronrodNodes[j]);
    }
    x.push_back(0.0);
    const int n = static_cast<int>(x.size());
    // Σ_j w_j P_i(x_j) = ∫ P_i = 2δ_{i0} in the Legendre basis (well conditioned).
    Eigen::MatrixXd A(n, n);
    for (int j = 0; j < n; ++j) {
      double p_prev = 0.0, p = 1.0;
      for (int i = 0; i < n; ++i) {
        A(i, j) = p;
        const double next = ((2.0 * i + 1.0) * x[static_cast<std::size_t>(j)] * p - i * p_prev) / (i + 1.0);
        p_prev = p;
        p = next;
      }
    }
    Eigen::VectorXd moments = Eigen::VectorXd::Zero(n);
    moments[0] = 2.0;
    const Eigen::VectorXd w = A.fullPivLu().solve(moments);
    std::array<double, 8> by_index{};
    by_index[0] = w[0];
    for (int j = 1; j < 7; ++j) by_index[static_cast<std::size_t>(j)] = w[2 * j];
    by_index[7] = w[n - 1];
    return by_index;
  }();
  return weights;
}
constexpr double kAdaptiveHalfWidth = 14.0;  // φ(14)·14^16 ≈ 1e-24: the tails of degree-8 polynomials
constexpr int kInitialPanels = 14;           // width 2, with a break at 0
// Links that grow faster (h_60 has its outermost zero near √242 ≈ 15.5 and most of its mass beyond 14) get
// tail panels of the same width while the last ones still matter, up to where φ underflows (φ(38) ≈ 1e-314).
constexpr double kAdaptiveMaxHalfWidth = 38.0;
constexpr int kMaxPanels = 1000;                               // per one-dimensional integral
constexpr std::size_t kAdaptiveBudget = std::size_t{1} << 23;  // link evaluations, all levels together

// Iterated integration: axis d is integrated adaptively, its integrand being the (adaptive) integral over
// the axes after it. The result over axes d..r−1 is the vector [Σ α-partials over (b_d..b_{r−1}), E f²].
// A panel whose |K15 − G7| is within twice its noise (rounding, 50ε·∫|g| as in QUADPACK, plus the error of
// the inner integrals at its nodes) is settled: bisecting it cannot help.
class NestedAdaptive {
 public:
  /// `norm`: an estimate of ‖f*‖. Errors of the E f² component count as the error of ‖f*‖ they imply,
  /// |ΔE f²|/(2‖f*‖), so that all components are in the units of ‖f*‖ (as `difference` below compares rules).
  NestedAdaptive(const Link& link, int K, double norm)
      : link_(link), r_(link.r()), Kp_(static_cast<std::size_t>(K) + 1), mean_square_scale_(0.5 / norm) {
    z_.assign(static_cast<std::size_t>(r_), 0.0);
  }

  std::vector<double> integrate(int d, double tolerance, double* error) {
    const std::size_t inner = power(Kp_, r_ - 1 - d), m = Kp_ * inner + 1;
    struct Panel {
      double a, b, error;
      bool settled;
      std::vector<double> integral;
    };
    // g(x) into out[0..m); returns the absolute error of out (inner integrals), 0 on the last axis.
    auto integrand = [&](double x, double* out) {
      z_[static_cast<std::size_t>(d)] = x;
      const double phi = std::exp(-0.5 * x * x) / std::sqrt(2.0 * 3.14159265358979323846);
      std::vector<double> h(Kp_);  // per call: the recursion below evaluates other points
      hermite_h_all(static_cast<int>(Kp_) - 1, x, h.data());
      if (d == r_ - 1) {
        const double f = link_(z_.data());
        ++evaluations_;
        check_finite(link_, f, z_.data());
        for (std::size_t b = 0; b < Kp_; ++b) out[b] = phi * f * h[b];
        out[m - 1] = phi * f * f;
        return 0.0;
      }
      double inner_error = 0.0;
      // Tighter inside: inner errors are noise to the outer error estimate.
      const std::vector<double> u = integrate(d + 1, 1e-2 * tolerance, &inner_error);
      double h_norm = 1.0;  // the noise is scaled by ‖(h_b(x))_b, 1‖
      for (std::size_t b = 0; b < Kp_; ++b) {
        h_norm += h[b] * h[b];
        for (std::size_t t = 0; t < inner; ++t) out[b * inner + t] = phi * h[b] * u[t];
      }
      out[m - 1] = phi * u[inner];
      return phi * std::sqrt(h_norm) * inner_error;
    };
    // Component c in the units of ‖f*‖: the last one, E f², by its implied change of ‖f*‖.
    auto units = [&](std::size_t c) { return c + 1 == m ? mean_square_scale_ : 1.0; };
    // values[i·m ..]: i = 2j (left) and 2j+1 (right) for the Kronrod nodes j = 0..6, 14 the centre, 15 and
    // 16 the panel's ends.
    std::vector<double> values(17 * m), noise(17);
    const std::array<double, 8>& endpoint_weights = endpoint_rule_weights();
    auto evaluate_panel = [&](double a, double b) {
      const double center = 0.5 * (a + b), half = 0.5 * (b - a);
      for (int j = 0; j < 7; ++j) {
        noise[2 * j] = integrand(center - half * kKronrodNodes[j], &values[(2 * j) * m]);
        noise[2 * j + 1] = integrand(center + half * kKronrodNodes[j], &values[(2 * j + 1) * m]);
      }
      noise[14] = integrand(center, &values[14 * m]);
      noise[15] = integrand(b, &values[15 * m]);
      noise[16] = integrand(a, &values[16 * m]);
      Panel p{a, b, 0.0, false, std::vector<double>(m, 0.0)};
      // Norms over the components by hypot: links as large as He_150 (‖f‖² ≈ 6e262) would overflow squares.
      double error_norm = 0.0, magnitude = 0.0;
      for (std::size_t c = 0; c < m; ++c) {
        const double center_value = values[14 * m + c];
        double kronrod = kKronrodWeights[7] * center_value, gauss = kGaussWeights[3] * center_value;
        double absolute = kKronrodWeights[7] * std::fabs(center_value);
        double endpoint =
            endpoint_weights[7] * center_value + endpoint_weights[0] * (values[15 * m + c] + values[16 * m + c]);
        for (int j = 0; j < 7; ++j) {
          const double left = values[(2 * j) * m + c], right = values[(2 * j + 1) * m + c];
          kronrod += kKronrodWeights[j] * (left + right);
          absolute += kKronrodWeights[j] * (std::fabs(left) + std::fabs(right));
          if (j % 2 == 1) gauss += kGaussWeights[j / 2] * (left + right);
          if (j > 0) endpoint += endpoint_weights[static_cast<std::size_t>(j)] * (left + right);
        }
        p.integral[c] = half * kronrod;
        const double difference = std::max(std::fabs(kronrod - gauss), std::fabs(kronrod - endpoint));
        error_norm = std::hypot(error_norm, units(c) * half * difference);
        magnitude = std::hypot(magnitude, units(c) * half * absolute);
      }
      double inner_noise = kKronrodWeights[7] * noise[14];
      for (int j = 0; j < 7; ++j) inner_noise += kKronrodWeights[j] * (noise[2 * j] + noise[2 * j + 1]);
      const double floor = 50.0 * std::numeric_limits<double>::epsilon() * magnitude + half * inner_noise;
      p.error = std::max(error_norm, floor);
      p.settled = p.error <= 2.0 * floor;
      return p;
    };
    std::vector<Panel> panels;
    const double width = 2.0 * kAdaptiveHalfWidth / kInitialPanels;
    for (int i = 0; i < kInitialPanels; ++i)
      panels.push_back(evaluate_panel(-kAdaptiveHalfWidth + i * width, -kAdaptiveHalfWidth + (i + 1) * width));
    // A panel matters while any of its integrals exceeds a thousandth of the tolerance.
    auto matters = [&](const Panel& p) {
      for (std::size_t c = 0; c < m; ++c)
        if (units(c) * std::fabs(p.integral[c]) > 1e-3 * tolerance) return true;
      return false;
    };
    for (double edge = kAdaptiveHalfWidth;
         edge < kAdaptiveMaxHalfWidth && (matters(panels.front()) || matters(panels.back())); edge += width) {
      panels.insert(panels.begin(), evaluate_panel(-edge - width, -edge));
      panels.push_back(evaluate_panel(edge, edge + width));
    }
    // Outer panels that still matter where φ underflows: the tails beyond are unresolved (E f*² may be
    // infinite, as for exp(z1²/4)); their size counts as error, at least as much as the last panels hold.
    double tail_error = 0.0;
    for (const Panel* p : {&panels.front(), &panels.back()})
      if (matters(*p))
        for (std::size_t c = 0; c < m; ++c) tail_error = std::hypot(tail_error, units(c) * p->integral[c]);
    auto total_error = [&] {
      double s = 0.0;
      for (const Panel& p : panels) s += p.error;
      return s;
    };
    while (total_error() > tolerance && static_cast<int>(panels.size()) < kMaxPanels &&
           evaluations_ < kAdaptiveBudget) {
      auto worst = panels.end();
      for (auto it = panels.begin(); it != panels.end(); ++it)
        if (!it->settled && (worst == panels.end() || it->error > worst->error)) worst = it;
      if (worst == panels.end()) break;
      const double a = worst->a, b = worst->b, mid = 0.5 * (a + b);
      if (!(mid > a && mid < b)) {  // the panel cannot be split in double precision
        worst->settled = true;
        continue;
      }
      *worst = evaluate_panel(a, mid);
      panels.push_back(evaluate_panel(mid, b));
    }
    std::vector<double> result(m, 0.0);
    for (const Panel& p : panels)
      for (std::size_t c = 0; c < m; ++c) result[c] += p.integral[c];
    *error = total_error() + tail_error;
    return result;
  }

  std::size_t evaluations() const { return evaluations_; }

 private:
  const Link& link_;
  const int r_;
  const std::size_t Kp_;
  const double mean_square_scale_;
  std::vector<double> z_;
  std::size_t evaluations_ = 0;
};

// [SECTION] Comparing rules

// The box positions of the β with |β| ≤ K.
std::vector<std::size_t> truncated_positions(int r, int K) {
  std::vector<std::size_t> positions;
  const std::size_t Kp = static_cast<std::size_t>(K) + 1;
  for (const std::vector<int>& beta : multi_indices(r, K)) {
    std::size_t flat = 0;
    for (int b : beta) flat = flat * Kp + static_cast<std::size_t>(b);
    positions.push_back(flat);
  }
  return positions;
}

// ‖α_a − α_b‖₂ over |β| ≤ K, or the change of ‖f*‖ implied by the two E f², whichever is larger.
double difference(const Projection& a, const Projection& b, const std::vector<std::size_t>& positions) {
  double s = 0.0;
  for (std::size_t i : positions) s += (a.box[i] - b.box[i]) * (a.box[i] - b.box[i]);
  const double norm = std::sqrt(std::max(a.mean_square, b.mean_square));
  const double norm_change = norm > 0.0 ? std::fabs(a.mean_square - b.mean_square) / (2.0 * norm) : 0.0;
  return std::max(std::sqrt(s), norm_change);
}

struct Candidate {
  Projection projection;
  std::string rule;
  int nodes_per_axis = 0;
  double error = 0.0;  // difference to the previous rule of the same family
};

HermiteExpansion expansion_from(const Projection& p, int r, int K) {
  HermiteExpansion e;
  e.r = r;
  e.degree = K;
  const std::size_t Kp = static_cast<std::size_t>(K) + 1, rr = static_cast<std::size_t>(r);
  std::vector<int> beta(rr);
  double sum_squares = 0.0;
  for (int k = 0; k <= K; ++k) {
    SymTensor T(r, k);
    for (std::size_t i = 0; i < T.size(); ++i) {
      std::fill(beta.begin(), beta.end(), 0);
      for (std::size_t rest = i, j = 0; j < static_cast<std::size_t>(k); ++j, rest /= rr) ++beta[rest % rr];
      std::size_t position = 0;
      for (int b : beta) position = position * Kp + static_cast<std::size_t>(b);
      T[i] = p.box[position] * tensor_entry_factor(beta);
    }
    e.tensors.push_back(std::move(T));
  }
  for (double energy : e.degree_energy()) sum_squares += energy;
  e.norm2 = p.mean_square;
  e.truncation_residual = p.mean_square - sum_squares;
  if (std::fabs(e.truncation_residual) <= 64.0 * std::numeric_limits<double>::epsilon() * e.norm2)
    e.truncation_residual = 0.0;
  return e;
}

}  // namespace

namespace {

// Why degree K in r variables is beyond the supported sizes, or "" when it is not (see hermite_analysis.h);
// `advise`: end with the largest degree that fits.
std::string size_limit(int r, int K, bool advise) {
  const int q0 = K + 1;
  if (2 * q0 > kMaxGaussHermiteNodes)
    return "degree K = " + std::to_string(K) + " needs " + std::to_string(2 * q0) +
           " Gauss–Hermite nodes per axis; at most " + std::to_string(kMaxGaussHermiteNodes) +
           " are supported (K <= " + std::to_string(kMaxGaussHermiteNodes / 2 - 1) + ")";
  std::size_t tensor_entries = 0;
  for (int k = 0; k <= K && tensor_entries <= kMaxHermiteTensorEntries; ++k) {
    const std::size_t n = saturating_power(static_cast<std::size_t>(r), k, kMaxHermiteTensorEntries);
    tensor_entries = n > kMaxHermiteTensorEntries ? n : tensor_entries + n;
  }
  const std::string lower =
      advise ? "; lower the degree to K <= " + std::to_string(max_hermite_degree(r)) + " or lower r" : "";
  if (tensor_entries > kMaxHermiteTensorEntries)
    return "the coefficient tensors T_0..T_" + std::to_string(K) + " in r = " + std::to_string(r) + " need more than " +
           std::to_string(kMaxHermiteTensorEntries) + " doubles (32 MiB)" + lower;
  const std::size_t cost_coarse = saturating_power(static_cast<std::size_t>(q0), r, kMaxHermiteEvaluations);
  const std::size_t cost_fine = saturating_power(static_cast<std::size_t>(2 * q0), r, kMaxHermiteEvaluations);
  if (cost_fine > kMaxHermiteEvaluations || cost_coarse + cost_fine > kMaxHermiteEvaluations)
    return "Hermite coefficients of degree " + std::to_string(K) + " in r = " + std::to_string(r) +
           " need (K+1)^r + (2K+2)^r = " +
           (cost_fine > kMaxHermiteEvaluations ? std::string("more than 2^24")
                                               : std::to_string(cost_coarse + cost_fine)) +
           " link evaluations; at most " + std::to_string(kMaxHermiteEvaluations) + " are supported" + lower;
  return "";
}

}  // namespace

int max_hermite_degree(int r) {
  if (r < 1) throw InputError("max_hermite_degree: r = " + std::to_string(r) + "; need r >= 1");
  // The sizes grow with K, so the first K that fails ends the search.
  int K = -1;
  while (K < kMaxGaussHermiteNodes / 2 - 1 && size_limit(r, K + 1, false).empty()) ++K;
  return K;
}

HermiteExpansion hermite_expansion(const Link& link, int K, QuadratureReport* report) {
  const int r = link.r();
  if (K < 0) throw InputError("degree", "degree K = " + std::to_string(K) + " is negative; choose K >= 0 (default 8)");
  if (const std::string limit = size_limit(r, K, true); !limit.empty()) throw LimitError("degree/r", limit);

  const std::vector<std::size_t> positions = truncated_positions(r, K);
  std::size_t evaluations = 0;
  auto tensor_rule = [&](const std::string& name, int nodes) {
    Projection p =
        project_tensor_rule(link, name == "gauss-hermite" ? gauss_hermite(nodes) : split_gauss_hermite(nodes / 2), K);
    evaluations += p.evaluations;
    return Candidate{std::move(p), name, nodes, 0.0};
  };
  auto affordable = [&](int nodes, int max_nodes) {
    return nodes <= max_nodes &&
           saturating_power(static_cast<std::size_t>(nodes), r, kRefinementBudget) <= kRefinementBudget;
  };
  auto converged = [&](const Candidate& c) {
    return c.error <= kRelativeTolerance * std::sqrt(c.projection.mean_square);
  };
  auto finish = [&](const Candidate& c, bool ok) {
    // Finite values whose squares overflow (1e200·z1) would print inf and NaN energies: refuse them.
    const bool finite =
        std::isfinite(c.projection.mean_square) &&
        std::all_of(c.projection.box.begin(), c.projection.box.end(), [](double v) { return std::isfinite(v); });
    if (!finite)
      throw InputError("link",
                       "link " + link.spec() +
                           " is too large: E[f*(z)^2] overflows double precision (above 1.8e308); rescale the link, "
                           "e.g. divide it by a power of 10");
    if (report) *report = {c.rule, c.nodes_per_axis, evaluations, c.error, ok};
    return expansion_from(c.projection, r, K);
  };
  // Refines a family by doubling its nodes per axis; returns its last candidate (error = last difference).
  auto run_family = [&](const std::string& name, int nodes, int max_nodes, int levels) {
    Candidate previous = tensor_rule(name, nodes);
    previous.error = std::numeric_limits<double>::infinity();
    // The first refinement is within the limits checked above; further ones must fit the budget.
    for (int level = 0; level < levels && (level == 0 || affordable(2 * previous.nodes_per_axis, max_nodes)); ++level) {
      Candidate next = tensor_rule(name, 2 * previous.nodes_per_axis);
      next.error = difference(previous.projection, next.projection, positions);
      previous = std::move(next);
      if (converged(previous)) break;
    }
    return previous;
  };

  Candidate gauss = run_family("gauss-hermite", K + 1, kMaxGaussHermiteNodes, 2);
  if (converged(gauss)) return finish(gauss, true);
  const int half0 = K / 2 + 2;
  Candidate split;
  const bool try_split = affordable(4 * half0, 2 * kMaxHalfRangeNodes);
  if (try_split) {
    split = run_family("split-gauss-hermite", 2 * half0, 2 * kMaxHalfRangeNodes, 1);
    if (converged(split)) return finish(split, true);
  }
  Candidate best = !try_split || gauss.error <= split.error ? std::move(gauss) : std::move(split);
  if (r <= 2) {
    double error = 0.0;
    const double norm = std::sqrt(best.projection.mean_square);
    NestedAdaptive adaptive(link, K, norm > 0.0 ? norm : 1.0);
    const std::vector<double> result = adaptive.integrate(0, kAdaptiveTolerance * norm, &error);
    evaluations += adaptive.evaluations();
    if (error < best.error) {
      Candidate c;
      c.projection.box.assign(result.begin(), result.end() - 1);
      c.projection.mean_square = result.back();
      c.rule = "adaptive-gauss-kronrod";
      c.error = error;
      return finish(c, error <= kAdaptiveTolerance * std::sqrt(c.projection.mean_square));
    }
    return finish(best, converged(best));
  }
  const int max_nodes = best.rule == "gauss-hermite" ? kMaxGaussHermiteNodes : 2 * kMaxHalfRangeNodes;
  while (!converged(best) && affordable(2 * best.nodes_per_axis, max_nodes)) {
    Candidate next = tensor_rule(best.rule, 2 * best.nodes_per_axis);
    next.error = difference(best.projection, next.projection, positions);
    best = std::move(next);
  }
  return finish(best, converged(best));
}

std::vector<HermiteCoefficient> hermite_coefficients(const HermiteExpansion& e) {
  std::vector<HermiteCoefficient> list;
  for (std::vector<int>& beta : multi_indices(e.r, e.degree)) {
    int k = 0;
    for (int b : beta) k += b;
    const double value = coefficient_from_tensor(e.tensors[static_cast<std::size_t>(k)], beta);
    list.push_back({std::move(beta), value});
  }
  return list;
}

// [SECTION] Information exponent and leaps (docs/theory.md §6)

namespace {

// Var f* = Σ_{k=1..K} ‖f*_k‖² + the truncation residual: sums of squares, free of the cancellation in
// ‖f*‖² − α_0².
double variance(const HermiteExpansion& e, const std::vector<double>& energy) {
  double v = std::max(0.0, e.truncation_residual);
  for (std::size_t k = 1; k < energy.size(); ++k) v += energy[k];
  return v;
}

// The energy above which a Hermite component counts: (tolerance·sd f*)², and never below the rounding of
// coefficients computed in double, (1000ε‖f*‖)² (so that a constant link has no degree-1 part).
double energy_threshold(const HermiteExpansion& e, const std::vector<double>& energy, double tolerance) {
  const double rounding = 1e3 * std::numeric_limits<double>::epsilon();
  return std::max(tolerance * tolerance * variance(e, energy),
                  rounding * rounding * std::max(e.norm2, energy.empty() ? 0.0 : energy[0]));
}

}  // namespace

double zero_tolerance(const HermiteExpansion& e, const QuadratureReport& report) {
  const double sd = std::sqrt(variance(e, e.degree_energy()));
  return sd > 0.0 ? std::max(kHermiteZeroTolerance, 10.0 * report.error_estimate / sd) : kHermiteZeroTolerance;
}

std::string quadrature_warning(const QuadratureReport& report, double tolerance) {
  if (report.converged) return "";
  char text[240];
  std::snprintf(text, sizeof text,
                "the quadrature (%s) reached an estimated accuracy of %.1e only; exponents and leaps ignore "
                "components below %.1e of the link's standard deviation",
                report.rule.c_str(), report.error_estimate, tolerance);
  return text;
}

std::string truncation_warning(const HermiteExpansion& e, double tolerance) {
  if (information_exponent(e, tolerance) != 0 || !(e.truncation_residual > 0.0)) return "";
  char text[240];
  std::snprintf(text, sizeof text,
                "degrees 1..%d carry no energy (the link's variance %.3g lies above K = %d): the truncated link is "
                "constant and nothing is learned; raise the degree",
                e.degree, e.truncation_residual, e.degree);
  return text;
}

void check_usable_for_dynamics(const Link& link, const HermiteExpansion& e, const QuadratureReport& report) {
  const double norm = std::sqrt(std::max(e.norm2, 0.0));
  if (e.norm2 > kMaxDynamicsNorm2) {
    char text[200];
    std::snprintf(text, sizeof text, "%.3g exceeds %.0e", e.norm2, kMaxDynamicsNorm2);
    throw InputError(
        "link", "link " + link.spec() + ": E[f*(z)^2] = " + text +
                    ", beyond which the losses and flows overflow (their speed scales as E[f*^2]); divide the link "
                    "by a constant (He(k,z1)/sqrt(k!) is h(k,z1))");
  }
  if (report.error_estimate <= kUnusableQuadratureError * norm) return;
  char text[160];
  std::snprintf(text, sizeof text, "%.1e of ||f*|| after %zu evaluations", report.error_estimate / norm,
                report.evaluations);
  throw InputError("link",
                   "the Hermite coefficients of " + link.spec() + " did not converge (estimated error " + text +
                       "): E[f*(z)^2] may be infinite (f* must be square-integrable under N(0, I_r); exp(z1^2/4) is "
                       "not), the link too rough to integrate, or, in r = " +
                       std::to_string(e.r) + " at degree K = " + std::to_string(e.degree) +
                       ", the link's degree above what the affordable rules resolve; losses "
                       "and flows need accurate coefficients, so change or tame the link, or lower r");
}

int information_exponent(const HermiteExpansion& e, double tolerance) {
  const std::vector<double> energy = e.degree_energy();
  const double threshold = energy_threshold(e, energy, tolerance);
  for (std::size_t k = 1; k < energy.size(); ++k)
    if (energy[k] > threshold && energy[k] > 0.0) return static_cast<int>(k);
  return 0;
}

LeapSequence leap_sequence(const HermiteExpansion& e, double tolerance) {
  const int r = e.r, K = e.degree;
  const std::vector<double> energy = e.degree_energy();
  const double threshold = energy_threshold(e, energy, tolerance);
  LeapSequence result;
  Eigen::MatrixXd learned(r, 0);  // orthonormal basis of V
  while (learned.cols() < r) {
    const int m = static_cast<int>(learned.cols());
    // Q = [basis of V, basis of V⊥]; the rotated tensors (Qᵀ)^{⊗k} T_k are the coefficients of f*(Q·).
    const Eigen::MatrixXd Q =
        m == 0 ? Eigen::MatrixXd::Identity(r, r)
               : Eigen::MatrixXd(learned.householderQr().householderQ() * Eigen::MatrixXd::Identity(r, r));
    std::vector<SymTensor> rotated;
    std::vector<std::vector<int>> perp_slots;  // per k and flat index: how many slots lie in V⊥
    std::vector<double> perp_energy(static_cast<std::size_t>(K) + 1, 0.0);
    double k_factorial = 1.0;
    for (int k = 0; k <= K; ++k) {
      if (k > 0) k_factorial *= k;
      rotated.push_back(apply_on_every_mode(Q.transpose(), e.tensors[static_cast<std::size_t>(k)]));
      const SymTensor& R = rotated.back();
      std::vector<int> slots(R.size());
      for (std::size_t i = 0; i < R.size(); ++i) {
        int count = 0;
        for (std::size_t rest = i, j = 0; j < static_cast<std::size_t>(k); ++j, rest /= static_cast<std::size_t>(r))
          count += static_cast<int>(rest % static_cast<std::size_t>(r)) >= m;
        slots[i] = count;
        // Σ over the k!/β! tuples of β of k!·T² is α_β²: the energy by V⊥-degree.
        perp_energy[static_cast<std::size_t>(count)] += k_factorial * R[i] * R[i];
      }
      perp_slots.push_back(std::move(slots));
    }
    // The joint loss on the plateau at V: ½ Σ α_β² over the terms with positive V⊥-degree (docs/theory.md §6).
    double plateau = 0.0;
    for (int l = 1; l <= K; ++l) plateau += 0.5 * perp_energy[static_cast<std::size_t>(l)];
    result.plateaus.push_back(plateau);
    int leap = 0;
    for (int l = 1; l <= K && !leap; ++l)
      if (perp_energy[static_cast<std::size_t>(l)] > threshold && perp_energy[static_cast<std::size_t>(l)] > 0.0)
        leap = l;
    if (!leap) break;
    // The smallest subspace of V⊥ carrying the part of V⊥-degree ℓ is the column space of its first-slot
    // unfolding: rows a ∈ V⊥, one column per (k, remaining slots) with ℓ slots in V⊥ in all, weighted so that
    // Σσ² is that part's energy (among its tuples a fraction ℓ/k has the first slot in V⊥). Its singular
    // values come from an SVD of the unfolding (absolute accuracy ε‖f*‖), not from eigenvalues of its Gram
    // matrix, whose rounding ε‖f*‖² would hide components below √ε ≈ 1.5e-8.
    const int n = r - m;
    std::vector<double> columns;
    k_factorial = 1.0;
    for (int k = 1; k <= K; ++k) {
      k_factorial *= k;
      if (k < leap) continue;
      const SymTensor& R = rotated[static_cast<std::size_t>(k)];
      const std::size_t slice = power(static_cast<std::size_t>(r), k - 1);
      const double weight = std::sqrt(k_factorial * k / leap);
      for (std::size_t rest = 0; rest < slice; ++rest) {
        // The V⊥ slots of (a, rest) with a ∈ V⊥: one more than rest's own.
        if (perp_slots[static_cast<std::size_t>(k)][static_cast<std::size_t>(r - 1) * slice + rest] != leap) continue;
        bool nonzero = false;
        for (int a = m; a < r; ++a) nonzero = nonzero || R[static_cast<std::size_t>(a) * slice + rest] != 0.0;
        if (!nonzero) continue;
        for (int a = m; a < r; ++a) columns.push_back(weight * R[static_cast<std::size_t>(a) * slice + rest]);
      }
    }
    const Eigen::Map<const Eigen::MatrixXd> unfolding(columns.data(), n, static_cast<Eigen::Index>(columns.size()) / n);
    const Eigen::JacobiSVD<Eigen::MatrixXd> svd(unfolding.transpose(), Eigen::ComputeFullV);
    int dimension = 0;
    for (int j = 0; j < svd.singularValues().size(); ++j)
      dimension += svd.singularValues()[j] * svd.singularValues()[j] > threshold;
    dimension = std::max(dimension, 1);  // the part has energy, so some direction carries it
    const Eigen::MatrixXd directions = Q.rightCols(n) * svd.matrixV().leftCols(dimension);
    Eigen::MatrixXd next(r, m + dimension);
    next << Q.leftCols(m), directions;
    learned = next;
    result.leaps.push_back(leap);
    result.stage_dimensions.push_back(dimension);
    result.leap_exponent = std::max(result.leap_exponent, leap);
  }
  result.learnable_dimension = static_cast<int>(learned.cols());
  if (result.plateaus.size() == result.leaps.size()) result.plateaus.push_back(0.0);  // V = R^r ended the loop
  return result;
}

}  // namespace grassflow
