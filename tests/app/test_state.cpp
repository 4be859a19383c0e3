// URL state of the explorer: decoding as decodeURIComponent, validation, defaults, round trip.
#include <doctest/doctest.h>

#include "layout.h"
#include "plot.h"
#include "state.h"

using namespace grassflow::app;
using grassflow::ObjectiveKind;
using grassflow::Start;

TEST_CASE("percent coding matches encodeURIComponent/decodeURIComponent") {
  CHECK(percent_encode("z1+z1*z2") == "z1%2Bz1*z2");
  CHECK(percent_encode("preset:staircase2") == "preset%3Astaircase2");
  CHECK(percent_encode("0.1,0;0,0.1") == "0.1%2C0%3B0%2C0.1");
  CHECK(percent_decode("z1%2Bz1*z2") == "z1+z1*z2");
  CHECK(percent_decode("z1+z2") == "z1+z2");  // '+' is not a space: no form decoding
  bool ok = true;
  CHECK(percent_decode("50%", &ok) == "50%");
  CHECK_FALSE(ok);
}

TEST_CASE("the issue's example URL parses to the CLI flags") {
  const ParsedState p = parse_state("", "#link=preset:staircase2&r=2&d=1000&objective=planted&init=equator&seed=3");
  CHECK(p.problems.empty());
  CHECK(p.state.link == "preset:staircase2");
  CHECK(p.state.r == 2);
  CHECK(p.state.d == 1000);
  CHECK(p.state.objective == ObjectiveKind::planted);
  CHECK(p.state.init == Start::equator);
  CHECK(p.state.seed == 3);
  CHECK(flow_command_line(p.state) ==
        "grassflow flow --link 'preset:staircase2' --r 2 --objective planted --d 1000 --init equator --seed 3");
}

TEST_CASE("bad values and unknown keys are reported and replaced by defaults") {
  const ParsedState p = parse_state("", "d=-5&objective=banana&r=2.5&bogus=1&panels=cosines,nope&dt=abc&seed=7");
  CHECK(p.state.d == AppState().d);
  CHECK(p.state.objective == ObjectiveKind::joint);
  CHECK(p.state.r == 0);
  CHECK(p.state.dt == 0);
  CHECK(p.state.seed == 7);
  CHECK(p.state.panels == std::vector<std::string>{"cosines"});
  REQUIRE(p.problems.size() == 6);
  CHECK(p.problems[0].rfind("URL d: '-5' is not a whole number", 0) == 0);
  CHECK(p.problems[1].find("joint or planted") != std::string::npos);
  CHECK(p.problems[3].find("'bogus'") != std::string::npos);
  CHECK(p.problems[4].find("'nope'") != std::string::npos);
}

TEST_CASE("an explicit M0 replaces init whatever the order, and says so") {
  for (const char* hash : {"M0=0.1,0;0,0.1&init=equator", "init=equator&M0=0.1,0;0,0.1"}) {
    CAPTURE(hash);
    const ParsedState p = parse_state("", hash);
    CHECK(p.state.M0 == "0.1,0;0,0.1");
    REQUIRE(p.problems.size() == 1);
    CHECK(p.problems[0] == "URL init: ignored: M0 gives the start; give init or M0, not both");
  }
  // Through set(): the current state is the query, the new keys the hash; a new init replaces the old M0.
  CHECK(parse_state("M0=0.1,0;0,0.1", "init=equator").state.M0.empty());
}

TEST_CASE("the hash wins over the query; embed may come from either") {
  const ParsedState p = parse_state("?embed=1&panels=cosines,landscape&d=50", "#d=200");
  CHECK(p.problems.empty());  // a key in both is not a key given twice
  CHECK(p.state.embed);
  CHECK(p.state.d == 200);
  CHECK(p.state.panels == std::vector<std::string>{"cosines", "landscape"});
}

