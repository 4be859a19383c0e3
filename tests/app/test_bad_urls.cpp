// The URL side of docs/errors.md as one table: every bad key or value of the explorer's hash gives exactly
// one problem sentence naming the key and the value, keeps that key's default, and leaves the other keys of
// the same URL as given (a bad URL never blanks the page). The JS API's set() goes through the same parser.
#include <doctest/doctest.h>

#include <string>
#include <vector>

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
      {"seed=9007199254740992", {"seed=9007199254740992", "below 2^53"}},  // 2^53 itself: one past the range
      {"seed=9007199254740993", {"seed=9007199254740993", "below 2^53"}},  // read as 2^53 by a double
      {"seed=1e3", {"seed=1e3", "integer"}},
      {"seed=+5", {"seed=+5"}},
  };
  return rows;
}

}  // namespace

TEST_CASE("bad URL values: one problem naming the key, the default kept, the rest of the URL applied") {
  REQUIRE(table().size() >= 25);
  const AppState defaults;
  for (const BadUrl& row : table()) {
    INFO(row.pair);
    // The bad pair between two good ones: both good keys must still apply.
    const ParsedState p = parse_state("", std::string("#objective=planted&") + row.pair + "&seed=9");
    CHECK(p.state.objective == "planted");  // a bad objective=... after it leaves it as it was
    CHECK(p.state.seed == 9);
    REQUIRE(p.problems.size() >= 1);
    const std::string& problem = p.problems[0];
    INFO(problem);
    CHECK(problem.rfind("URL: ", 0) == 0);
    CHECK(problem.find('\n') == std::string::npos);
    for (const std::string& word : row.words) CHECK_MESSAGE(problem.find(word) != std::string::npos, word);
    // Every experiment key keeps its default (objective and seed were given good values above).
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
