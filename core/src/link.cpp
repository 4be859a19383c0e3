#include "grassflow/link.h"

#include <muParser.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <mutex>
#include <set>
#include <stdexcept>
#include <utility>

#include "grassflow/errors.h"
#include "grassflow/hermite.h"

namespace grassflow {

// [SECTION] Implementations behind Link

class Link::Impl {
 public:
  Impl(int r_, std::string spec_) : r(r_), spec(std::move(spec_)) {}
  virtual ~Impl() = default;
  virtual double value(const double* z) const = 0;
  virtual void evaluate(const double* Z, std::size_t n, double* out) const {
    for (std::size_t i = 0; i < n; ++i) out[i] = value(Z + i * static_cast<std::size_t>(r));
  }
  virtual void gradient(const double* z, double* g) const = 0;
  virtual bool exact_gradient() const = 0;

  const int r;
  const std::string spec;
};

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kE = 2.71828182845904523536;

class NativeImpl final : public Link::Impl {
 public:
  NativeImpl(int r_, std::string spec_, Link::Value value, Link::Gradient gradient)
      : Impl(r_, std::move(spec_)), value_(std::move(value)), gradient_(std::move(gradient)) {}
  double value(const double* z) const override { return value_(z); }
  void gradient(const double* z, double* g) const override { gradient_(z, g); }
  bool exact_gradient() const override { return true; }

 private:
  Link::Value value_;
  Link::Gradient gradient_;
};

// muparser callbacks. They throw mu::ParserError, which Link turns into InputError.
int hermite_degree_argument(double k, int max_k, const char* name) {
  if (!(k >= 0.0 && k <= max_k && k == std::floor(k)))
    throw mu::ParserError("the integer degree k of " + std::string(name) + "(k, x) must be in 0.." +
                          std::to_string(max_k));
  return static_cast<int>(k);
}
double mu_He(double k, double x) {
  return hermite_He(hermite_degree_argument(k, kMaxMonicHermiteDegree, "He"), x);
}
double mu_h(double k, double x) {
  return hermite_h(hermite_degree_argument(k, kMaxHermiteDegree, "h"), x);
}
double mu_relu(double x) {
  return x > 0.0 ? x : 0.0;
}

// Our functions and constants, and the optimizer setting for `text`. muparser's constant folding of && and ||
// casts doubles to int (undefined beyond ±2^31, found by fuzzing) and truncates (0.5 && 1 folds to 0 while
// z1 && 1 at z1 = 0.5 evaluates to 1): with those operators the optimizer is off, so every value is read as
// "nonzero is true", folded or not.
void configure_parser(mu::Parser& parser, const std::string& text) {
  parser.EnableOptimizer(text.find("&&") == std::string::npos && text.find("||") == std::string::npos);
  parser.DefineFun("He", mu_He);
  parser.DefineFun("h", mu_h);
  parser.DefineFun("relu", mu_relu);
  parser.DefineConst("pi", kPi);
  parser.DefineConst("e", kE);
}

const std::set<std::string>& known_functions() {
  static const std::set<std::string> names = {
      "He",    "h",   "relu", "sin", "cos",  "tan",   "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh",
      "atanh", "exp", "ln",   "log", "log2", "log10", "sqrt", "abs",  "sign", "rint", "min",  "max",  "sum",   "avg"};
  return names;
}

const char* kFunctionHint =
    "functions are He(k,x), h(k,x), relu, sin, cos, tan, asin, acos, atan, sinh, cosh, tanh, asinh, acosh, "
    "atanh, exp, ln, log, log2, log10, sqrt, abs, sign, rint, min, max, sum, avg";

// The expression as quoted in a message: one line, long texts cut (positions still count in the full text).
std::string one_line(const std::string& text) {
  constexpr std::size_t kShown = 80;
  std::string s = text.size() > kShown ? text.substr(0, kShown - 3) + "..." : text;
  std::replace(s.begin(), s.end(), '\n', ' ');
  std::replace(s.begin(), s.end(), '\r', ' ');
  return s;
}

// "expression "TEXT": WHAT at position P; HINT" (P is 1-based, omitted when unknown).
InputError expression_error(const std::string& text, const std::string& what, long position0, const std::string& hint) {
  std::string message = "expression \"" + one_line(text) + "\": " + what;
  if (position0 >= 0) message += " at position " + std::to_string(position0 + 1);
  if (!hint.empty()) message += "; " + hint;
  return InputError("link", message);
}

// muparser's message without its own 0-based " at position N" tail.
std::string muparser_message(const mu::Parser::exception_type& e) {
  std::string msg = e.GetMsg();
  for (const char* tail : {" found at position", " at expression position", " at position"}) {
    const std::size_t cut = msg.find(tail);
    if (cut != std::string::npos) msg.erase(cut);
  }
  if (!msg.empty()) msg[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(msg[0])));
  if (!msg.empty() && msg.back() == '.') msg.pop_back();
  return msg;
}