TEST_CASE("a key given twice: reported once, the last value used, the rest applied") {
  const ParsedState p = parse_state("", "#d=1000&d=5&seed=3");
  CHECK(p.state.d == 5);
  CHECK(p.state.seed == 3);
  REQUIRE(p.problems.size() == 1);
  CHECK(p.problems[0] == "URL: d given 2 times; using the last value (d=5)");
  // An earlier bad value is not read (no second problem); a later bad one is, and gives the default.
  const ParsedState three = parse_state("", "d=1&objective=planted&d=300&d=400");
  CHECK(three.state.d == 400);
  CHECK(three.state.objective == ObjectiveKind::planted);
  REQUIRE(three.problems.size() == 1);
  CHECK(three.problems[0].find("d given 3 times; using the last value (d=400)") != std::string::npos);
  const ParsedState bad_last = parse_state("", "objective=planted&objective=banana");
  CHECK(bad_last.state.objective == ObjectiveKind::joint);
  REQUIRE(bad_last.problems.size() == 2);
  CHECK(bad_last.problems[0].find("objective=banana") != std::string::npos);
  CHECK(bad_last.problems[1] ==
        "URL objective: unknown objective 'banana'; choose joint or planted; using the default");
  // Within the query too.
  CHECK(parse_state("?embed=1&embed=0", "").problems.size() == 1);
}

TEST_CASE("seeds are read digit by digit: exactly, to 2^53 - 1 in the browser, to 2^64 - 1 natively (as the CLI)") {
  const ParsedState top = parse_state("", "seed=9007199254740991");  // 2^53 - 1, JavaScript's largest safe integer
  CHECK(top.problems.empty());
  CHECK(top.state.seed == 9007199254740991ull);
  CHECK(to_hash(top.state) == "seed=9007199254740991");
  CHECK(parse_state("", "seed=0").state.seed == 0);
  CHECK(parse_state("", "seed=007").state.seed == 7);
  // 2^53 + 1 is the double 2^53: the browser refuses it (seeds travel through JavaScript numbers), never rounds.
  const ParsedState over = parse_state("", "seed=9007199254740993");
#ifdef __EMSCRIPTEN__
  CHECK(over.state.seed == 0);
  REQUIRE(over.problems.size() == 1);
  CHECK(over.problems[0].rfind("URL seed: '9007199254740993' is not a whole number from 0 to 2^53 - 1", 0) == 0);
#else
  CHECK(over.problems.empty());
  CHECK(over.state.seed == 9007199254740993ull);
#endif
  CHECK(parse_state("", "seed=18446744073709551616").problems.size() == 1);
}

TEST_CASE("to_hash round-trips every field, expressions included") {
  AppState s;
  s.link = "z1+z1*z2 - 0.5*He(3,z2)";
  s.r = 2;
  s.d = 1e12;
  s.objective = ObjectiveKind::planted;
  s.M0 = "0.1,0;0,-0.2";
  s.seed = 12345678901ull;
  s.t_max = 1e300;
  s.degree = 6;
  s.n = 20000;
  s.noise = 0.25;
  s.speed = 0.125;
  s.dt = 0.01;
  s.panels = {"cosines", "matrix"};
  s.embed = true;
  s.compare = true;
  s.log_time = false;
  const std::string hash = to_hash(s);
  CHECK(hash.find("z1%2Bz1*z2") != std::string::npos);
  const ParsedState back = parse_state("", hash);
  CHECK(back.problems.empty());
  CHECK(to_hash(back.state) == hash);
  CHECK(back.state.link == s.link);
  CHECK(back.state.M0 == s.M0);
  CHECK(back.state.seed == s.seed);
  CHECK(back.state.d == s.d);
  CHECK(back.state.n == s.n);
  CHECK(back.state.noise == s.noise);
  CHECK(to_hash(AppState()) == "");
}

