#include "grassflow/objective.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "grassflow/errors.h"

namespace grassflow {

namespace {

constexpr double kNegligibleEnergy = 1e-28;

// Σ_ab A_ab B_ab.
double frobenius(const Eigen::MatrixXd& A, const Eigen::MatrixXd& B) {
  return A.cwiseProduct(B).sum();
}

}  // namespace

Objective::Objective(HermiteExpansion link) : link_(std::move(link)) {
  if (link_.tensors.empty()) throw InputError("objective: the link's expansion has no tensors");
  energy_ = link_.degree_energy();
  double factorial = 1.0, total = 0.0;
  for (double e : energy_) total += e;
  for (std::size_t k = 0; k < link_.tensors.size(); ++k) {
    if (k > 0) factorial *= static_cast<double>(k);
    k_factorial_.push_back(factorial);
    // Degrees that quadrature leaves at rounding level (a polynomial link's degrees above its own) change no
    // loss beyond 1e-28 relative; contracting them would make a degree-3 link cost like a degree-8 one.
    if (k >= 1 && !link_.tensors[k].is_zero() && energy_[k] > kNegligibleEnergy * total)
      active_degrees_.push_back(static_cast<int>(k));
  }
}

void Objective::check_shape(const Eigen::MatrixXd& M) const {
  if (M.rows() != r() || M.cols() != r())
    throw InputError(std::string(name()) + " objective: M must be r×r with r = " + std::to_string(r()) + " (got " +
                     std::to_string(M.rows()) + "x" + std::to_string(M.cols()) + ")");
}

HermiteExpansion Objective::rotated_link(const Eigen::MatrixXd& R) const {
  check_shape(R);
  const Eigen::MatrixXd Rt = R.transpose();
  HermiteExpansion rotated;
  rotated.r = link_.r;
  rotated.degree = link_.degree;
  rotated.norm2 = link_.norm2;
  rotated.truncation_residual = link_.truncation_residual;
  // Only the degrees ever contracted: copying, let alone rotating, a negligible degree-8 tensor (r^8 entries)
  // would cost more than many flow steps. The others become empty (zero energy, so inactive here too).
  rotated.tensors.assign(link_.tensors.size(), SymTensor());
  rotated.tensors[0] = link_.tensors[0];
  for (int k : active_degrees_) {
    const auto K = static_cast<std::size_t>(k);
    rotated.tensors[K] = apply_on_every_mode(Rt, link_.tensors[K]);
  }
  return rotated;
}

double Objective::loss(const Eigen::MatrixXd& M) const {
  double value;
  Eigen::MatrixXd grad;
  evaluate(M, value, grad);
  return value;
}

Eigen::MatrixXd Objective::gradient(const Eigen::MatrixXd& M) const {
  double value;
  Eigen::MatrixXd grad;
  evaluate(M, value, grad);
  return grad;
}

Eigen::MatrixXd Objective::velocity(const Eigen::MatrixXd& M) const {
  Eigen::MatrixXd V;
  velocity(M, V);
  return V;
}

void Objective::velocity(const Eigen::MatrixXd& M, Eigen::MatrixXd& V) const {
  thread_local Eigen::MatrixXd E;
  double value;
  evaluate(M, value, E);
  overlap_velocity(geometry(), M, E, V);
}

JointObjective::JointObjective(HermiteExpansion link, std::vector<double> degree_weights)
    : Objective(std::move(link)), weights_(std::move(degree_weights)) {
  if (weights_.empty()) weights_.assign(link_.tensors.size(), 1.0);
  if (weights_.size() != link_.tensors.size())
    throw InputError("joint objective: degree weights need K + 1 = " + std::to_string(link_.tensors.size()) +
                     " entries (index k = 0..K), got " + std::to_string(weights_.size()));
  for (double w : weights_)
    if (!(w >= 0.0) || !std::isfinite(w))
      throw InputError("joint objective: degree weights must be finite and >= 0 (ridge gives c_k/(c_k + lambda))");
}

std::vector<double> JointObjective::phi_by_degree(const Eigen::MatrixXd& C) const {
  check_shape(C);
  std::vector<double> phi(link_.tensors.size(), 0.0);
  for (int k : active_degrees_) {
    const auto K = static_cast<std::size_t>(k);
    phi[K] = k_factorial_[K] * frobenius(C, first_slot_contraction(link_.tensors[K], C));
  }
  return phi;
}

Eigen::MatrixXd JointObjective::phi_gradient(const Eigen::MatrixXd& C) const {
  check_shape(C);
  Eigen::MatrixXd G = Eigen::MatrixXd::Zero(r(), r());
  for (int k : active_degrees_) {
    const auto K = static_cast<std::size_t>(k);
    G += (weights_[K] * k * k_factorial_[K]) * first_slot_contraction(link_.tensors[K], C);
  }
  return G;
}

void JointObjective::evaluate(const Eigen::MatrixXd& M, double& loss_value, Eigen::MatrixXd& grad) const {
  check_shape(M);
  // Work matrices reused across calls: the flows evaluate this millions of times at r ≤ 4.
  thread_local Eigen::MatrixXd C, G, B;
  C.resize(r(), r());
  C.noalias() = M.transpose() * M;
  G.setZero(r(), r());
  double half_gap = 0.0;
  for (std::size_t k = 1; k < energy_.size(); ++k) half_gap += energy_[k];
  for (int k : active_degrees_) {
    const auto K = static_cast<std::size_t>(k);
    first_slot_contraction(link_.tensors[K], C, B);
    half_gap -= weights_[K] * k_factorial_[K] * frobenius(C, B);
    G += (weights_[K] * k * k_factorial_[K]) * B;
  }
  loss_value = 0.5 * half_gap;
  grad.resize(r(), r());
  grad.noalias() = -M * G;
}

double JointObjective::minimum_loss() const {
  double m = 0.0;
  for (std::size_t k = 1; k < energy_.size(); ++k) m += (1.0 - weights_[k]) * energy_[k];
  return 0.5 * m;
}

std::shared_ptr<const Objective> JointObjective::rotated(const Eigen::MatrixXd& R) const {
  return std::make_shared<JointObjective>(rotated_link(R), weights_);
}

double JointObjective::distance_to_optimum(const Eigen::MatrixXd& M) const {
  check_shape(M);
  return principal_angles_from_overlap(M).norm();
}

PlantedObjective::PlantedObjective(HermiteExpansion link) : Objective(std::move(link)) {}

void PlantedObjective::evaluate(const Eigen::MatrixXd& M, double& loss_value, Eigen::MatrixXd& grad) const {
  check_shape(M);
  thread_local Eigen::MatrixXd B;
  grad.setZero(r(), r());
  double gap = 0.0;
  for (std::size_t k = 1; k < energy_.size(); ++k) gap += energy_[k];
  for (int k : active_degrees_) {
    const auto K = static_cast<std::size_t>(k);
    first_slot_contraction(link_.tensors[K], M, B);
    gap -= k_factorial_[K] * frobenius(M, B);
    grad -= (k * k_factorial_[K]) * B;
  }
  loss_value = gap;
}

std::shared_ptr<const Objective> PlantedObjective::rotated(const Eigen::MatrixXd& R) const {
  return std::make_shared<PlantedObjective>(rotated_link(R));
}

double PlantedObjective::distance_to_optimum(const Eigen::MatrixXd& M) const {
  check_shape(M);
  return std::sqrt(std::max(0.0, 2.0 * (r() - M.trace())));
}

const char* to_string(ObjectiveKind kind) {
  return kind == ObjectiveKind::joint ? "joint" : "planted";
}

ObjectiveKind parse_objective_kind(const std::string& name) {
  if (name == "joint") return ObjectiveKind::joint;
  if (name == "planted") return ObjectiveKind::planted;
  throw InputError("objective", "unknown objective '" + name + "'; choose joint or planted");
}

std::shared_ptr<const Objective> make_objective(ObjectiveKind kind, HermiteExpansion link,
                                                std::vector<double> degree_weights) {
  if (kind == ObjectiveKind::joint) return std::make_shared<JointObjective>(std::move(link), std::move(degree_weights));
  if (!degree_weights.empty())
    throw InputError("planted objective: degree weights (ridge) apply to the joint objective only");
  return std::make_shared<PlantedObjective>(std::move(link));
}

std::shared_ptr<const Objective> make_objective(const std::string& name, HermiteExpansion link,
                                                std::vector<double> degree_weights) {
  return make_objective(parse_objective_kind(name), std::move(link), std::move(degree_weights));
}

void evaluate_given_overlap(const Objective& objective, int r, const Eigen::MatrixXd& M, double& loss,
                            Eigen::MatrixXd& gradient) {
  if (M.rows() != r || M.cols() != r)
    throw InputError("M", "M is " + std::to_string(M.rows()) + "x" + std::to_string(M.cols()) +
                              "; the overlap of a link in r = " + std::to_string(r) + " variables is " +
                              std::to_string(r) + "x" + std::to_string(r));
  if (!M.allFinite()) throw InputError("M", "M holds NaN or infinite entries; give finite overlaps");
  try {
    // Any d works for the singular-value check; a large one leaves only the condition σ_i ≤ 1.
    check_realisable_overlap(M, 1e15);
  } catch (const InputError& e) {
    throw InputError("M", e.what());
  }
  objective.evaluate(M, loss, gradient);
}

}  // namespace grassflow