struct Name {
  std::string text;
  std::size_t position;
  bool called;  // followed by "("
};

// Identifiers of an expression with their positions, skipping numeric literals such as 2.5e-3.
std::vector<Name> scan_names(const std::string& s) {
  std::vector<Name> names;
  const std::size_t n = s.size();
  auto digit = [&](std::size_t i) { return i < n && std::isdigit(static_cast<unsigned char>(s[i])); };
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (digit(i) || (c == '.' && digit(i + 1))) {
      while (digit(i) || (i < n && s[i] == '.')) ++i;
      if (i < n && (s[i] == 'e' || s[i] == 'E') &&
          (digit(i + 1) || (i + 1 < n && (s[i + 1] == '+' || s[i + 1] == '-') && digit(i + 2)))) {
        i += 2;
        while (digit(i)) ++i;
      }
    } else if (std::isalpha(c) || c == '_') {
      const std::size_t start = i;
      while (i < n && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_')) ++i;
      std::size_t j = i;
      while (j < n && std::isspace(static_cast<unsigned char>(s[j]))) ++j;
      names.push_back({s.substr(start, i - start), start, j < n && s[j] == '('});
    } else {
      ++i;
    }
  }
  return names;
}

// k for a name "zk" (k ≥ 1, no leading zero), 0 otherwise.
int variable_index(const std::string& name) {
  if (name.size() < 2 || name[0] != 'z' || name[1] == '0' || name.size() > 4) return 0;
  for (std::size_t i = 1; i < name.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(name[i]))) return 0;
  return std::stoi(name.substr(1));
}

class ExpressionImpl final : public Link::Impl {
 public:
  ExpressionImpl(int r_, const std::string& text) : Impl(r_, text) {}

  double value(const double* z) const override {
    Lease slot(*this);
    std::copy(z, z + r, slot->variables.begin());
    try {
      return slot->parser.Eval();
    } catch (const mu::Parser::exception_type& e) {
      throw expression_error(spec, muparser_message(e), -1, "");
    }
  }

  // One parser for the whole batch, one bytecode run per point: muparser's bulk mode re-parses the
  // expression on every call and runs a slower interpreter (measured in bench_hermite).
  void evaluate(const double* Z, std::size_t n, double* out) const override {
    Lease slot(*this);
    const std::size_t rr = static_cast<std::size_t>(r);
    try {
      for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t k = 0; k < rr; ++k) slot->variables[k] = Z[i * rr + k];
        out[i] = slot->parser.Eval();
      }
    } catch (const mu::Parser::exception_type& e) {
      throw expression_error(spec, muparser_message(e), -1, "");
    }
  }

  void gradient(const double* z, double* g) const override {
    // Fourth-order central differences, all 4r points in one batch.
    const std::size_t rr = static_cast<std::size_t>(r);
    static constexpr double offsets[4] = {2.0, 1.0, -1.0, -2.0};
    std::vector<double> points(4 * rr * rr), values(4 * rr), steps(rr);
    for (std::size_t j = 0; j < rr; ++j) {
      const double target = 7.4e-4 * std::max(1.0, std::fabs(z[j]));
      steps[j] = (z[j] + target) - z[j];  // a step exactly representable at z_j
      for (std::size_t s = 0; s < 4; ++s) {
        double* p = &points[(4 * j + s) * rr];
        std::copy(z, z + rr, p);
        p[j] = z[j] + offsets[s] * steps[j];
      }
    }
    evaluate(points.data(), 4 * rr, values.data());
    for (std::size_t j = 0; j < rr; ++j) {
      const double* v = &values[4 * j];
      g[j] = (-v[0] + 8.0 * v[1] - 8.0 * v[2] + v[3]) / (12.0 * steps[j]);
    }
  }

  bool exact_gradient() const override { return false; }

 private:
  struct Slot {
    mu::Parser parser;
    std::vector<double> variables;  // z1..zr, bound to the parser
  };

  // Borrows a parser from the pool (or compiles a new one) and returns it on destruction.
  class Lease {
   public:
    explicit Lease(const ExpressionImpl& owner) : owner_(owner) {
      {
        std::lock_guard<std::mutex> lock(owner_.mutex_);
        if (!owner_.pool_.empty()) {
          slot_ = std::move(owner_.pool_.back());
          owner_.pool_.pop_back();
        }
      }
      if (!slot_) slot_ = owner_.compile();
    }
    ~Lease() {
      std::lock_guard<std::mutex> lock(owner_.mutex_);
      owner_.pool_.push_back(std::move(slot_));
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Slot* operator->() const { return slot_.get(); }

   private:
    const ExpressionImpl& owner_;
    std::unique_ptr<Slot> slot_;
  };

  std::unique_ptr<Slot> compile() const {
    auto slot = std::make_unique<Slot>();
    slot->variables.assign(static_cast<std::size_t>(r), 0.0);
    configure_parser(slot->parser, spec);
    for (int k = 0; k < r; ++k)
      slot->parser.DefineVar("z" + std::to_string(k + 1), &slot->variables[static_cast<std::size_t>(k)]);
    slot->parser.SetExpr(spec);
    return slot;
  }

  mutable std::mutex mutex_;
  mutable std::vector<std::unique_ptr<Slot>> pool_;
};