TEST_CASE("tiled layout covers the canvas without overlap") {
  const std::vector<std::string> ids = {"controls", "cosines", "loss", "landscape", "link"};
  const std::vector<Rect> rects = tile_panels(ids, 1280, 800, 30, 1.0f);
  float area = 0;
  for (const Rect& r : rects) area += r.w * r.h;
  CHECK(area == doctest::Approx(1280.0 * 770.0).epsilon(1e-4));
  for (std::size_t i = 0; i < rects.size(); ++i)
    for (std::size_t j = i + 1; j < rects.size(); ++j) {
      const Rect &a = rects[i], &b = rects[j];
      const bool overlap =
          a.x < b.x + b.w - 0.5f && b.x < a.x + a.w - 0.5f && a.y < b.y + b.h - 0.5f && b.y < a.y + a.h - 0.5f;
      CHECK_FALSE(overlap);
    }
}

TEST_CASE("regression (fuzzing): init=M0 without a matrix is refused, the canonical hash reads back") {
  const ParsedState p = parse_state("", "init=M0");
  CHECK(p.state.init == Start::random);
  REQUIRE(p.problems.size() == 1);
  CHECK(p.problems[0].find("choose random, equator or isotropic") != std::string::npos);
  CHECK(parse_state("", to_hash(p.state)).problems.empty());
}

TEST_CASE("the CLI line quotes expressions for a POSIX shell, quotes included") {
  AppState s;
  s.link = "z1+z1*z2";
  CHECK(flow_command_line(s).find("--link 'z1+z1*z2'") != std::string::npos);
  s.link = "it's";
  CHECK(flow_command_line(s).find("--link 'it'\\''s'") != std::string::npos);
}

TEST_CASE("segment_meets: a segment meets a rectangle when it crosses, touches or lies inside it") {
  const Rect r{10, 10, 20, 10};                      // x in [10, 30], y in [10, 20]
  CHECK(segment_meets({0, 15}, {40, 15}, r));        // across
  CHECK(segment_meets({15, 12}, {16, 13}, r));       // inside
  CHECK(segment_meets({0, 0}, {10, 10}, r));         // touches a corner
  CHECK(segment_meets({20, 0}, {20, 30}, r));        // vertical, across
  CHECK_FALSE(segment_meets({0, 0}, {9, 30}, r));    // left of it
  CHECK_FALSE(segment_meets({0, 0}, {40, 9}, r));    // above it, slanted
  CHECK_FALSE(segment_meets({31, 5}, {31, 25}, r));  // vertical, right of it
  CHECK_FALSE(segment_meets({0, 30}, {40, 21}, r));  // below it
}

TEST_CASE("legend entries flow into rows no wider than the space, without overlap") {
  // Compare mode at r = 4: eight entries of 90 px in 400 px with 10 px gaps: four per row, two rows.
  const std::vector<Rect> boxes = legend_layout(std::vector<float>(8, 90.0f), 16.0f, 10.0f, 400.0f);
  REQUIRE(boxes.size() == 8);
  CHECK(boxes[3].x == doctest::Approx(300.0));
  CHECK(boxes[3].y == 0);
  CHECK(boxes[4].x == 0);
  CHECK(boxes[4].y == doctest::Approx(16.0));
  for (const Rect& b : boxes) CHECK(b.x + b.w <= 400.0f);
  // An entry wider than the space gets a row of its own.
  const std::vector<Rect> wide = legend_layout({50.0f, 500.0f, 50.0f}, 16.0f, 10.0f, 400.0f);
  CHECK(wide[1].x == 0);
  CHECK(wide[1].y == doctest::Approx(16.0));
  CHECK(wide[2].y == doctest::Approx(32.0));
}

TEST_CASE("a bad value in the hash over a query that set the key keeps the query's value, and says so") {
  // The JS API's set({d: 'abc'}) reads the current state as the query and the new keys as the hash.
  const ParsedState p = parse_state("?d=300", "#d=abc");
  CHECK(p.state.d == 300);
  REQUIRE(p.problems.size() == 1);
  CHECK(p.problems[0].find("keeping its value from before") != std::string::npos);
  const ParsedState fresh = parse_state("", "#d=abc");
  CHECK(fresh.problems[0].find("using the default") != std::string::npos);
}

