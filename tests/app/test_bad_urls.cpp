// The URL side of docs/errors.md as one table: every bad key or value of the explorer's hash gives exactly
// one problem sentence naming the key and the value, keeps that key's default, and leaves the other keys of
// the same URL as given (a bad URL never blanks the page). The JS API's set() goes through the same parser.
// Then the states whose keys are all valid but which the core refuses: their message names the keys too.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "grassflow/errors.h"
#include "simulation.h"
#include "state.h"

using namespace grassflow::app;

namespace {

struct BadUrl {
  const char* pair;                // one key=value, as in the hash
  std::vector<std::string> words;  // each must appear in the one problem sentence
};

const std::vector<BadUrl>& table() {
  static const std::vector<BadUrl> rows = {
      {"d=abc", {"URL d: 'abc'", "from 1 to 1e15", "default"}},
      {"d=0", {"URL d: '0'", "from 1 to 1e15"}},
      {"d=2.5", {"URL d: '2.5'", "whole number"}},  // the CLI's --d refuses fractions too
      {"d=2e15", {"URL d: '2e15'"}},
      {"d=nan", {"URL d: 'nan'"}},
      {"d=inf", {"URL d: 'inf'"}},
      {"r=33", {"URL r: '33'", "from 0 to 32"}},
      {"r=-1", {"URL r: '-1'"}},
      {"r=1.5", {"URL r: '1.5'", "integer"}},
      {"degree=100", {"URL degree: '100'", "from 0 to 99"}},
      {"degree=-1", {"URL degree: '-1'"}},
      {"eps=0", {"URL eps: '0'", "(0, 1]"}},
      {"eps=2", {"URL eps: '2'"}},
      {"t-max=0", {"URL t-max: '0'", "positive"}},
      {"t-max=-1e300", {"URL t-max: '-1e300'"}},
      {"seed=-1", {"URL seed: '-1'", "whole number"}},
      {"seed=0.5", {"URL seed: '0.5'"}},
      {"seed=1e300", {"URL seed: '1e300'"}},
#ifdef __EMSCRIPTEN__
      // 2^53 + 1 reads as the double 2^53: only exact digits tell it apart (the browser's limit).
      {"seed=9007199254740993", {"URL seed: '9007199254740993'", "2^53 - 1", "JavaScript numbers"}},
      {"seed=9007199254740992", {"URL seed: '9007199254740992'", "9007199254740991"}},
#endif
      {"seed=18446744073709551616", {"URL seed: '18446744073709551616'"}},
      {"seed=1e3", {"URL seed: '1e3'", "whole number"}},
      {"seed=0x10", {"URL seed: '0x10'"}},
      {"seed=+5", {"URL seed: '+5'"}},
      {"seed=", {"URL seed: ''"}},
      {"objective=banana", {"URL objective: unknown objective 'banana'", "joint or planted"}},
      {"init=M1", {"URL init: unknown start 'M1'", "random, equator or isotropic"}},
      {"axis=cubic", {"URL axis: 'cubic'", "log or linear"}},
      {"embed=2", {"URL embed: '2'", "1 or 0"}},
      {"speed=-3", {"URL speed: '-3'"}},
      {"dt=abc", {"URL dt: 'abc'"}},
      {"link=", {"URL link:", "preset:NAME"}},
      {"M0=", {"URL M0:", "rows separated by ';'"}},
      {"panels=nope", {"URL panels: unknown panel 'nope'", "cosines"}},
      {"bogus=1", {"URL: unknown key 'bogus'"}},
      {"d=5%zz0", {"URL: ", "malformed %-escape"}},
      // A key given twice: the last value is the one used, here a bad one.
      {"d=5&d=abc", {"URL: d given 2 times", "using the last value (d=abc)"}},
  };
  return rows;
}

}  // namespace

TEST_CASE("bad URL values: one problem naming the key, the default kept, the rest of the URL applied") {
  REQUIRE(table().size() >= 25);
  const AppState defaults;
  for (const BadUrl& row : table()) {
    INFO(row.pair);
    // The bad pair between two good ones (keys no row uses, so none is given twice): both must still apply.
    const ParsedState p = parse_state("", std::string("#compare=1&") + row.pair + "&paused=1");
    CHECK(p.state.compare);
    CHECK(p.state.paused);
    REQUIRE(p.problems.size() >= 1);
    const std::string& problem = p.problems[0];
    INFO(problem);
    CHECK(problem.rfind("URL", 0) == 0);
    CHECK(problem.find('\n') == std::string::npos);
    for (const std::string& word : row.words) CHECK_MESSAGE(problem.find(word) != std::string::npos, word);
    // Every experiment key keeps its default.
    CHECK(p.state.objective == defaults.objective);
    CHECK(p.state.seed == defaults.seed);
    CHECK(p.state.d == defaults.d);
    CHECK(p.state.r == defaults.r);
    CHECK(p.state.degree == defaults.degree);
    CHECK(p.state.eps == defaults.eps);
    CHECK(p.state.t_max == defaults.t_max);
    CHECK(p.state.link == defaults.link);
    CHECK(p.state.init == defaults.init);
    CHECK(p.state.M0 == defaults.M0);
    // What is shown as the page's URL then reads back to the same state, without problems.
    const ParsedState again = parse_state("", to_hash(p.state));
    CHECK(again.problems.empty());
    CHECK(to_hash(again.state) == to_hash(p.state));
  }
}

namespace {

// The message of the InputError that building the experiment of `hash` raises, as the explorer shows it (""
// if it builds).
std::string refusal(const std::string& hash) {
  const ParsedState p = parse_state("", hash);
  REQUIRE(p.problems.empty());  // every key is valid on its own
  try {
    const Simulation e(p.state);
  } catch (const std::exception& error) {  // InputError or LimitError
    return grassflow::user_message(error, grassflow::Surface::url);
  }
  return "";
}

}  // namespace

TEST_CASE("valid keys the core refuses together: the message names the key to change and gives the fix") {
  // r below a preset's natural r: the core's reason, naming r, then the values that work.
  const std::string preset = refusal("#link=preset:parity3&r=2");
  CHECK(preset == "URL r: preset:parity3 depends on z1..z3: it needs r >= 3, got r = 2");
  // The same for an expression in more variables than r.
  const std::string expression = refusal("#link=" + percent_encode("z1*z3") + "&r=2");
  CHECK(expression.rfind("URL r: expression \"z1*z3\": z3 exceeds r = 2", 0) == 0);
  CHECK(expression.find("use r >= 3") != std::string::npos);
  // An expression that is wrong whatever r is names the link.
  const std::string syntax = refusal("#link=" + percent_encode("z1+("));
  CHECK(syntax.rfind("URL link: expression", 0) == 0);
  CHECK(syntax.find("position") != std::string::npos);
  // d below the link's r.
  CHECK(refusal("#link=preset:parity3&d=2") == "URL r: r = 3 exceeds d = 2; choose r <= d");
  // A scale with a start that takes none; an explicit degree the quadrature cannot afford; all energy above K.
  CHECK(refusal("#eps=0.1").rfind("URL eps: only the equator start takes a scale", 0) == 0);
  CHECK(refusal("#link=" + percent_encode("z1*z2") + "&r=8&degree=8").rfind("URL degree/r: ", 0) == 0);
  CHECK(refusal("#link=" + percent_encode("z1*z2*z3*z4*z5*z6*z7*z8*z9")).rfind("URL degree: degrees 1..2", 0) == 0);
  // A larger r than the preset's is accepted (with a warning in the link panel).
  CHECK(refusal("#link=preset:parity3&r=4").empty());
}