// [SECTION] Presets

double h2(double x) {
  return (x * x - 1.0) / std::sqrt(2.0);
}
double h3(double x) {
  return (x * x * x - 3.0 * x) / std::sqrt(6.0);
}
double h4(double x) {
  return (x * x * x * x - 6.0 * x * x + 3.0) / std::sqrt(24.0);
}
// h_k' = √k h_{k−1}
double dh2(double x) {
  return std::sqrt(2.0) * x;
}
double dh3(double x) {
  return std::sqrt(3.0) * h2(x);
}
double dh4(double x) {
  return 2.0 * h3(x);
}
double sign(double x) {
  return static_cast<double>((x > 0.0) - (x < 0.0));
}

struct Preset {
  PresetInfo info;
  Link::Value value;  // fixed-r presets read z[0..natural_r)
  Link::Gradient gradient;
  std::function<Link::Value(int r)> family_value;  // families build their link for the r given
  std::function<Link::Gradient(int r)> family_gradient;
};

std::vector<Preset> make_presets() {
  std::vector<Preset> list;
  auto add = [&](const char* name, const char* description, const char* expression, int natural_r, Link::Value value,
                 Link::Gradient gradient) {
    list.push_back(
        {{name, description, expression, natural_r, false}, std::move(value), std::move(gradient), nullptr, nullptr});
  };
  add(
      "he2", "h_2(z1): single index, information exponent 2", "h(2,z1)", 1, [](const double* z) { return h2(z[0]); },
      [](const double* z, double* g) { g[0] = dh2(z[0]); });
  add(
      "he3", "h_3(z1): single index, information exponent 3", "h(3,z1)", 1, [](const double* z) { return h3(z[0]); },
      [](const double* z, double* g) { g[0] = dh3(z[0]); });
  add(
      "he4", "h_4(z1): single index, information exponent 4", "h(4,z1)", 1, [](const double* z) { return h4(z[0]); },
      [](const double* z, double* g) { g[0] = dh4(z[0]); });
  add(
      "parity2", "z1 z2: both directions at once, one leap of 2", "z1*z2", 2,
      [](const double* z) { return z[0] * z[1]; },
      [](const double* z, double* g) {
        g[0] = z[1];
        g[1] = z[0];
      });
  add(
      "parity3", "z1 z2 z3: one leap of 3", "z1*z2*z3", 3, [](const double* z) { return z[0] * z[1] * z[2]; },
      [](const double* z, double* g) {
        g[0] = z[1] * z[2];
        g[1] = z[0] * z[2];
        g[2] = z[0] * z[1];
      });
  add(
      "staircase2", "z1 + z1 z2: staircase, leaps 1, 1", "z1 + z1*z2", 2,
      [](const double* z) { return z[0] + z[0] * z[1]; },
      [](const double* z, double* g) {
        g[0] = 1.0 + z[1];
        g[1] = z[0];
      });
  add(
      "staircase3", "z1 + z1 z2 + z1 z2 z3: staircase, leaps 1, 1, 1", "z1 + z1*z2 + z1*z2*z3", 3,
      [](const double* z) { return z[0] + z[0] * z[1] + z[0] * z[1] * z[2]; },
      [](const double* z, double* g) {
        g[0] = 1.0 + z[1] + z[1] * z[2];
        g[1] = z[0] + z[0] * z[2];
        g[2] = z[0] * z[1];
      });
  add(
      "he3sum2", "h_3(z1) + h_3(z2): two directions of exponent 3", "h(3,z1) + h(3,z2)", 2,
      [](const double* z) { return h3(z[0]) + h3(z[1]); },
      [](const double* z, double* g) {
        g[0] = dh3(z[0]);
        g[1] = dh3(z[1]);
      });
  add(
      "he4sum2", "h_4(z1) + h_4(z2): two directions of exponent 4", "h(4,z1) + h(4,z2)", 2,
      [](const double* z) { return h4(z[0]) + h4(z[1]); },
      [](const double* z, double* g) {
        g[0] = dh4(z[0]);
        g[1] = dh4(z[1]);
      });
  add(
      "he2sum2", "h_2(z1) + h_2(z2): two directions of exponent 2", "h(2,z1) + h(2,z2)", 2,
      [](const double* z) { return h2(z[0]) + h2(z[1]); },
      [](const double* z, double* g) {
        g[0] = dh2(z[0]);
        g[1] = dh2(z[1]);
      });
  add(
      "tanh", "tanh(z1): smooth odd single index, exponent 1", "tanh(z1)", 1,
      [](const double* z) { return std::tanh(z[0]); },
      [](const double* z, double* g) {
        const double t = std::tanh(z[0]);
        g[0] = 1.0 - t * t;
      });
  add(
      "relu", "relu(z1) = max(z1, 0): kink at 0, exponent 1", "relu(z1)", 1,
      [](const double* z) { return z[0] > 0.0 ? z[0] : 0.0; },
      [](const double* z, double* g) { g[0] = z[0] > 0.0 ? 1.0 : 0.0; });
  add(
      "sign2", "sign(z1 z2): two-sparse parity with jumps, one leap of 2", "sign(z1*z2)", 2,
      [](const double* z) { return sign(z[0] * z[1]); }, [](const double*, double* g) { g[0] = g[1] = 0.0; });
  add(
      "sign3", "sign(z1 z2 z3): three-sparse parity with jumps, one leap of 3", "sign(z1*z2*z3)", 3,
      [](const double* z) { return sign(z[0] * z[1] * z[2]); },
      [](const double*, double* g) { g[0] = g[1] = g[2] = 0.0; });
  add(
      "z1he3", "z1 + h_3(z2): leaps 1 then 3", "z1 + h(3,z2)", 2, [](const double* z) { return z[0] + h3(z[1]); },
      [](const double* z, double* g) {
        g[0] = 1.0;
        g[1] = dh3(z[1]);
      });
  add(
      "degenerate", "h_2((z1 + z2)/√2): depends on one direction, the other is never learned", "h(2,(z1+z2)/sqrt(2))",
      2, [](const double* z) { return h2((z[0] + z[1]) / std::sqrt(2.0)); },
      [](const double* z, double* g) {
        const double u = (z[0] + z[1]) / std::sqrt(2.0);  // ∂h_2(u)/∂z_i = √2 u / √2
        g[0] = g[1] = u;
      });
  auto add_family = [&](const char* name, const char* description, const char* expression, int natural_r,
                        double (*term)(double), double (*dterm)(double)) {
    Preset p;
    p.info = {name, description, expression, natural_r, true};
    p.family_value = [term](int r) {
      return [term, r](const double* z) {
        double s = 0.0;
        for (int i = 0; i < r; ++i) s += term(z[i]);
        return s;
      };
    };
    p.family_gradient = [dterm](int r) {
      return [dterm, r](const double* z, double* g) {
        for (int i = 0; i < r; ++i) g[i] = dterm(z[i]);
      };
    };
    list.push_back(std::move(p));
  };
  add_family("he3sum", "sum of h_3(z_i) over i <= r: r directions of exponent 3 (default r = 2)",
             "h(3,z1) + ... + h(3,zr)", 2, h3, dh3);
  add_family(
      "trap", "sum of (h_2 + h_3)(z_i) over i <= r: the planted trap of docs/theory.md §4 (default r = 1)",
      "h(2,z1) + h(3,z1) + ... + h(2,zr) + h(3,zr)", 1, [](double x) { return h2(x) + h3(x); },
      [](double x) { return dh2(x) + dh3(x); });
  return list;
}