TEST_CASE("the lecture keys: pause-at, t-range and t-show round-trip; bad values name the key and the fix") {
  const ParsedState good = parse_state("", "pause-at=escape&t-range=0.01,1e4&t-show=250");
  CHECK(good.problems.empty());
  CHECK(good.state.pause_at_escape);
  CHECK(good.state.t_min == 0.01);
  CHECK(good.state.t_max_shown == 1e4);
  CHECK(good.state.t_show == 250);
  const std::string hash = to_hash(good.state);
  CHECK(hash == "pause-at=escape&t-range=0.01%2C10000&t-show=250");
  CHECK(to_hash(parse_state("", hash).state) == hash);
  CHECK(to_hash(parse_state("", "pause-at=none&t-show=0").state).empty());

  const ParsedState bad = parse_state("", "pause-at=stage&t-range=5,1&t-show=-3");
  REQUIRE(bad.problems.size() == 3);
  CHECK(bad.problems[0].find("URL pause-at: 'stage'") == 0);
  CHECK(bad.problems[1].find("URL t-range: '5,1'") == 0);
  CHECK(bad.problems[1].find("a < b") != std::string::npos);
  CHECK(bad.problems[2].find("URL t-show: '-3'") == 0);
  CHECK_FALSE(bad.state.pause_at_escape);
  CHECK(bad.state.t_max_shown == 0);
  CHECK(bad.state.t_show == 0);
  CHECK(parse_state("", "t-range=1").problems.size() == 1);
  CHECK(parse_state("", "t-range=a,b").problems.size() == 1);
}

TEST_CASE("theme and scale: read from the URL, written to the hash only when not the default") {
  const ParsedState p = parse_state("?theme=light", "scale=1.5");
  CHECK(p.problems.empty());
  CHECK(p.state.theme == Theme::light);
  CHECK(p.state.scale == 1.5);
  CHECK(to_hash(p.state) == "theme=light&scale=1.5");
  const ParsedState back = parse_state("", to_hash(p.state));
  CHECK(back.problems.empty());
  CHECK(back.state.theme == Theme::light);
  CHECK(back.state.scale == 1.5);
  // The defaults (dark, automatic scale) are not written; theme=dark reads back as the default.
  const ParsedState dark = parse_state("", "theme=dark&scale=4");
  CHECK(dark.problems.empty());
  CHECK(dark.state.theme == Theme::dark);
  CHECK(to_hash(dark.state) == "scale=4");
  CHECK(to_hash(parse_state("", "scale=0.5").state) == "scale=0.5");
}

TEST_CASE("bad theme and scale values: reported as the other view keys, the default kept") {
  for (const char* bad : {"scale=0.4", "scale=4.01", "scale=big", "scale=", "scale=nan", "scale=-1", "scale=1e9"}) {
    CAPTURE(bad);
    const ParsedState p = parse_state("", std::string(bad) + "&d=300");
    CHECK(p.state.scale == 0);
    CHECK(p.state.d == 300);  // the rest of the URL is applied
    REQUIRE(p.problems.size() == 1);
    CHECK(p.problems[0].rfind("URL scale: '", 0) == 0);
    CHECK(p.problems[0].find("(a number from 0.5 to 4); using the default") != std::string::npos);
  }
  const ParsedState p = parse_state("", "theme=solarized");
  CHECK(p.state.theme == Theme::dark);
  REQUIRE(p.problems.size() == 1);
  CHECK(p.problems[0] == "URL theme: 'solarized' is not valid (dark or light); using the default");
  // Over a query that set them (the scripting API's set()), a bad value keeps the value from before.
  const ParsedState kept = parse_state("theme=light&scale=2", "theme=sepia&scale=9");
  CHECK(kept.state.theme == Theme::light);
  CHECK(kept.state.scale == 2);
  REQUIRE(kept.problems.size() == 2);
  CHECK(kept.problems[1].find("keeping its value from before") != std::string::npos);
}
