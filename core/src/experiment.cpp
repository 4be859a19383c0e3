#include "grassflow/experiment.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "grassflow/errors.h"
#include "grassflow/hermite.h"
#include "grassflow/manifold.h"
#include "grassflow/matrix_text.h"

namespace grassflow {

namespace {

// [SECTION] Reading and writing values

constexpr double kMaxDimension = 1e15;
constexpr int kMaxAnalysableRank = 23;  // max_hermite_degree(r) >= 0 exactly for r <= 23 (hermite_analysis.h)  // d·(1
                                        // + 1e-16) must still be a distinct whole double
#ifdef __EMSCRIPTEN__
// Seeds travel through JavaScript numbers (the JS API, snapshots), exact only below 2^53.
constexpr std::uint64_t kMaxSeed = (std::uint64_t{1} << 53) - 1;
#else
constexpr std::uint64_t kMaxSeed = ~std::uint64_t{0};
#endif

// A finite number written completely (scientific notation allowed), or nullopt.
std::optional<double> read_number(const std::string& text) {
  if (text.empty() || std::isspace(static_cast<unsigned char>(text[0]))) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// A whole number in [lo, hi] (scientific notation allowed: "1e6"), or nullopt.
std::optional<double> read_whole(const std::string& text, double lo, double hi) {
  const std::optional<double> v = read_number(text);
  if (!v || *v != std::floor(*v) || *v < lo || *v > hi) return std::nullopt;
  return v;
}

// Whole numbers below 1e7 as digits ("1000"), others as the shortest text that reads back ("1e+12", "0.25").
std::string number_text(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e7) return std::to_string(static_cast<long long>(v));
  return shortest_text(v);
}

std::string quoted(const std::string& text) {
  return "'" + text + "'";
}

std::string three_digits(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", v);
  return text;
}

// [SECTION] The key table

void parse_link(Experiment& e, const std::string& text) {
  if (text.empty())
    throw InputError("link", "empty link expression; give preset:NAME or an expression in z1..zr (e.g. z1*z2)");
  e.link = text;
}

void parse_r(Experiment& e, const std::string& text) {
  const std::optional<double> v = read_whole(text, 0, kMaxLinkRank);
  if (!v)
    throw InputError("r", quoted(text) + " is not an integer from 0 to " + std::to_string(kMaxLinkRank) +
                              "; give the number of directions, or 0 for the link's own r");
  e.r = static_cast<int>(*v);
}

void parse_d(Experiment& e, const std::string& text) {
  const std::optional<double> v = read_whole(text, 1, kMaxDimension);
  if (!v && text.find(',') != std::string::npos)
    throw InputError("d", quoted(text) + ": one flow has one dimension; sweep over several with grassflow sweep");
  if (!v) throw InputError("d", quoted(text) + " is not a whole number from 1 to 1e15; give e.g. 1000 or 1e6");
  e.d = *v;
}

void parse_objective(Experiment& e, const std::string& text) {
  e.objective = parse_objective_kind(text);
}

void parse_init(Experiment& e, const std::string& text) {
  e.init = parse_start(text);
  e.M0.clear();
}

void parse_seed(Experiment& e, const std::string& text) {
  std::uint64_t v = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, v);
  if (text.empty() || error != std::errc() || stop != end || v > kMaxSeed) {
#ifdef __EMSCRIPTEN__
    throw InputError("seed", quoted(text) + " is not a whole number from 0 to 2^53 - 1 = " + std::to_string(kMaxSeed) +
                                 " (the browser's limit: seeds travel through JavaScript numbers)");
#else
    throw InputError("seed", quoted(text) + " is not a whole number from 0 to 2^64 - 1 = " + std::to_string(kMaxSeed));
#endif
  }
  e.seed = v;
}

void parse_eps(Experiment& e, const std::string& text) {
  const std::optional<double> v = read_number(text);
  if (!v || !(*v > 0.0) || *v > 1.0)
    throw InputError("eps",
                     quoted(text) + " is not in (0, 1]: the equator start's scale is a cosine (default 1/sqrt(d))");
  e.eps = *v;
}

void parse_M0(Experiment& e, const std::string& text) {
  parse_matrix(text, "M0");  // the form now; the shape and realisability once r and d are known (start_overlap)
  e.M0 = text;
}

void parse_t_max(Experiment& e, const std::string& text) {
  const std::optional<double> v = read_number(text);
  if (!v || !(*v > 0.0))
    throw InputError("t-max", quoted(text) + " is not a positive number; give e.g. 1e30 (default)");
  e.t_max = *v;
}

void parse_degree(Experiment& e, const std::string& text) {
  constexpr int largest = kMaxGaussHermiteNodes / 2 - 1;
  const std::optional<double> v = read_whole(text, 0, largest);
  if (!v)
    throw InputError("degree", quoted(text) + " is not an integer from 0 to " + std::to_string(largest) +
                                   " (the quadrature needs 2K + 2 nodes per axis); default 8");
  e.degree = static_cast<int>(*v);
}

void parse_n(Experiment& e, const std::string& text) {
  const std::optional<double> v = read_whole(text, 0, 1e12);
  if (!v)
    throw InputError("n", quoted(text) + " is not a whole number of samples from 0 to 1e12 (0 = population only)");
  e.n = *v;
}

void parse_noise(Experiment& e, const std::string& text) {
  const std::optional<double> v = read_number(text);
  if (!v || *v < 0.0) throw InputError("noise", quoted(text) + " is not a label-noise standard deviation >= 0");
  e.noise = *v;
}

std::string format_init(const Experiment& e) {
  return e.M0.empty() ? to_string(e.init) : "";
}
std::string format_degree(const Experiment& e) {
  return e.degree ? std::to_string(*e.degree) : "";
}

const std::vector<ExperimentKey> kKeys = {
    {"link", "expression", "preset:NAME or an expression in z1..zr (docs/experiment.md, Links)", "preset:staircase2",
     "the link f*: an expression in z1..zr or preset:NAME (see grassflow hermite)",
     "The link f* of y = f*(W*ᵀx) (docs/theory.md §1); required on the command line.", "",
     "hermite loss flow sweep train phase", parse_link, [](const Experiment& e) { return e.link; }},
    {"r", "integer", "0..32", "0 (the link's own r)", "number of directions; default: the link's natural r",
     "The number r of directions of W and W*; a larger r than the link's adds directions the target ignores.", "",
     "hermite loss flow sweep train phase", parse_r, [](const Experiment& e) { return std::to_string(e.r); }},
    {"objective", "choice", "joint or planted", "joint",
     "joint (the link refitted, docs/theory.md §4) or planted (the link known)",
     "joint: the link refitted infinitely fast, a flow on the Grassmannian; planted: the link known, a flow on the "
     "Stiefel manifold (docs/theory.md §4); required on the command line.",
     "", "loss flow sweep", parse_objective, [](const Experiment& e) { return std::string(to_string(e.objective)); }},
    {"d", "whole number", "1..1e15, at least r", "1000", "ambient dimension (a whole number; 1e12 is fine)",
     "The ambient dimension d of x ~ N(0, I_d); the r×r flow costs the same at every d (docs/theory.md §5); "
     "required on the command line.",
     "", "flow train", parse_d, [](const Experiment& e) { return number_text(e.d); }},
    {"init", "choice", "random, equator or isotropic", "random",
     "start: random (Haar W at d, seeded), equator (M(0) = eps Q, Q Haar-orthogonal), isotropic (M(0) = I/sqrt(d))",
     "The start M(0) (docs/theory.md §5): a Haar W at d, eps times a Haar rotation, or I/√d.", "", "flow sweep",
     parse_init, format_init},
    {"seed", "whole number", "0..2^64 - 1", "0", "seed of the random and equator starts (default 0)",
     "The seed of the random and equator starts and of the samples.",
     "below 2^53: seeds travel through JavaScript numbers", "flow train", parse_seed,
     [](const Experiment& e) { return std::to_string(e.seed); }},
    {"eps", "number", "(0, 1]", "1/sqrt(d)", "scale of the equator start (default 1/sqrt(d))",
     "The equator start's distance ε from the equator, a cosine (docs/theory.md §6); equator start only.", "", "flow",
     parse_eps, [](const Experiment& e) { return e.eps > 0 ? shortest_text(e.eps) : std::string(); }},
    {"M0", "matrix", "an r×r overlap realisable at d", "", "an explicit r×r M(0), e.g. \"0.1,0;0,0.01\"",
     "An explicit start M(0) = W(0)ᵀW*, rows separated by ';', entries by ','; its singular values are at most 1 "
     "(docs/theory.md §5). Replaces init.",
     "", "flow", parse_M0, [](const Experiment& e) { return e.M0; }},
    {"t-max", "number", "> 0", "1e30", "stop at this time (default 1e30)",
     "The flow stops at this time (status t_max).", "", "flow sweep", parse_t_max,
     [](const Experiment& e) { return number_text(e.t_max); }},
    {"degree", "integer", "0..99", "8 (lowered to what the quadrature affords for r >= 6)",
     "Hermite truncation degree K, 0 to 99 (default 8; the quadrature needs 2K + 2 nodes per axis)",
     "The degree K up to which f* is expanded in Hermite polynomials (docs/theory.md §2); energy above K is the "
     "truncation residual.",
     "", "hermite loss flow sweep", parse_degree, format_degree},
    {"n", "whole number", "0..1e12", "0", "training samples overlaid on the population flow (0 = none)",
     "The number of training samples of the finite-sample overlay (docs/theory.md §7); 0 = population flow only.",
     "n·d <= 2e7 stored coordinates (80 MB of float32 in a browser tab)", "train", parse_n,
     [](const Experiment& e) { return number_text(e.n); }},
    {"noise", "number", ">= 0", "0", "label noise sigma of the samples (default 0)",
     "The standard deviation σ of the label noise of the samples (docs/theory.md §7).", "", "train phase", parse_noise,
     [](const Experiment& e) { return number_text(e.noise); }},
};

}  // namespace