const std::vector<Preset>& preset_table() {
  static const std::vector<Preset> table = make_presets();
  return table;
}

const Preset* find_preset(const std::string& name) {
  for (const Preset& p : preset_table())
    if (p.info.name == name) return &p;
  return nullptr;
}

std::string preset_names() {
  std::string names;
  for (const Preset& p : preset_table()) names += (names.empty() ? "" : ", ") + p.info.name;
  return names;
}

std::string direction_range(int from, int to) {
  return from == to ? "z" + std::to_string(from) : "z" + std::to_string(from) + "..z" + std::to_string(to);
}

void check_rank(int r) {
  if (r < 0 || r > kMaxLinkRank)
    throw InputError("r", "r = " + std::to_string(r) + " is out of range; choose 1 <= r <= " +
                              std::to_string(kMaxLinkRank) + " (or 0 for the link's own r)");
}

}  // namespace

// [SECTION] Link

struct LinkFactory {
  static Link make(std::shared_ptr<const Link::Impl> impl) { return Link(std::move(impl)); }
};

Link::Link()
    : Link(
          1, "0", [](const double*) { return 0.0; }, [](const double*, double* g) { g[0] = 0.0; }) {}

Link::Link(int r, std::string spec, Value value, Gradient gradient) {
  if (r < 1 || r > kMaxLinkRank)
    throw std::invalid_argument("Link: r = " + std::to_string(r) + " outside 1.." + std::to_string(kMaxLinkRank));
  if (!value || !gradient) throw std::invalid_argument("Link: value and gradient must be callable");
  impl_ = std::make_shared<NativeImpl>(r, std::move(spec), std::move(value), std::move(gradient));
}

