#include "grassflow/landscape.h"

#include <cmath>
#include <string>

#include "grassflow/errors.h"

namespace grassflow {

namespace {

constexpr double kPi = 3.14159265358979323846;

// Coefficients c_β of a polynomial p(d) = Σ_β c_β d^β in the diagonal entries d of D (β ∈ N^r), built from
// entry products of two tensors: Σ_k s_k Σ_i A_k[i] B_k[i] Π_j d_{i_j}. Stored densely by exponent tuple.
struct DiagonalPolynomial {
  int r = 1;
  std::vector<std::vector<int>> exponents;
  std::vector<double> coefficients;

  void add(const std::vector<int>& beta, double c) {
    for (std::size_t t = 0; t < exponents.size(); ++t)
      if (exponents[t] == beta) {
        coefficients[t] += c;
        return;
      }
    exponents.push_back(beta);
    coefficients.push_back(c);
  }
  double operator()(const Eigen::VectorXd& d) const {
    double sum = 0;
    for (std::size_t t = 0; t < exponents.size(); ++t) {
      double term = coefficients[t];
      for (int j = 0; j < r; ++j)
        for (int p = 0; p < exponents[t][static_cast<std::size_t>(j)]; ++p) term *= d(j);
      sum += term;
    }
    return sum;
  }
};

}  // namespace

LandscapeSlice::LandscapeSlice(const Objective& objective, SliceKind kind, const Eigen::MatrixXd& M_frame)
    : objective_(objective), kind_(kind) {
  const int r = objective.r();
  if (r < 2) throw InputError("landscape: 2-D slices need r >= 2 (for r = 1 use the loss profile over m)");
  if (M_frame.rows() != r || M_frame.cols() != r)
    throw InputError("landscape: M must be " + std::to_string(r) + "x" + std::to_string(r));
  joint_ = objective.kind() == ObjectiveKind::joint;
  weights_.assign(static_cast<std::size_t>(objective.expansion().degree + 1), 1.0);
  if (const auto* joint = dynamic_cast<const JointObjective*>(&objective); joint && !joint->degree_weights().empty())
    weights_ = joint->degree_weights();
  Eigen::JacobiSVD<Eigen::MatrixXd> svd(M_frame, Eigen::ComputeFullU | Eigen::ComputeFullV);
  U_ = svd.matrixU();
  V_ = svd.matrixV();
  sigma_ = svd.singularValues();  // descending
  a_ = r - 2;
  b_ = r - 1;
  if (kind == SliceKind::principal_cosines) {
    x_min_ = y_min_ = joint_ ? 0.0 : -1.0;
    x_max_ = y_max_ = 1.0;
  } else {
    x_min_ = 0.0;
    x_max_ = 1.0;
    y_min_ = -kPi;
    y_max_ = kPi;
  }
}

Eigen::MatrixXd LandscapeSlice::overlap(double x, double y) const {
  const int r = objective_.r();
  if (kind_ == SliceKind::principal_cosines) {
    Eigen::VectorXd s = sigma_;
    s(a_) = x;
    s(b_) = y;
    return U_ * s.asDiagonal() * V_.transpose();
  }
  Eigen::MatrixXd R = Eigen::MatrixXd::Identity(r, r);
  R(0, 0) = std::cos(y);
  R(0, 1) = -std::sin(y);
  R(1, 0) = std::sin(y);
  R(1, 1) = std::cos(y);
  return x * R;
}

Eigen::Vector2d LandscapeSlice::coordinates(const Eigen::MatrixXd& M) const {
  if (kind_ == SliceKind::principal_cosines) {
    const Eigen::MatrixXd D = U_.transpose() * M * V_;
    return {D(a_, a_), D(b_, b_)};
  }
  const Eigen::VectorXd s = Eigen::JacobiSVD<Eigen::MatrixXd>(M).singularValues();
  return {s.mean(), std::atan2(M(1, 0) - M(0, 1), M(0, 0) + M(1, 1))};
}

Landscape LandscapeSlice::compute(int n) const {
  if (n < 2) throw InputError("landscape: the grid needs n >= 2 points per side");
  const HermiteExpansion& e = objective_.expansion();
  const int r = objective_.r();
  const std::vector<double> energy = e.degree_energy();
  double total = 0;  // Σ_{k≥1} w_k-independent energies, as in the objectives
  for (std::size_t k = 1; k < energy.size(); ++k) total += energy[k];

  Landscape out;
  out.kind = kind_;
  out.n = n;
  out.x_min = x_min_;
  out.x_max = x_max_;
  out.y_min = y_min_;
  out.y_max = y_max_;
  out.values.resize(static_cast<std::size_t>(n) * static_cast<std::size_t>(n));
  auto coord = [n](double lo, double hi, int i) { return lo + (hi - lo) * i / (n - 1); };

  if (kind_ == SliceKind::principal_cosines) {
    // M = U D Vᵀ. Planted: Ψ = Σ_k k!⟨(Uᵀ)^{⊗k}T_k, D^{⊗k}(Vᵀ)^{⊗k}T_k⟩, a polynomial in the entries of D.
    // Joint: C = V D² Vᵀ, Φ_k = k!⟨(Vᵀ)^{⊗k}T_k, (D²)^{⊗k}(Vᵀ)^{⊗k}T_k⟩, a polynomial in the entries of D².
    DiagonalPolynomial p;
    p.r = r;
    double k_factorial = 1;
    for (int k = 1; k <= e.degree; ++k) {
      k_factorial *= k;
      const SymTensor& T = e.tensors[static_cast<std::size_t>(k)];
      if (T.is_zero()) continue;
      const SymTensor B = apply_on_every_mode(V_.transpose(), T);
      const SymTensor A = joint_ ? B : apply_on_every_mode(U_.transpose(), T);
      const double scale = k_factorial * (joint_ ? weights_[static_cast<std::size_t>(k)] : 1.0);
      for (std::size_t i = 0; i < T.size(); ++i)
        if (A[i] != 0.0 && B[i] != 0.0) p.add(T.multiplicities(i), scale * A[i] * B[i]);
    }
    Eigen::VectorXd d = sigma_;
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < n; ++i) {
        d(a_) = coord(x_min_, x_max_, i);
        d(b_) = coord(y_min_, y_max_, j);
        const double value = joint_ ? 0.5 * (total - p(d.cwiseAbs2())) : total - p(d);
        out.values[static_cast<std::size_t>(j * n + i)] = value;
      }
  } else {
    // M = a R(φ): planted Ψ = Σ_k a^k c_k(φ), c_k(φ) = k!⟨T_k, R(φ)^{⊗k}T_k⟩; joint C = a²I, Φ_k = a^{2k}‖f_k‖².
    for (int j = 0; j < n; ++j) {
      const double phi = coord(y_min_, y_max_, j);
      std::vector<double> c(static_cast<std::size_t>(e.degree + 1), 0.0);
      double k_factorial = 1;
      for (int k = 1; k <= e.degree; ++k) {
        k_factorial *= k;
        const SymTensor& T = e.tensors[static_cast<std::size_t>(k)];
        if (T.is_zero()) continue;
        c[static_cast<std::size_t>(k)] =
            joint_ ? weights_[static_cast<std::size_t>(k)] * energy[static_cast<std::size_t>(k)]
                   : k_factorial * inner(T, apply_on_every_mode(overlap(1.0, phi), T));
      }
      for (int i = 0; i < n; ++i) {
        const double a = coord(x_min_, x_max_, i);
        double gained = 0, power = 1;
        for (int k = 1; k <= e.degree; ++k) {
          power *= joint_ ? a * a : a;
          gained += power * c[static_cast<std::size_t>(k)];
        }
        out.values[static_cast<std::size_t>(j * n + i)] = joint_ ? 0.5 * (total - gained) : total - gained;
      }
    }
  }