// [SECTION] Keys

int Experiment::resolved_degree(int link_r) const {
  if (degree) return *degree;
  return std::max(0, std::min(kDefaultHermiteDegree, max_hermite_degree(link_r)));
}

const std::vector<ExperimentKey>& experiment_keys() {
  return kKeys;
}

const ExperimentKey* find_experiment_key(const std::string& name) {
  for (const ExperimentKey& key : kKeys)
    if (name == key.name) return &key;
  return nullptr;
}

void set_experiment_key(Experiment& experiment, const std::string& name, const std::string& text) {
  const ExperimentKey* key = find_experiment_key(name);
  if (!key) {
    std::string names;
    for (const ExperimentKey& k : kKeys) names += (names.empty() ? "" : ", ") + std::string(k.name);
    throw InputError("unknown experiment key '" + name + "'; the keys are " + names);
  }
  Experiment next = experiment;
  key->parse(next, text);
  experiment = next;
}

std::string experiment_keys_markdown() {
  std::string out = "| key | type | range | default | meaning | flag of | browser |\n|---|---|---|---|---|---|---|\n";
  for (const ExperimentKey& k : kKeys)
    out += "| `" + std::string(k.name) + "` | " + k.type + " | " + k.range + " | " + k.default_text + " | " + k.doc +
           " | " + k.commands + " | " + k.browser_limit + " |\n";
  return out;
}

