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
      {"d=abc", {"d=abc", "2..1e12", "default"}},
      {"d=1", {"d=1", "2..1e12"}},
      {"d=2.5", {"d=2.5", "whole number"}},  // the CLI's --d refuses fractions too
      {"d=1e13", {"d=1e13"}},
      {"d=nan", {"d=nan"}},
      {"d=inf", {"d=inf"}},
      {"r=9", {"r=9", "1..8"}},
      {"r=-1", {"r=-1"}},
      {"r=1.5", {"r=1.5", "integer"}},
      {"degree=0", {"degree=0", "1..16"}},
      {"degree=17", {"degree=17"}},
      {"eps=0", {"eps=0", "(0, 1]"}},
      {"eps=2", {"eps=2"}},
      {"t-max=0", {"t-max=0", "positive"}},
      {"t-max=-1e300", {"t-max=-1e300"}},
      {"seed=-1", {"seed=-1", "non-negative integer"}},
      {"seed=0.5", {"seed=0.5"}},
      {"seed=1e300", {"seed=1e300"}},
      // 2^53 + 1 reads as the double 2^53: only exact digits tell it apart.
      {"seed=9007199254740993", {"seed=9007199254740993", "below 2^53"}},
      {"seed=9007199254740992", {"seed=9007199254740992", "9007199254740991"}},
      {"seed=18446744073709551616", {"seed=18446744073709551616"}},
      {"seed=1e3", {"seed=1e3", "non-negative integer"}},
      {"seed=0x10", {"seed=0x10"}},
      {"seed=+5", {"seed=+5"}},
      {"seed=", {"seed="}},
      {"objective=banana", {"objective=banana", "joint or planted"}},
      {"init=M1", {"init=M1", "random, equator or isotropic"}},
      {"axis=cubic", {"axis=cubic", "log or linear"}},
      {"embed=2", {"embed=2", "1 or 0"}},
      {"speed=-3", {"speed=-3"}},
      {"dt=abc", {"dt=abc"}},
      {"link=", {"link=", "preset:NAME"}},
      {"M0=", {"M0=", "rows separated by ';'"}},
      {"panels=nope", {"unknown panel 'nope'", "cosines"}},
      {"bogus=1", {"unknown key 'bogus'"}},
      {"d=5%zz0", {"malformed %-escape"}},
      // A key given twice: the last value is the one used, here a bad one.
      {"d=5&d=abc", {"d given 2 times", "using the last value (d=abc)"}},
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
    CHECK(problem.rfind("URL: ", 0) == 0);
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

// The message of the InputError that building the experiment of `hash` raises ("" if it builds).
std::string refusal(const std::string& hash) {
  const ParsedState p = parse_state("", hash);
  REQUIRE(p.problems.empty());  // every key is valid on its own
  try {
    const Experiment e(p.state);
  } catch (const grassflow::InputError& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("valid keys the core refuses together: the message starts with the keys to change and gives the fix") {
  // r below a preset's natural r: the core's reason, led by the two keys, then the values that work.
  const std::string preset = refusal("#link=preset:parity3&r=2");
  INFO(preset);
  CHECK(preset ==
        "link/r: preset:parity3 depends on z1..z3: it needs r >= 3, got r = 2; set r=3 or more, or r=0 for the link's "
        "own r");
  // The same for an expression in more variables than r.
  const std::string expression = refusal("#link=" + percent_encode("z1*z3") + "&r=2");
  INFO(expression);
  CHECK(expression.rfind("link/r: ", 0) == 0);
  CHECK(expression.find("set r=3 or more") != std::string::npos);
  // An expression that is wrong whatever r is names only the link.
  const std::string syntax = refusal("#link=" + percent_encode("z1+("));
  INFO(syntax);
  CHECK(syntax.rfind("link: expression", 0) == 0);
  CHECK(syntax.find("position") != std::string::npos);
  // d below the link's r.
  const std::string small_d = refusal("#link=preset:parity3&d=2");
  INFO(small_d);
  CHECK(small_d.rfind("d: d = 2 is smaller than r = 3", 0) == 0);
  // A larger r than the preset's is accepted (with a warning in the link panel).
  CHECK(refusal("#link=preset:parity3&r=4").empty());
}