  out.min_value = out.max_value = out.values[0];
  for (double v : out.values) {
    out.min_value = std::min(out.min_value, v);
    out.max_value = std::max(out.max_value, v);
  }
  const double flat = 1e-12 * std::max(1.0, out.max_value - out.min_value);
  const int ring_i[8] = {1, 1, 0, -1, -1, -1, 0, 1}, ring_j[8] = {0, 1, 1, 1, 0, -1, -1, -1};
  for (int j = 1; j + 1 < n; ++j)
    for (int i = 1; i + 1 < n; ++i) {
      const double v = out.values[static_cast<std::size_t>(j * n + i)];
      int above = 0, below = 0, changes = 0, previous = 0;
      for (int q = 0; q <= 8; ++q) {
        const double u = out.values[static_cast<std::size_t>((j + ring_j[q % 8]) * n + i + ring_i[q % 8])];
        const int sign = u > v + flat ? 1 : (u < v - flat ? -1 : 0);
        if (q < 8) {
          above += sign > 0;
          below += sign < 0;
        }
        if (sign != 0) {
          if (previous != 0 && sign != previous && q > 0) ++changes;
          previous = sign;
        }
      }
      CriticalPoint cp{coord(x_min_, x_max_, i), coord(y_min_, y_max_, j), v, CriticalPoint::Type::minimum};
      if (above == 8) {
        out.critical_points.push_back(cp);
      } else if (below == 8) {
        cp.type = CriticalPoint::Type::maximum;
        out.critical_points.push_back(cp);
      } else if (changes >= 4) {
        cp.type = CriticalPoint::Type::saddle;
        out.critical_points.push_back(cp);
      }
    }
  return out;
}

std::vector<double> loss_profile(const Objective& objective, int n) {
  if (n < 2) throw InputError("loss profile: needs n >= 2 points");
  std::vector<double> out(static_cast<std::size_t>(n));
  const Eigen::MatrixXd I = Eigen::MatrixXd::Identity(objective.r(), objective.r());
  for (int i = 0; i < n; ++i) out[static_cast<std::size_t>(i)] = objective.loss((-1.0 + 2.0 * i / (n - 1)) * I);
  return out;
}

}  // namespace grassflow
