// Leading-order time scales of the saddle-to-saddle dynamics (docs/theory.md §6): how long each stage of the
// joint flow lasts and when it ends, and the scale of the planted flow's first escape. Times are flow time t,
// the time of the reduced flows of flow.h (½ loss convention, docs/theory.md §5). The loss the joint flow holds
// between two escapes, the theory's plateau loss, is LeapSequence::plateaus (hermite_analysis.h): plateau j
// from escape j − 1 (the start for j = 0) to escape j, then the last entry (0 when every direction is learned).
#pragma once

#include <optional>
#include <vector>

#include "grassflow/expansion.h"
#include "grassflow/hermite_analysis.h"

namespace grassflow {

/// The leading-order duration of each stage of the joint flow (docs/theory.md §6), one entry per leap of
/// `leaps` (= leap_sequence(e, ...)), in flow time t. Stage j, a leap ℓ = leaps.leaps[j] adding
/// n = leaps.stage_dimensions[j] directions, is timed as the single-index escape of αh_ℓ from m0² = μ0² to O(1),
/// the leading order of docs/theory.md §6's closed form T = (1/(ℓα²))[Σ_{i<ℓ}(m0^{−2i} − m1^{−2i})/(2i) +
/// ln(m1/m0) − ½ln((1 − m1²)/(1 − m0²))]:
///   T_j = ln(1/μ0²)/(2α²)               for ℓ = 1 (a pure αh_1 reaches m1² = ½ at (ln(1/μ0²) + ln(1 − μ0²))/(2α²)),
///   T_j = μ0^{−2(ℓ−1)}/(2ℓ(ℓ−1)α²)      for ℓ ≥ 2 (relative error O(μ0²)),
/// with μ0² = 1/d (Haar and isotropic starts, C(0) ≈ I/d) or μ0² = ε² when `eps` is given (the equator start
/// M(0) = εQ), and α² the energy per direction that drives the stage:
///   - the first stage: ‖f*_ℓ‖²/n, the link's degree-ℓ energy (h_2 + h_3: α² = 1 from h_2 alone, T = d/4, although
///     the stage also learns h_3);
///   - a later stage: 2(plateaus[j] − plateaus[j+1])/n, the energy it learns (exact when one Hermite term drives it).
/// Every stage is timed from μ0: at leading order a stage's new directions are still at the start's overlap when
/// the previous stage ends. Examples at d = 1000 from μ0² = 1/d: staircase2 z1 + z1z2: ln(1000)/2 = 3.45 twice;
/// z1z2: d/2 (α² = ½ on each of 2 directions); 3h_3(z1): d²/108; Σ_{i≤4} h_3(z_i): d²/12.
/// Computed in logarithms (ln(1/ε²) rather than 1/ε², which overflows below ε ≈ 1e-154): a finite duration comes
/// out finite (ε = 1e-160, ℓ = 2, α² = 1e20: 2.5e299), one beyond the largest double is +inf, never NaN. A later
/// stage whose learned energy rounds to ≤ 0 (a part below ~1e-16 of ‖f*‖² beside larger ones) lasts +inf.
/// Throws InputError when d is not a finite number ≥ 1 or eps is not in (0, 1]; std::invalid_argument when
/// `leaps` is not a leap sequence of `e` (stage_dimensions or plateaus of the wrong length, a leap outside 1..K,
/// a stage of no direction).
std::vector<double> joint_stage_durations(const HermiteExpansion& e, const LeapSequence& leaps, double d,
                                          std::optional<double> eps = std::nullopt);

/// The predicted escape time of each stage's last direction: entry j is T_0 + ... + T_j of joint_stage_durations
/// (same arguments, units, errors), where the explorer draws its theory markers. From the isotropic start it
/// estimates ReducedFlow::escape_times()[n_0 + ... + n_j − 1], n_i = leaps.stage_dimensions[i] (staircase2 at
/// d = 1000: 3.45 and 6.91; the flow's 3.449 and 6.901, docs/theory.md §6).
std::vector<double> joint_escape_times(const HermiteExpansion& e, const LeapSequence& leaps, double d,
                                       std::optional<double> eps = std::nullopt);

/// The scale of the planted flow's first escape from m0 ~ d^{−1/2} (docs/theory.md §6: its loss has degree s in the
/// cosines, not 2s): 1, ln d, d^{s/2−1} for an information exponent s = 1, 2, ≥ 3, in flow time t. These are Θ(·)
/// orders with unit constant, not predictions (h_3 at d = 10⁴: 100 against the reference 33.15). nullopt for s = 0
/// (a constant link: nothing to escape). The later planted stages have no formula (docs/theory.md §6: measure them).
/// A scale beyond the largest double is +inf. Throws InputError when d is not a finite number ≥ 1,
/// std::invalid_argument for s < 0.
std::optional<double> planted_first_escape_time(int information_exponent, double d);

}  // namespace grassflow
