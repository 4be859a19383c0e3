// The explorer's model and controller (app/explorer.h) without ImGui frames: the player and applying states.
#include <doctest/doctest.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "app.h"
#include "explorer.h"
#include "grassflow/errors.h"
#include "grassflow/flow.h"
#include "grassflow/hermite_analysis.h"
#include "grassflow/objective.h"
#include "state.h"

using namespace grassflow::app;

namespace {

double shown_time(const Explorer& explorer) {
  return explorer.experiment()->active().shown_time();
}

}  // namespace

TEST_CASE("the player: a step advances one frame and pauses; reset restarts the run, a view change does not") {
  Platform platform;
  std::vector<std::string> published;
  platform.publish_state = [&](const std::string& hash) { published.push_back(hash); };
  Explorer explorer(platform, parse_state("", "init=isotropic&dt=0.1"));
  REQUIRE(explorer.experiment() != nullptr);
  CHECK(explorer.playing());
  for (int i = 0; i < 5; ++i) explorer.advance(1.0);  // dt is fixed: the wall time does not count
  CHECK(shown_time(explorer) == doctest::Approx(0.5));

  explorer.step();
  CHECK_FALSE(explorer.playing());
  explorer.advance(1.0);
  explorer.advance(1.0);
  CHECK(shown_time(explorer) == doctest::Approx(0.6));

  const Simulation* before = explorer.experiment();
  explorer.apply(parse_state("", "init=isotropic&dt=0.1&axis=linear"));
  CHECK(explorer.experiment() == before);
  CHECK(shown_time(explorer) == doctest::Approx(0.6));
  CHECK_FALSE(explorer.playing());  // a view change leaves the player as it was

  explorer.toggle_playing();
  explorer.reset();
  CHECK(shown_time(explorer) == 0.0);
  CHECK(explorer.playing());                  // reset keeps playing or paused
  CHECK(explorer.state().log_time == false);  // the state is kept, only the run restarts
  explorer.advance(1.0);
  CHECK(shown_time(explorer) == doctest::Approx(0.1));
  explorer.pause();
  explorer.reset();
  CHECK(shown_time(explorer) == 0.0);
  CHECK_FALSE(explorer.playing());
  explorer.advance(1.0);
  CHECK(shown_time(explorer) == 0.0);
  CHECK(published.size() == 4);  // each state applied, the resets included
  CHECK(published.back() == to_hash(explorer.state()));
}

TEST_CASE("a state whose experiment cannot be built keeps the running one and says why") {
  Platform platform;
  Explorer explorer(platform, parse_state("", "init=isotropic&dt=0.1"));
  const std::uint64_t generation = explorer.generation();
  explorer.advance(1.0);
  explorer.apply(parse_state("", "link=z1%2B(&dt=0.1"));
  CHECK(explorer.generation() > generation);
  REQUIRE(explorer.problems().size() == 1);
  CHECK(explorer.state().link == "preset:staircase2");
  CHECK(shown_time(explorer) == doctest::Approx(0.1));
  const nlohmann::json snapshot = explorer.snapshot();
  CHECK(snapshot["problems"].size() == 1);
  CHECK(snapshot["t"].get<double>() == doctest::Approx(0.1));
}

namespace {

// The escape times of the state's flow computed by the core alone, as `grassflow flow` computes them.
std::vector<std::optional<double>> core_escapes(const std::string& hash) {
  const AppState state = parse_state("", hash).state;
  const grassflow::LinkAnalysis analysis = grassflow::analyse_link(state);
  grassflow::FlowOptions options;
  options.t_max = state.t_max;
  grassflow::ReducedFlow flow(grassflow::make_objective(state.objective, analysis.expansion),
                              grassflow::start_overlap(state, analysis.r()), options);
  flow.run();
  return flow.escape_times();
}

}  // namespace