Link::Link(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

int Link::r() const {
  return impl_->r;
}
double Link::operator()(const double* z) const {
  return impl_->value(z);
}
void Link::evaluate(const double* Z, std::size_t n, double* out) const {
  impl_->evaluate(Z, n, out);
}
void Link::gradient(const double* z, double* g) const {
  impl_->gradient(z, g);
}
bool Link::exact_gradient() const {
  return impl_->exact_gradient();
}
const std::string& Link::spec() const {
  return impl_->spec;
}

// [SECTION] Presets and resolution

const std::vector<PresetInfo>& presets() {
  static const std::vector<PresetInfo> infos = [] {
    std::vector<PresetInfo> v;
    for (const Preset& p : preset_table()) v.push_back(p.info);
    return v;
  }();
  return infos;
}

std::string preset_expression(const std::string& name, int r) {
  const Preset* p = find_preset(name);
  if (!p) throw InputError("link", "unknown preset '" + name + "'; presets are " + preset_names());
  if (!p->info.family) return p->info.expression;
  std::string text;
  for (int i = 1; i <= r; ++i) {
    const std::string z = "z" + std::to_string(i);
    if (i > 1) text += " + ";
    text += name == std::string("trap") ? "h(2," + z + ") + h(3," + z + ")" : "h(3," + z + ")";
  }
  return text;
}

namespace {

ResolvedLink resolve_preset(const std::string& spec, const std::string& name, int r) {
  const Preset* p = find_preset(name);
  if (!p) throw InputError("link", "unknown preset '" + name + "'; presets are " + preset_names());
  const int natural = p->info.natural_r;
  if (r == 0) r = natural;
  ResolvedLink resolved;
  if (p->info.family) {
    resolved.link = Link(r, spec, p->family_value(r), p->family_gradient(r));
    return resolved;
  }
  if (r < natural)
    throw InputError("r", spec + " depends on " + direction_range(1, natural) +
                              ": it needs r >= " + std::to_string(natural) + ", got r = " + std::to_string(r));
  Link::Gradient gradient = p->gradient;
  if (r > natural) {
    gradient = [natural, r, inner = p->gradient](const double* z, double* g) {
      inner(z, g);
      for (int i = natural; i < r; ++i) g[i] = 0.0;
    };
    resolved.warnings.push_back(spec + " depends on " + direction_range(1, natural) +
                                " only; with r = " + std::to_string(r) + " the directions " +
                                direction_range(natural + 1, r) + " are not in the target and are never learned");
  }
  resolved.link = Link(r, spec, p->value, gradient);
  return resolved;
}

// 0-based position of the first ',' outside every function's parentheses, or npos.
std::size_t top_level_comma(const std::string& text) {
  int depth = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '(') ++depth;
    if (text[i] == ')') --depth;
    if (text[i] == ',' && depth <= 0) return i;
  }
  return std::string::npos;
}

