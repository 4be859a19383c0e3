// Seeded random streams that give the same numbers natively and in WebAssembly.
// std::normal_distribution and std::gamma_distribution differ between libstdc++ and Emscripten's libc++, so
// every distribution here is our own code on top of a counter-based generator, Philox4x32-10 (Salmon et al.,
// "Parallel random numbers: as easy as 1, 2, 3", SC'11; the Random123 reference constants).
// Guarantees: the raw 64-bit stream and uniform() are bitwise identical on every platform; normal() and
// gamma() use libm's log/cos/sqrt, which may differ in the last ulp between glibc and Emscripten's musl, so
// they agree to ~1e-15 relative (docs/theory.md §5 asks 1e-12 for M(0)).
#pragma once

#include <array>
#include <cstdint>

namespace grassflow {

/// Philox4x32-10 as a stream: key = (seed low, seed high) XOR stream tweak, counter = (block index, stream).
/// Different `stream` values with the same seed give independent streams (e.g. one for W*, one for data).
class Rng {
 public:
  explicit Rng(std::uint64_t seed, std::uint32_t stream = 0);

  /// The next raw 64 bits of the stream.
  std::uint64_t next_u64();
  /// Uniform on the open interval (0, 1), 53 random bits: ((u >> 11) + 0.5)·2⁻⁵³. Never 0 or 1.
  double uniform();
  /// Standard normal N(0, 1) by Box–Muller (both outputs used, in order).
  double normal();
  /// Gamma(shape, 1), shape > 0, by Marsaglia–Tsang (ACM TOMS 26(3), 2000), with the u^{1/a} boost for
  /// shape < 1. Valid for shapes up to ~1e300 (used with shape ~ d/2 for d up to 10¹²).
  double gamma(double shape);
  /// χ²(dof) = 2·Gamma(dof/2), dof > 0.
  double chi_square(double dof) { return 2.0 * gamma(0.5 * dof); }

  /// The Philox4x32-10 bijection on one 128-bit block: exposed for the known-answer test.
  static std::array<std::uint32_t, 4> philox(std::array<std::uint32_t, 4> counter, std::array<std::uint32_t, 2> key);

 private:
  std::array<std::uint32_t, 2> key_;
  std::uint32_t stream_;
  std::uint64_t block_ = 0;
  std::array<std::uint32_t, 4> buffer_{};
  int used_ = 4;  // 32-bit words of buffer_ consumed
  bool has_spare_normal_ = false;
  double spare_normal_ = 0.0;

  std::uint32_t next_u32();
};

}  // namespace grassflow
