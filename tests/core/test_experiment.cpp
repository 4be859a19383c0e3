// The experiment description (experiment.h): the key table reads back what it prints, refuses bad values with
// an error carrying the key, agrees with docs/experiment.md, and the shared link analysis and start refuse
// what no front end can run, naming the key to change.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "grassflow/errors.h"
#include "grassflow/experiment.h"

using namespace grassflow;

namespace {

// The key an InputError or LimitError of `call` carries ("" if it throws neither; "<none>" if nothing).
template <typename F>
std::string key_of(F call) {
  try {
    call();
  } catch (const InputError& e) {
    return e.key();
  } catch (const LimitError& e) {
    return e.key();
  } catch (...) {
    return "";
  }
  return "<none>";
}

Experiment with(const std::string& key, const std::string& value) {
  Experiment e;
  set_experiment_key(e, key, value);
  return e;
}

}  // namespace

TEST_CASE("every key reads back the text it prints, for the defaults and for set values") {
  const Experiment defaults;
  for (const ExperimentKey& key : experiment_keys()) {
    CAPTURE(key.name);
    CHECK(std::string(key.help).size() > 10);
    CHECK(std::string(key.doc).size() > 10);
    CHECK_FALSE(differs_from_default(key, defaults));
  }
  const std::vector<std::pair<std::string, std::string>> values = {{"link", "z1*z2 + h(3,z1)"},
                                                                   {"r", "3"},
                                                                   {"objective", "planted"},
                                                                   {"d", "1e+12"},
                                                                   {"init", "equator"},
                                                                   {"seed", "18446744073709551615"},
                                                                   {"eps", "0.001"},
                                                                   {"M0", "0.1,0;0,0.01"},
                                                                   {"t-max", "50"},
                                                                   {"degree", "4"},
                                                                   {"n", "20000"},
                                                                   {"noise", "0.5"}};
  for (const auto& value : values) {
    const std::string &name = value.first, &text = value.second;  // named: CAPTURE cannot capture bindings
    CAPTURE(name);
#ifdef __EMSCRIPTEN__
    if (name == "seed") continue;  // beyond the browser's 2^53 (checked below)
#endif
    const Experiment e = with(name, text);
    const ExperimentKey& key = *find_experiment_key(name);
    CHECK(key.format(e) == text);
    CHECK(differs_from_default(key, e));
    CHECK(key.format(with(name, key.format(e))) == text);
  }
  CHECK(with("d", "1e6").d == 1e6);
  CHECK(with("objective", "planted").objective == ObjectiveKind::planted);
  CHECK(with("M0", "0.1,0;0,0.1").init == Start::random);  // M0 replaces init; init prints nothing then
  CHECK(find_experiment_key("init")->format(with("M0", "0.1,0;0,0.1")).empty());
  CHECK(with("M0", "0.1").M0 == "0.1");
  Experiment back = with("M0", "0.1");
  set_experiment_key(back, "init", "isotropic");
  CHECK(back.M0.empty());
}

TEST_CASE("bad values raise InputError carrying the key, and leave the experiment unchanged") {
  const std::vector<std::pair<std::string, std::string>> bad = {{"link", ""},
                                                                {"r", "33"},
                                                                {"r", "-1"},
                                                                {"r", "1.5"},
                                                                {"objective", "ridge"},
                                                                {"d", "0"},
                                                                {"d", "1.5"},
                                                                {"d", "2e15"},
                                                                {"d", "abc"},
                                                                {"d", "100,1000"},
                                                                {"d", ""},
                                                                {"d", " 5"},
                                                                {"init", "haar"},
                                                                {"seed", "-1"},
                                                                {"seed", "1e3"},
                                                                {"seed", "18446744073709551616"},
                                                                {"eps", "0"},
                                                                {"eps", "1.5"},
                                                                {"eps", "nan"},
                                                                {"M0", "1,2;3"},
                                                                {"M0", ""},
                                                                {"t-max", "0"},
                                                                {"t-max", "inf"},
                                                                {"degree", "100"},
                                                                {"degree", "-1"},
                                                                {"n", "-1"},
                                                                {"n", "0.5"},
                                                                {"noise", "-0.1"}};
  for (const auto& value : bad) {
    const std::string &name = value.first, &text = value.second;
    CAPTURE(name);
    CAPTURE(text);
    Experiment e;
    CHECK(key_of([&] { set_experiment_key(e, name, text); }) == name);
    CHECK(same_flow(e, Experiment{}));
  }
  CHECK(key_of([] { with("nokey", "1"); }) == "");
  CHECK(key_of([] { with("nokey", "1"); }) != "<none>");
#ifdef __EMSCRIPTEN__
  CHECK(key_of([] { with("seed", "9007199254740992"); }) == "seed");  // 2^53: JavaScript numbers
  CHECK(with("seed", "9007199254740991").seed == 9007199254740991u);
#else
  CHECK(with("seed", "9007199254740993").seed == 9007199254740993u);  // the native app takes what the CLI takes
#endif
}

TEST_CASE("errors spell their key as each surface does") {
  const InputError e("t-max", "'0' is not a positive number");
  CHECK(user_message(e, Surface::cli) == "--t-max: '0' is not a positive number");
  CHECK(user_message(e, Surface::url) == "URL t-max: '0' is not a positive number");
  CHECK(user_message(e, Surface::python) == "t_max=: '0' is not a positive number");
  CHECK(spell_key("lr/ratio", Surface::cli) == "--lr/--ratio");
  CHECK(user_message(InputError("no key"), Surface::cli) == "no key");
}