ResolvedLink resolve_expression(const std::string& text, int r) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos)
    throw InputError("link", "empty link expression; type an expression in z1..zr (e.g. z1*z2) or preset:NAME");
  if (text.size() >= static_cast<std::size_t>(mu::MaxLenExpression))
    throw expression_error(text,
                           std::to_string(text.size()) + " characters are too many; muparser reads at most " +
                               std::to_string(mu::MaxLenExpression - 1),
                           -1, "shorten the expression");
  // muparser's names are ASCII: it would cut "préset" at the é and call the rest an unknown name 'pr'.
  for (std::size_t i = 0; i < text.size(); ++i)
    if (static_cast<unsigned char>(text[i]) >= 0x80)
      throw expression_error(text, "a non-ASCII character", static_cast<long>(i),
                             "write names and operators in ASCII (z1..zr, exp, tanh, h(k,x), *, ^)");
  // muparser's '=' assigns to a variable: z1=3 would overwrite the input instead of comparing.
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '=') continue;
    const bool compares = (i + 1 < text.size() && text[i + 1] == '=') ||
                          (i > 0 && std::string("<>!=").find(text[i - 1]) != std::string::npos);
    if (!compares)
      throw expression_error(text, "'=' would assign to a variable", static_cast<long>(i),
                             "compare with ==, !=, <= or >=");
  }
  int largest = 0;
  for (const Name& name : scan_names(text)) {
    const long at = static_cast<long>(name.position);
    if (name.called) {
      if (!known_functions().count(name.text) && !variable_index(name.text) && name.text != "pi" && name.text != "e" &&
          name.text != "_pi" && name.text != "_e")
        throw expression_error(text, "unknown function '" + name.text + "'", at, kFunctionHint);
      continue;
    }
    if (const int k = variable_index(name.text)) {
      largest = std::max(largest, k);
      if (r > 0 && k > r)
        throw InputError("r", expression_error(text, name.text + " exceeds r = " + std::to_string(r), at,
                                               "use r >= " + std::to_string(k) + " or remove " + name.text)
                                  .what());
      continue;
    }
    if (name.text == "pi" || name.text == "e" || name.text == "_pi" || name.text == "_e" ||
        known_functions().count(name.text))
      continue;
    throw expression_error(text, "unknown name '" + name.text + "'", at,
                           "variables are z1, z2, ..., zr; constants pi and e");
  }
  if (largest > kMaxLinkRank)
    throw InputError("link", "expression uses z" + std::to_string(largest) + "; at most " +
                                 std::to_string(kMaxLinkRank) + " variables are supported");
  ResolvedLink resolved;
  if (r == 0) r = std::max(largest, 1);
  if (r > largest && largest > 0)
    resolved.warnings.push_back("the expression does not use " + direction_range(largest + 1, r) +
                                ": those directions are not in the target and are never learned");
  auto impl = std::make_shared<ExpressionImpl>(r, text);
  // Parse now (syntax errors with their position) and evaluate once (bad arguments such as h(1.5, z1)).
  const std::vector<double> probe(static_cast<std::size_t>(r), 0.5);
  try {
    mu::Parser parser;
    configure_parser(parser, text);
    std::vector<double> z(probe);
    for (int k = 0; k < r; ++k) parser.DefineVar("z" + std::to_string(k + 1), &z[static_cast<std::size_t>(k)]);
    parser.SetExpr(text);
    parser.Eval();
    // "z1, z2" evaluates to several results, of which a link would silently keep the last.
    if (parser.GetNumResults() > 1) {
      const std::size_t comma = top_level_comma(text);
      throw expression_error(text, "a link has one value, but this gives " + std::to_string(parser.GetNumResults()),
                             comma == std::string::npos ? -1 : static_cast<long>(comma),
                             "commas only separate the arguments of a function such as max(z1, z2)");
    }
  } catch (const mu::Parser::exception_type& e) {
    // muparser may place end-of-input errors past the end of the text; report them at its end.
    const long position =
        e.GetPos() >= 0 ? std::min(static_cast<long>(e.GetPos()), static_cast<long>(text.size())) : -1;
    throw expression_error(text, muparser_message(e), position,
                           "write an expression in z1..zr such as z1*z2 + h(3,z1), or preset:NAME");
  }
  resolved.link = LinkFactory::make(std::move(impl));
  return resolved;
}

}  // namespace

ResolvedLink resolve_link(const std::string& spec, int r) {
  check_rank(r);
  const std::string prefix = "preset:";
  if (spec.compare(0, prefix.size(), prefix) == 0) return resolve_preset(spec, spec.substr(prefix.size()), r);
  return resolve_expression(spec, r);
}

}  // namespace grassflow