TEST_CASE("pause-at=escape stops the clock exactly at each escape, then play goes on to the next") {
  const std::string hash = "link=preset:staircase2&d=1000&pause-at=escape";
  const auto expected = core_escapes(hash);
  REQUIRE(expected.size() == 2);
  REQUIRE(expected[0]);
  REQUIRE(expected[1]);
  Platform platform;
  std::vector<nlohmann::json> events;
  platform.emit = [&](const std::string& json) { events.push_back(nlohmann::json::parse(json)); };
  Explorer explorer(platform, parse_state("", hash));
  for (std::size_t k = 0; k < 2; ++k) {
    explorer.play();
    for (int frame = 0; frame < 10000 && explorer.playing(); ++frame) explorer.advance(0.05);
    REQUIRE_FALSE(explorer.playing());
    CHECK(shown_time(explorer) == doctest::Approx(*expected[k]).epsilon(1e-12));
    REQUIRE(events.size() >= 2);
    CHECK(events[events.size() - 2]["type"] == "escape");
    CHECK(events.back()["type"] == "paused");
    CHECK(events.back()["reason"] == "escape");
    CHECK(events.back()["t"].get<double>() == shown_time(explorer));
    // The escape is the last recorded point: the plots end exactly on it.
    const Sample& last = explorer.experiment()->active().history().back();
    CHECK(last.t == shown_time(explorer));
    CHECK(last.cosines[k] * last.cosines[k] == doctest::Approx(0.5).epsilon(1e-9));
  }
}

TEST_CASE("step(dt) moves the simulated clock by exactly dt; a bad dt is refused by name") {
  Platform platform;
  Explorer explorer(platform, parse_state("", "link=preset:he3&d=100&paused=1"));
  CHECK(shown_time(explorer) == 0.0);
  explorer.step_by(2.5);
  CHECK(shown_time(explorer) == 2.5);
  explorer.step_by(1e3);
  CHECK(shown_time(explorer) == 1002.5);
  CHECK_FALSE(explorer.playing());
  CHECK_THROWS_WITH_AS(explorer.step_by(-1), doctest::Contains("dt >= 0"), grassflow::InputError);
  CHECK(shown_time(explorer) == 1002.5);
  // Not past t-max, where the flows stop (far larger times overflowed the plots' coordinates).
  CHECK_THROWS_WITH_AS(explorer.step_by(1e200), doctest::Contains("would pass t-max = 1e+30"), grassflow::InputError);
  CHECK(shown_time(explorer) == 1002.5);
}

TEST_CASE("t-show beyond t-max opens at t-max") {
  Platform platform;
  Explorer explorer(platform, parse_state("", "link=preset:he3&d=100&t-show=1e200"));
  CHECK(shown_time(explorer) <= 1e30);
}

TEST_CASE("the recorded trajectory is the flow's dense output on a fixed grid, whatever the frame rate") {
  // 2000 frames of dt = 0.05 and one step of 100 record the same points at the same times (playing on past the
  // pause where the flow converges, t ≈ 17).
  Platform platform;
  Explorer many(platform, parse_state("", "link=preset:staircase2&d=100&dt=0.05"));
  for (int i = 0; i < 2000; ++i) {
    if (!many.playing()) many.play();
    many.advance(0.0);
  }
  Explorer one(platform, parse_state("", "link=preset:staircase2&d=100&paused=1"));
  one.step_by(100.0);
  const std::vector<Sample>& a = many.experiment()->active().history();
  const std::vector<Sample>& b = one.experiment()->active().history();
  CHECK(shown_time(many) == doctest::Approx(100.0));
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i + 1 < a.size(); ++i) {  // the last is the shown time itself
    CHECK(a[i].t == b[i].t);
    CHECK(a[i].loss == doctest::Approx(b[i].loss).epsilon(1e-13));
  }
  // t = 0, then 100 log-spaced times per decade from 1e-3 (five decades to 100), the escapes passed, the end.
  const auto escapes = one.experiment()->active().shown_escapes();
  std::size_t escaped = 0;
  for (const auto& e : escapes) escaped += e ? 1 : 0;
  CHECK(escaped >= 1);
  CHECK(b.size() == 1 + 500 + escaped + 1);
}