bool differs_from_default(const ExperimentKey& key, const Experiment& experiment) {
  const std::string text = key.format(experiment);
  return !text.empty() && text != key.format(Experiment{});
}

std::vector<double> parse_dimension_list(const std::string& text) {
  std::vector<double> ds;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const std::size_t first = item.find_first_not_of(" \t"), last = item.find_last_not_of(" \t");
    item = first == std::string::npos ? "" : item.substr(first, last - first + 1);
    Experiment e;
    try {
      parse_d(e, item);
    } catch (const InputError&) {
      throw InputError("d", quoted(item) + " is not a whole number from 1 to 1e15; give e.g. 100,1000,1e4");
    }
    ds.push_back(e.d);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return ds;
}

bool same_flow(const Experiment& a, const Experiment& b) {
  for (const ExperimentKey& key : kKeys)
    if (key.format(a) != key.format(b)) return false;
  return true;
}

std::string flow_command_line(const Experiment& e) {
  // POSIX single quotes: a ' inside becomes '\'' so any expression survives the shell.
  auto shell = [](const std::string& v) {
    std::string out = "'";
    for (char c : v) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
  };
  std::string cmd = "grassflow flow";
  for (const ExperimentKey& key : kKeys) {
    const std::string name = key.name;
    if (name == "n" || name == "noise") continue;  // the overlay is `grassflow train`'s
    const bool required = name == "link" || name == "objective" || name == "d";
    // The start is always spelled out: its seed unless it has none (isotropic, explicit M0).
    const bool start =
        (name == "init" && e.M0.empty()) || (name == "seed" && e.M0.empty() && e.init != Start::isotropic);
    if (!required && !start && !differs_from_default(key, e)) continue;
    const std::string value = key.format(e);
    if (value.empty()) continue;
    const bool plain = value.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789.+-_") == std::string::npos;
    cmd += " --" + name + " " + (plain && name != "link" ? value : shell(value));
  }
  return cmd;
}

// [SECTION] Link analysis and the start

