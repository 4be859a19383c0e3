// The explorer's model and controller (app/explorer.h) without ImGui frames: the player and applying states.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app.h"
#include "explorer.h"
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
  CHECK(explorer.playing());  // a new state plays unless it says paused

  explorer.toggle_playing();
  explorer.reset();
  CHECK(shown_time(explorer) == 0.0);
  CHECK(explorer.playing());
  CHECK(explorer.state().log_time == false);  // the state is kept, only the run restarts
  explorer.advance(1.0);
  CHECK(shown_time(explorer) == doctest::Approx(0.1));
  CHECK(published.size() == 3);  // each state applied, the reset one included
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