TEST_CASE("t-show opens on a later stage; reset goes back to t = 0") {
  Platform platform;
  Explorer explorer(platform, parse_state("", "link=preset:staircase2&d=100&t-show=50"));
  CHECK(shown_time(explorer) == 50.0);
  CHECK_FALSE(explorer.playing());  // it waits at the later stage for play()
  explorer.advance(1.0);
  CHECK(shown_time(explorer) == 50.0);
  CHECK(explorer.experiment()->active().history().size() > 400);  // drawn from 1e-3 up to 50
  CHECK(to_hash(explorer.state()).find("t-show=50") != std::string::npos);
  explorer.reset();
  CHECK(shown_time(explorer) == 0.0);
  CHECK(explorer.experiment()->active().history().size() == 1);
  CHECK(to_hash(explorer.state()).find("t-show=50") != std::string::npos);  // the state is kept
}

TEST_CASE("the CSV export of a speed=100 figure has the climb of its first frame, parameters and escapes") {
  // The lecture example's planted run: m climbs from 0.0316 to 2/3 (the trap) by t ≈ 8, and a first frame of
  // 0.2 s at speed 100 jumps to t = 20.
  Platform platform;
  std::string csv;
  platform.save = [&](const std::string&, const std::string&, const std::vector<unsigned char>& bytes) {
    csv.assign(bytes.begin(), bytes.end());
  };
  Explorer explorer(platform, parse_state("", "link=preset:trap&d=1000&M0=-0.0316&speed=100&objective=planted"));
  explorer.advance(0.2);
  CHECK(shown_time(explorer) == doctest::Approx(20.0));
  explorer.export_trajectory("csv");
  std::istringstream lines(csv);
  std::string line;
  std::vector<std::string> comments;
  std::vector<double> ts, cosines;
  while (std::getline(lines, line)) {
    if (line.rfind('#', 0) == 0) {
      comments.push_back(line);
    } else if (line.rfind("planted,", 0) == 0) {
      double t = 0, loss = 0, c = 0;
      REQUIRE(std::sscanf(line.c_str(), "planted,%lf,%lf,%lf", &t, &loss, &c) == 3);
      ts.push_back(t);
      cosines.push_back(c);
    }
  }
  INFO(csv.substr(0, 600));
  REQUIRE(comments.size() == 4);
  REQUIRE(ts.size() > 2);
  CHECK(comments[1].find("M0=-0.0316") != std::string::npos);
  CHECK(comments[2].find("grassflow flow") != std::string::npos);
  CHECK(comments[3] == "# escape_times planted: none");
  // t = 0, 100 per decade from 1e-3 to 20 (430 times), and t = 20.
  CHECK(ts.size() == 1 + 431 + 1);
  int climbing = 0;
  for (double c : cosines) climbing += c > 0.1 && c < 0.6 ? 1 : 0;
  CHECK(climbing >= 50);  // the climb is drawn, not jumped over
  CHECK(cosines.front() == doctest::Approx(0.0316));
  CHECK(cosines.back() == doctest::Approx(2.0 / 3.0).epsilon(1e-6));
}

TEST_CASE("the training run keeps the first step after each grid time, not every step") {
  Platform platform;
  Explorer explorer(platform, parse_state("", "link=preset:staircase2&d=50&n=1000&paused=1"));
  explorer.step_by(1000.0);  // 10^4 steps of η = 0.1
  const SampleRun& samples = *explorer.experiment()->samples();
  CHECK(samples.trainer().records().size() > 9990);
  // Steps fall at t = 0.1 k. Below t = 0.1·100/ln 10 = 4.3 the grid is finer than the steps: each step there is
  // kept (43); above it, the grid's 100 times per decade up to 1000 (237); and the start.
  CHECK(samples.history().size() >= 270);
  CHECK(samples.history().size() <= 290);
  CHECK(samples.history().back().t == doctest::Approx(1000.0).epsilon(1e-3));
}
