#include "grassflow/hermite.h"

#include <Eigen/Dense>
#include <cmath>
#include <stdexcept>
#include <string>

#include "grassflow/errors.h"

namespace grassflow {

namespace {

constexpr double kPi = 3.14159265358979323846;

// √k for k = 0..kMaxHermiteDegree + 1: the recurrence would otherwise spend two square roots per step.
const std::vector<double>& square_roots() {
  static const std::vector<double> table = [] {
    std::vector<double> t(kMaxHermiteDegree + 2);
    for (std::size_t k = 0; k < t.size(); ++k) t[k] = std::sqrt(static_cast<double>(k));
    return t;
  }();
  return table;
}

void check_degree(int k, int max_k, const char* who) {
  if (k < 0 || k > max_k)
    throw std::invalid_argument(std::string(who) + ": degree k = " + std::to_string(k) + " outside 0.." +
                                std::to_string(max_k));
}

void check_node_count(int q, int max_q, const char* who, const char* limit) {
  if (q < 1) throw std::invalid_argument(std::string(who) + ": need q >= 1 nodes");
  if (q > max_q)
    throw LimitError(std::string(who) + ": q = " + std::to_string(q) + " nodes requested; " + limit +
                     std::to_string(max_q) + " nodes are supported");
}

// Recurrence coefficients of the orthonormal polynomials of a probability measure:
// b[k+1] p_{k+1} = (x − a[k]) p_k − b[k] p_{k−1}, p_0 = 1, with a[0..q−1] and b[1..q] (b[0] unused).
struct Recurrence {
  std::vector<double> a, b;
};

// Gauss rule with q nodes from the recurrence: Golub–Welsch for the nodes (eigenvalues of the Jacobi
// matrix), two Newton steps on p_q to polish them, and Christoffel weights 1/Σ_{k<q} p_k(x)², which keep
// full relative accuracy in the tails where the eigenvector form loses it.
QuadratureRule gauss_from_recurrence(const Recurrence& rec, int q) {
  Eigen::VectorXd diagonal(q), subdiagonal(q > 1 ? q - 1 : 1);
  for (int k = 0; k < q; ++k) diagonal[k] = rec.a[k];
  for (int k = 1; k < q; ++k) subdiagonal[k - 1] = rec.b[k];
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver;
  solver.computeFromTridiagonal(diagonal, subdiagonal.head(q - 1), Eigen::EigenvaluesOnly);
  QuadratureRule rule;
  rule.nodes.resize(q);
  rule.weights.resize(q);
  double total = 0.0;
  for (int i = 0; i < q; ++i) {
    double x = solver.eigenvalues()[i];
    double sum_p2 = 0.0;
    for (int newton = 0; newton <= 2; ++newton) {
      double p_prev = 0.0, p = 1.0, dp_prev = 0.0, dp = 0.0;
      sum_p2 = 0.0;
      for (int k = 0; k < q; ++k) {
        sum_p2 += p * p;
        const double b_k = k > 0 ? rec.b[k] : 0.0;
        const double p_next = ((x - rec.a[k]) * p - b_k * p_prev) / rec.b[k + 1];
        const double dp_next = (p + (x - rec.a[k]) * dp - b_k * dp_prev) / rec.b[k + 1];
        p_prev = p;
        p = p_next;
        dp_prev = dp;
        dp = dp_next;
      }
      if (newton < 2 && dp != 0.0) x -= p / dp;
    }
    rule.nodes[i] = x;
    rule.weights[i] = 1.0 / sum_p2;
    total += rule.weights[i];
  }
  for (double& w : rule.weights) w /= total;
  return rule;
}

// Gauss–Legendre on [−1, 1] (weights sum to 2), for the discretisation of the half-range measure.
QuadratureRule gauss_legendre(int m) {
  Recurrence rec;
  rec.a.assign(static_cast<std::size_t>(m), 0.0);
  rec.b.assign(static_cast<std::size_t>(m) + 1, 0.0);
  for (int k = 1; k <= m; ++k) rec.b[k] = k / std::sqrt(4.0 * k * k - 1.0);
  QuadratureRule rule = gauss_from_recurrence(rec, m);
  for (double& w : rule.weights) w *= 2.0;
  return rule;
}

}  // namespace

void hermite_h_all(int K, double x, double* out) {
  check_degree(K, kMaxHermiteDegree, "hermite_h_all");
  out[0] = 1.0;
  if (K == 0) return;
  out[1] = x;
  for (int k = 1; k < K; ++k)
    out[k + 1] = (x * out[k] - std::sqrt(static_cast<double>(k)) * out[k - 1]) / std::sqrt(static_cast<double>(k + 1));
}

double hermite_h(int k, double x) {
  check_degree(k, kMaxHermiteDegree, "hermite_h");
  const double* root = square_roots().data();
  double prev = 0.0, h = 1.0;
  for (int j = 0; j < k; ++j) {
    const double next = (x * h - root[j] * prev) / root[j + 1];
    prev = h;
    h = next;
  }
  return h;
}

double hermite_h_derivative(int k, double x) {
  check_degree(k, kMaxHermiteDegree, "hermite_h_derivative");
  return k == 0 ? 0.0 : square_roots()[static_cast<std::size_t>(k)] * hermite_h(k - 1, x);
}

double hermite_He(int k, double x) {
  check_degree(k, kMaxMonicHermiteDegree, "hermite_He");
  double prev = 0.0, he = 1.0;
  for (int j = 0; j < k; ++j) {
    const double next = x * he - j * prev;
    prev = he;
    he = next;
  }
  return he;
}

QuadratureRule gauss_hermite(int q) {
  check_node_count(q, kMaxGaussHermiteNodes, "gauss_hermite", "with Golub–Welsch (reliable to ~200), at most ");
  Recurrence rec;
  rec.a.assign(static_cast<std::size_t>(q), 0.0);
  rec.b.resize(static_cast<std::size_t>(q) + 1);
  for (int k = 0; k <= q; ++k) rec.b[k] = std::sqrt(static_cast<double>(k));
  QuadratureRule rule = gauss_from_recurrence(rec, q);
  // Exact symmetry: the rule is used to decide that odd coefficients vanish.
  for (int i = 0; i < q / 2; ++i) {
    const int j = q - 1 - i;
    const double x = 0.5 * (rule.nodes[j] - rule.nodes[i]);
    const double w = 0.5 * (rule.weights[i] + rule.weights[j]);
    rule.nodes[i] = -x;
    rule.nodes[j] = x;
    rule.weights[i] = rule.weights[j] = w;
  }
  if (q % 2 == 1) rule.nodes[q / 2] = 0.0;
  return rule;
}

QuadratureRule half_range_gauss_hermite(int q) {
  check_node_count(q, kMaxHalfRangeNodes, "half_range_gauss_hermite", "at most ");
  // Discretise the half-normal measure finely enough that polynomials of degree 2q are integrated to
  // rounding: panels of width 1/4 (about one oscillation of p_q) with 20 Gauss–Legendre nodes each, up to
  // where the weight times p_q² is far below rounding (the largest zero of p_q is about 2√(2q)).
  const QuadratureRule legendre = gauss_legendre(20);
  const double width = 0.25;
  const int panels = static_cast<int>(std::ceil((2.0 * std::sqrt(2.0 * q) + 12.0) / width));
  std::vector<double> t, lambda;
  const double half_normal = 2.0 / std::sqrt(2.0 * kPi);
  for (int p = 0; p < panels; ++p)
    for (int i = 0; i < legendre.size(); ++i) {
      const double x = width * (p + 0.5 * (legendre.nodes[i] + 1.0));
      t.push_back(x);
      lambda.push_back(0.5 * width * legendre.weights[i] * half_normal * std::exp(-0.5 * x * x));
    }
  const std::size_t n = t.size();
  // Lanczos in the discrete inner product <u, v> = Σ λ_j u_j v_j, with full reorthogonalisation.
  std::vector<std::vector<double>> basis;
  std::vector<double> v(n, 1.0), u(n);
  double mass = 0.0;
  for (double l : lambda) mass += l;
  for (double& x : v) x /= std::sqrt(mass);
  auto dot = [&](const std::vector<double>& f, const std::vector<double>& g) {
    double s = 0.0;
    for (std::size_t j = 0; j < n; ++j) s += lambda[j] * f[j] * g[j];
    return s;
  };
  Recurrence rec;
  rec.a.resize(static_cast<std::size_t>(q));
  rec.b.assign(static_cast<std::size_t>(q) + 1, 0.0);
  for (int k = 0; k < q; ++k) {
    double a = 0.0;
    for (std::size_t j = 0; j < n; ++j) a += lambda[j] * t[j] * v[j] * v[j];
    rec.a[k] = a;
    for (std::size_t j = 0; j < n; ++j) u[j] = (t[j] - a) * v[j] - (k > 0 ? rec.b[k] * basis.back()[j] : 0.0);
    basis.push_back(v);
    for (const std::vector<double>& w : basis) {
      const double c = dot(u, w);
      for (std::size_t j = 0; j < n; ++j) u[j] -= c * w[j];
    }
    rec.b[k + 1] = std::sqrt(dot(u, u));
    for (std::size_t j = 0; j < n; ++j) v[j] = u[j] / rec.b[k + 1];
  }
  return gauss_from_recurrence(rec, q);
}

QuadratureRule split_gauss_hermite(int q) {
  const QuadratureRule half = half_range_gauss_hermite(q);
  QuadratureRule rule;
  for (int i = q - 1; i >= 0; --i) {
    rule.nodes.push_back(-half.nodes[i]);
    rule.weights.push_back(0.5 * half.weights[i]);
  }
  for (int i = 0; i < q; ++i) {
    rule.nodes.push_back(half.nodes[i]);
    rule.weights.push_back(0.5 * half.weights[i]);
  }
  return rule;
}

}  // namespace grassflow