// A truncation residual above this share of ||f*||² is reported (docs/theory.md §2: the flows run on the
// truncated link).
constexpr double kTruncationWarning = 1e-3;

LinkAnalysis expand_link(const std::string& link, int r, std::optional<int> degree) {
  LinkAnalysis a;
  a.resolved = resolve_link(link, r);
  a.warnings = a.resolved.warnings;
  const int link_r = a.resolved.link.r();
  if (!degree && max_hermite_degree(link_r) < 0)
    throw LimitError("r", "r = " + std::to_string(link_r) +
                              ": no Hermite degree is affordable beyond r = " + std::to_string(kMaxAnalysableRank) +
                              " (even K = 0 needs more link evaluations than the quadrature allows); lower r");
  Experiment with_degree;
  with_degree.degree = degree;
  const int K = with_degree.resolved_degree(link_r);
  if (!degree && K < kDefaultHermiteDegree)
    a.warnings.push_back("degree K lowered from " + std::to_string(kDefaultHermiteDegree) + " to " + std::to_string(K) +
                         ": the quadrature affords no more in r = " + std::to_string(link_r) +
                         "; energy above degree " + std::to_string(K) + " counts as the residual");
  a.expansion = hermite_expansion(a.resolved.link, K, &a.report);
  a.tolerance = zero_tolerance(a.expansion, a.report);
  a.information_exponent = information_exponent(a.expansion, a.tolerance);
  a.leaps = leap_sequence(a.expansion, a.tolerance);
  for (const std::string& w : {quadrature_warning(a.report, a.tolerance), truncation_warning(a.expansion, a.tolerance)})
    if (!w.empty()) a.warnings.push_back(w);
  const double residual = a.expansion.truncation_residual, norm2 = a.expansion.norm2;
  if (a.information_exponent > 0 && residual > kTruncationWarning * norm2) {
    const int most = max_hermite_degree(link_r);
    char share[32];
    std::snprintf(share, sizeof share, "%.3g%%", 100.0 * residual / norm2);
    a.warnings.push_back(std::string(share) + " of the link's energy lies above degree K = " + std::to_string(K) +
                         " (truncation residual " + three_digits(residual) + " of ||f*||^2 = " + three_digits(norm2) +
                         "): the dynamics are those of the link truncated at K, and their time scales shift with K; " +
                         (K < most ? "compare with a higher degree (at most " + std::to_string(most) +
                                         " in r = " + std::to_string(link_r) + ")"
                                   : "K = " + std::to_string(K) +
                                         " is the most the quadrature affords in r = " + std::to_string(link_r)));
  }
  return a;
}

LinkAnalysis analyse_link(const std::string& link, int r, std::optional<int> degree, LinkUse use) {
  LinkAnalysis a = expand_link(link, r, degree);
  check_usable_for_dynamics(a.resolved.link, a.expansion, a.report);
  if (use == LinkUse::flow && a.information_exponent == 0 && a.expansion.truncation_residual > 0.0) {
    const int K = a.expansion.degree;
    throw InputError("degree", "degrees 1.." + std::to_string(K) + " of " + a.resolved.link.spec() +
                                   " carry none of its energy (" + three_digits(a.expansion.truncation_residual) +
                                   " of ||f*||^2 = " + three_digits(a.expansion.norm2) + " lies above degree " +
                                   std::to_string(K) + "), so the flows would have nothing to learn; " +
                                   (K < max_hermite_degree(a.r())
                                        ? "raise the degree (at most " + std::to_string(max_hermite_degree(a.r())) +
                                              " in r = " + std::to_string(a.r()) + ") or use a link of lower degree"
                                        : "K = " + std::to_string(K) + " is the most the quadrature affords in r = " +
                                              std::to_string(a.r()) + ": lower r or use a link of lower degree"));
  }
  return a;
}

LinkAnalysis analyse_link(const Experiment& experiment, LinkUse use) {
  return analyse_link(experiment.link, experiment.r, experiment.degree, use);
}

Eigen::MatrixXd start_overlap(const Experiment& e, int r) {
  if (!e.M0.empty()) {
    const Eigen::MatrixXd M0 = parse_matrix(e.M0, "M0", r, r);
    try {
      check_realisable_overlap(M0, e.d);
    } catch (const InputError& error) {
      throw InputError("M0", error.what());
    }
    return M0;
  }
  if (e.eps > 0.0 && e.init != Start::equator)
    throw InputError("eps", "only the equator start takes a scale; use init equator, or leave eps out");
  return initial_overlap(e.init, r, e.d, e.seed, e.eps);
}

}  // namespace grassflow