TEST_CASE("the automatic degree is 8, lowered to what the quadrature affords in r") {
  const Experiment e;
  CHECK(e.resolved_degree(1) == 8);
  CHECK(e.resolved_degree(5) == 8);
  CHECK(e.resolved_degree(6) == max_hermite_degree(6));
  CHECK(e.resolved_degree(8) == max_hermite_degree(8));
  CHECK(e.resolved_degree(30) == 0);
  CHECK(with("degree", "3").resolved_degree(8) == 3);
}

TEST_CASE("the link analysis refuses what no front end can run, naming the key to change") {
  // The product of nine variables has all its energy at degree 9, far above the K = 1 that r = 9 affords:
  // before, the explorer reported it converged at t = 0 with loss 1e-234.
  CHECK(key_of([] { analyse_link("z1*z2*z3*z4*z5*z6*z7*z8*z9", 0, std::nullopt); }) == "degree");
  try {  // K is already the most r = 9 affords: the advice is to lower r, not to raise K
    analyse_link("z1*z2*z3*z4*z5*z6*z7*z8*z9", 0, std::nullopt);
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("K = 2 is the most the quadrature affords in r = 9") != std::string::npos);
  }
  CHECK(max_hermite_degree(23) >= 0);
  CHECK(max_hermite_degree(24) < 0);
  CHECK(key_of([] { analyse_link("preset:staircase2", 24, std::nullopt); }) == "r");  // no degree at all
  CHECK(key_of([] { analyse_link("h(3,z1)", 0, 2); }) == "degree");
  CHECK(analyse_link("h(3,z1)", 0, 2, LinkUse::loss).warnings.back().find("raise") != std::string::npos);
  CHECK(key_of([] { analyse_link("preset:parity3", 2, std::nullopt); }) == "r");
  CHECK(key_of([] { analyse_link("z1*", 0, std::nullopt); }) == "link");
  CHECK(key_of([] { analyse_link("preset:nope", 0, std::nullopt); }) == "link");
  CHECK(key_of([] { analyse_link("exp(z1^2/4)", 0, std::nullopt); }) == "link");
  CHECK(key_of([] { analyse_link("z1*z2", 8, 8); }) == "degree/r");  // an explicit K beyond r = 8's 2
  const LinkAnalysis seven = analyse_link("z1*z2 + z3*z4 + z5*z6 + z7", 7, std::nullopt);
  CHECK(seven.expansion.degree == max_hermite_degree(7));
  CHECK(seven.warnings.back().find("degree K lowered from 8") != std::string::npos);
  const LinkAnalysis stair = analyse_link("preset:staircase2", 0, std::nullopt);
  CHECK(stair.r() == 2);
  CHECK(stair.expansion.degree == 8);
  CHECK(stair.leaps.leaps == std::vector<int>{1, 1});
  CHECK(stair.information_exponent == 1);
}

TEST_CASE("the start: explicit M0, seeded Haar, equator and isotropic, refusals naming the key") {
  Experiment e;
  e.d = 100;
  const Eigen::MatrixXd haar = start_overlap(e, 2);
  CHECK(haar.isApprox(initial_overlap(Start::random, 2, 100, 0)));
  e.init = Start::isotropic;
  CHECK(start_overlap(e, 2).isApprox(Eigen::MatrixXd::Identity(2, 2) / 10.0));
  e = with("M0", "0.5,0;0,0.25");
  CHECK(start_overlap(e, 2)(1, 1) == 0.25);
  CHECK(key_of([&] { start_overlap(e, 3); }) == "M0");  // a 2×2 M0 for r = 3
  e = with("M0", "2,0;0,0.1");
  CHECK(key_of([&] { start_overlap(e, 2); }) == "M0");  // singular value 2 > 1
  e = with("eps", "0.1");
  CHECK(key_of([&] { start_overlap(e, 2); }) == "eps");  // eps with the random start
  e.init = Start::equator;
  CHECK(start_overlap(e, 2).norm() == doctest::Approx(0.1 * std::sqrt(2.0)));
  e.d = 3;
  CHECK(key_of([&] { start_overlap(e, 2); }) == "d");  // an equator start needs d >= 2r
  e.d = 1;
  CHECK(key_of([&] { start_overlap(e, 2); }) == "r");  // r > d
}

TEST_CASE("the flow command line and the dimension list") {
  Experiment e;
  CHECK(flow_command_line(e) ==
        "grassflow flow --link 'preset:staircase2' --objective joint --d 1000 --init random --seed 0");
  e = with("M0", "0.1,0;0,0.01");
  e.t_max = 50;
  e.degree = 4;
  e.link = "it's";
  CHECK(flow_command_line(e) ==
        "grassflow flow --link 'it'\\''s' --objective joint --d 1000 --M0 '0.1,0;0,0.01' --t-max 50 --degree 4");
  CHECK(parse_dimension_list("100, 1e4,1000000") == std::vector<double>{100, 1e4, 1e6});
  CHECK(key_of([] { parse_dimension_list("100,,1000"); }) == "d");
  CHECK(key_of([] { parse_dimension_list(""); }) == "d");
}

TEST_CASE("docs/experiment.md holds the key table as generated from experiment_keys()") {
  std::ifstream in(std::string(GRASSFLOW_TEST_DATA) + "/../../docs/experiment.md");
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str(), table = experiment_keys_markdown();
  const std::string begin = "<!-- keys: generated by `grassflow keys --markdown`; a test compares -->\n";
  const std::string end = "<!-- end of keys -->";
  const std::size_t at = doc.find(begin), stop = doc.find(end);
  REQUIRE(at != std::string::npos);
  REQUIRE(stop != std::string::npos);
  // On failure: ./scripts/grassflow keys --markdown, and paste it between the two markers.
  CHECK(doc.substr(at + begin.size(), stop - at - begin.size()) == table);
}
