#include "grassflow/time_scales.h"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "grassflow/errors.h"
#include "grassflow/matrix_text.h"

namespace grassflow {

namespace {

void check_dimension(double d) {
  if (!(d >= 1.0) || !std::isfinite(d))
    throw InputError("d", "the ambient dimension must be a finite number >= 1, got " + shortest_text(d));
}

// ln(1/μ0²): the start's squared overlap enters only through its logarithm, which stays finite when ε² underflows.
double log_inverse_start_overlap(double d, std::optional<double> eps) {
  check_dimension(d);
  if (!eps) return std::log(d);
  if (!(*eps > 0.0 && *eps <= 1.0))
    throw InputError("eps", "the equator start's scale must be in (0, 1] (a cosine), got " + shortest_text(*eps));
  return -2.0 * std::log(*eps);
}

void check_leap_sequence(const HermiteExpansion& e, const LeapSequence& leaps) {
  const std::size_t stages = leaps.leaps.size();
  if (leaps.stage_dimensions.size() != stages || (stages > 0 && leaps.plateaus.size() != stages + 1))
    throw std::invalid_argument("joint_stage_durations: the leap sequence has " + std::to_string(stages) + " leaps, " +
                                std::to_string(leaps.stage_dimensions.size()) + " stage dimensions and " +
                                std::to_string(leaps.plateaus.size()) + " plateaus; use leap_sequence(e)");
  for (std::size_t j = 0; j < stages; ++j)
    if (leaps.leaps[j] < 1 || leaps.leaps[j] > e.degree || leaps.stage_dimensions[j] < 1)
      throw std::invalid_argument(
          "joint_stage_durations: stage " + std::to_string(j) + " is a leap of " + std::to_string(leaps.leaps[j]) +
          " adding " + std::to_string(leaps.stage_dimensions[j]) + " directions; a leap sequence of an " +
          "expansion of degree " + std::to_string(e.degree) + " has leaps 1..K adding at least one direction each");
}

}  // namespace

std::vector<double> joint_stage_durations(const HermiteExpansion& e, const LeapSequence& leaps, double d,
                                          std::optional<double> eps) {
  const double log_inverse_mu2 = log_inverse_start_overlap(d, eps);
  check_leap_sequence(e, leaps);
  const std::vector<double> energy = e.degree_energy();
  std::vector<double> durations;
  for (std::size_t j = 0; j < leaps.leaps.size(); ++j) {
    const int l = leaps.leaps[j];
    // The first stage escapes on the link's degree-ℓ part alone (h_2 + h_3: h_2's 1, not the 2 the stage learns);
    // a later stage on the energy it learns, read off the plateaus it separates.
    const double driving =
        j == 0 ? energy[static_cast<std::size_t>(l)] : 2.0 * (leaps.plateaus[j] - leaps.plateaus[j + 1]);
    if (!(driving > 0.0)) {
      durations.push_back(std::numeric_limits<double>::infinity());
      continue;
    }
    const double alpha2 = driving / leaps.stage_dimensions[j];
    durations.push_back(l == 1 ? log_inverse_mu2 / (2.0 * alpha2)
                               : std::exp((l - 1) * log_inverse_mu2 - std::log(2.0 * l * (l - 1)) - std::log(alpha2)));
  }
  return durations;
}

std::vector<double> joint_escape_times(const HermiteExpansion& e, const LeapSequence& leaps, double d,
                                       std::optional<double> eps) {
  std::vector<double> times = joint_stage_durations(e, leaps, d, eps);
  for (std::size_t j = 1; j < times.size(); ++j) times[j] += times[j - 1];
  return times;
}

std::optional<double> planted_first_escape_time(int information_exponent, double d) {
  check_dimension(d);
  const int s = information_exponent;
  if (s < 0)
    throw std::invalid_argument("planted_first_escape_time: information exponent " + std::to_string(s) +
                                "; use information_exponent(e) (0 for a constant link)");
  if (s == 0) return std::nullopt;
  return s == 1 ? 1.0 : s == 2 ? std::log(d) : std::pow(d, 0.5 * s - 1.0);
}

}  // namespace grassflow
