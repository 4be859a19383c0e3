// Link functions f*: R^r → R of a Gaussian multi-index model F*(x) = f*(W*ᵀx) (docs/theory.md §1), built from a
// user's expression (muparser) or a named preset.
//
// Expressions (muparser 2.3.3) are written in the variables z1..zr and may use
//   numbers, + − * / ^, unary minus, comparisons (<, <=, ==, ...), &&, ||, and c ? a : b;
//   constants pi and e (muparser's own _pi and _e work too);
//   functions He(k, x) (monic probabilists' Hermite, integer 0 ≤ k ≤ 150), h(k, x) (orthonormal, h_k =
//   He_k/√k!, integer 0 ≤ k ≤ 1000), relu(x) = max(x, 0), and muparser's built-ins sin cos tan asin acos atan
//   sinh cosh tanh asinh acosh atanh exp ln log log2 log10 sqrt abs sign rint, min max sum avg (any number
//   of arguments).
// Precedence (muparser's): ^ binds tighter than unary minus and is right-associative, so -z1^2 = -(z1^2) and
// 2^3^2 = 2^(3^2) = 512; then * /, then + −. sign(0) = 0.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace grassflow {

/// The largest r of a link (variables z1..z32). Hermite analysis has tighter limits (hermite_analysis.h).
constexpr int kMaxLinkRank = 32;

/// A link f*: R^r → R. Cheap to copy (copies share one immutable implementation) and safe to evaluate from
/// several threads at once: presets are native C++ functions; an expression keeps a small pool of compiled
/// muparser parsers and each evaluation borrows one, so concurrent callers never share a parser.
class Link {
 public:
  using Value = std::function<double(const double* z)>;
  using Gradient = std::function<void(const double* z, double* g)>;

  /// The zero link on R^1 (spec "0"), so that a Link can be a default-constructed member.
  Link();
  /// A native link: `value(z)` reads z[0..r), `gradient(z, g)` writes ∂f/∂z_i into g[0..r) (exact).
  /// Throws std::invalid_argument if r is outside 1..kMaxLinkRank or a callable is empty.
  Link(int r, std::string spec, Value value, Gradient gradient);

  /// The number of variables: f* is a function of z = (z1, ..., zr).
  int r() const;
  /// f*(z), z has r entries.
  double operator()(const double* z) const;
  /// f*(z_i) for n points: Z is row-major n×r (point i at Z[i*r .. i*r + r)), out has n entries. For
  /// expressions one compiled parser serves the whole batch (no pool lock per point): use it in loops.
  void evaluate(const double* Z, std::size_t n, double* out) const;
  /// ∇f*(z) into g[0..r). Presets: exact (where a preset has a kink or jump, as relu or sign, the derivative
  /// away from it: 0 or 1 for relu, 0 for sign). Expressions: fourth-order central differences with step
  /// h_i = 7.4e-4·max(1, |z_i|) (≈ ε^{1/5}), relative accuracy about 1e-11 for smooth expressions; within h
  /// of a kink it returns a difference quotient across it.
  void gradient(const double* z, double* g) const;
  /// True when `gradient` is exact (presets, native links), false when it is a finite difference.
  bool exact_gradient() const;
  /// "preset:NAME" or the expression text, as given to `resolve_link`.
  const std::string& spec() const;

  class Impl;

 private:
  explicit Link(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
  friend struct LinkFactory;
};

/// A named link offered by the app and the CLI (`preset:NAME`).
struct PresetInfo {
  std::string name;         ///< e.g. "staircase3"
  std::string description;  ///< one line for menus and --help
  std::string expression;   ///< the same function as a muparser expression (families: written with "... zr")
  int natural_r = 1;        ///< r used when none is given; a preset depends on exactly z1..z_natural_r
  bool family = false;      ///< true when the link is defined for every r ≥ 1 from the r given (he3sum, trap)
};

/// Every preset, in menu order: he2, he3, he4 (h_k(z1)); parity2 (z1 z2); parity3 (z1 z2 z3); staircase2
/// (z1 + z1 z2); staircase3 (z1 + z1 z2 + z1 z2 z3); he3sum2, he4sum2, he2sum2 (h_k(z1) + h_k(z2)); tanh
/// (tanh z1); relu (relu z1); sign2 (sign(z1 z2)); sign3 (sign(z1 z2 z3)); z1he3 (z1 + h_3(z2): leaps 1
/// then 3); degenerate (h_2((z1 + z2)/√2), r = 2: one direction is never learned, docs/theory.md §1); and the
/// families he3sum (Σ_{i≤r} h_3(z_i), natural r = 2) and trap (Σ_{i≤r} (h_2 + h_3)(z_i), the planted trap
/// of docs/theory.md §4, natural r = 1).
const std::vector<PresetInfo>& presets();

/// The muparser expression of preset `name` on R^r (families expanded, e.g. he3sum at r = 3 gives
/// "h(3,z1) + h(3,z2) + h(3,z3)"). Throws InputError for an unknown name.
std::string preset_expression(const std::string& name, int r);

/// A link together with the warnings a user should see (e.g. directions that are not in the target).
struct ResolvedLink {
  Link link;
  std::vector<std::string> warnings;
};

/// Builds the link named by `spec`: "preset:NAME" or an expression in z1..zr (syntax at the top of this
/// file). r = 0 means the preset's natural r, or for an expression the largest k among the z_k it uses (1
/// for a constant). A larger r than a preset's natural r (or than an expression's largest z_k) is accepted
/// with a warning that the extra directions are not in the target.
/// Throws InputError, with the 1-based character position and a hint, when the expression does not parse,
/// calls an unknown function, uses an unknown name or a z_k with k > r, uses '=' (muparser's assignment; compare
/// with ==), is 20000 characters or longer (muparser's limit), or gives several values (a comma outside a function's
/// arguments, "z1, z2"); messages quote at most the first 80 characters of the expression; for an unknown preset (the
/// message lists the presets); for r < 0, r > kMaxLinkRank, or r below a preset's natural r.
ResolvedLink resolve_link(const std::string& spec, int r);

}  // namespace grassflow
