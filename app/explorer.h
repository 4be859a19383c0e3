// The explorer's model and controller, apart from any panel: the state (state.h) and the experiment it
// describes (simulation.h), the player (playing, single steps, reset), the keyboard shortcuts, escape events,
// the scripting API's snapshot, and the exports (trajectory, screenshot request, link). Panels receive it by
// reference (panel.h): they read it and change it only through these members.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "app.h"
#include "simulation.h"
#include "state.h"

namespace grassflow::app {

class Explorer {
 public:
  /// Applies `parsed` (see apply). `platform` must outlive the explorer.
  Explorer(Platform& platform, const ParsedState& parsed);

  /// Applies a new state: keeps `problems` for display; restarts the experiment if it changed. A state whose
  /// experiment cannot be built (bad link, r > d, ...) is reported and the previous experiment kept (the
  /// default one when there is none yet). Publishes the canonical hash through the platform.
  void apply(const ParsedState& parsed);
  /// Restarts the current experiment from t = 0 with the same start (`t-show` stays in the state but is not
  /// applied), keeping the player's
  /// play/pause state: the Reset button, the `r` key and the scripting API's reset().
  void reset();
  /// Moves the simulated clock by one frame of `wall_seconds` (experiment's pacing) when playing or when a
  /// single step was asked for, and emits the escape events through the platform; with `pause-at=escape`,
  /// pauses exactly at an escape and emits {"type": "paused", "reason": "escape", "t"}. When the last running
  /// flow ends (and no training on samples runs), pauses there and emits {"type": "paused", "reason": its
  /// status ("converged", "stalled", "t_max" or "diverged"), "t"}.
  void advance(double wall_seconds);
  /// The keyboard shortcuts of the current ImGui frame (space: play/pause, s: single step, r: reset), unless
  /// a text field has the keyboard or a modifier is held.
  void handle_shortcuts();

  void toggle_playing() { playing_ ? pause() : play(); }
  void play() { playing_ = true; }
  /// Pauses (emits {"type": "paused", "reason": "pause", "t"} when it was playing).
  void pause();
  /// Pauses and advances one frame's worth at the next `advance` (0.2 s of play, or one dt).
  void step();
  /// Pauses and moves the simulated clock by exactly `dt` ≥ 0 now (the scripting API's step(dt)); escapes
  /// passed are announced. Throws InputError("dt", ...) for a negative or non-finite dt.
  void step_by(double dt);
  bool playing() const { return playing_; }

  const AppState& state() const { return state_; }
  /// URL/API/experiment problems, shown until the next change.
  const std::vector<std::string>& problems() const { return problems_; }
  /// The running experiment (nullptr only if even the default state cannot run).
  const Simulation* experiment() const { return experiment_.get(); }
  /// Counts applied states: a panel that mirrors the state (text fields) re-reads it when this changes.
  std::uint64_t generation() const { return generation_; }
  const Platform& platform() const { return platform_; }

  /// Copies the link to this state through the platform: the page's address without its hash
  /// (Platform::page_url; empty natively) + "#" + the canonical hash.
  void copy_link() const;
  /// Saves the runs' trajectories as "csv" (objective, t, loss, cos1..cosr per row) or "json"
  /// ({state, command, runs: {objective: [{t, loss, cosines}]}}) through the platform.
  void export_trajectory(const std::string& format) const;
  /// Asks for a PNG of the next rendered frame under `file_name` (the App takes it with take_screenshot_request).
  void request_screenshot(const std::string& file_name) { screenshot_request_ = file_name; }
  std::string take_screenshot_request();

  /// Records the CPU time of one frame (milliseconds; the last 600 are kept for the snapshot's frame_ms).
  void record_frame_ms(double ms);
  /// The model's part of the scripting API's snapshot: {hash, problems, playing, objective, t, loss, cosines,
  /// escape_times, status, failure, rounding_limited, M, r, warnings, frame_ms: {median, p95, samples}}, with
  /// "samples" when training on n samples and "runs" (one such block per objective) in compare mode.
  nlohmann::json snapshot() const;

 private:
  void apply(const ParsedState& parsed, bool restart, bool from_zero = false);
  void publish() const;
  void emit(const nlohmann::json& event) const;

  Platform& platform_;
  AppState state_;
  std::vector<std::string> problems_;
  bool playing_ = true;
  bool step_requested_ = false;
  std::unique_ptr<Simulation> experiment_;
  std::uint64_t generation_ = 0;
  std::vector<double> frame_ms_;
  std::string screenshot_request_;
};

}  // namespace grassflow::app
