// The explorer's state as it travels in the URL: `#link=preset:staircase2&r=2&objective=planted&d=1000&...`.
// The experiment's keys are the core's key table (grassflow/experiment.h: the CLI's flag names and values, so a
// URL reproduces `grassflow flow` with the same flags), plus the view keys speed, dt, panels, embed, compare,
// axis, paused, pause-at, t-range, t-show, theme and scale. Values are encoded with encodeURIComponent and decoded
// here as decodeURIComponent does ('+' stays '+', so z1+z1*z2 survives). Unknown keys and bad values are reported and
// replaced by defaults: never a blank page.
#pragma once

#include <string>
#include <vector>

#include "grassflow/experiment.h"

namespace grassflow::app {

/// The explorer's colours (theme.h): `theme=dark` (the default) or `theme=light` (for white lecture pages).
enum class Theme { dark, light };

/// The experiment (the core's Experiment: link, r, d, objective, start, ...) and how the explorer shows it.
struct AppState : grassflow::Experiment {
  double speed = 0;                   ///< simulated time per second; 0 = automatic (the whole run in ~20 s, log-paced)
  double dt = 0;                      ///< fixed simulated time per frame (deterministic runs); 0 = follow speed
  std::vector<std::string> panels;    ///< visible panel ids (layout.h), empty = the default set
  bool embed = false;                 ///< iframe mode: only the panels, no chrome
  bool compare = false;               ///< run joint and planted side by side from the same start
  bool log_time = true;               ///< time axis: `axis=log` or `axis=linear`
  bool paused = false;                ///< `paused=1` starts paused
  bool pause_at_escape = false;       ///< `pause-at=escape`: the clock stops exactly at each escape time
  double t_min = 0, t_max_shown = 0;  ///< `t-range=a,b`: a fixed time axis [a, b] (both 0: it follows t)
  double t_show = 0;                  ///< `t-show=T`: open with the trajectory shown up to T, paused there
  Theme theme = Theme::dark;          ///< `theme=light` or `theme=dark`
  double scale = 0;                   ///< `scale=`: UI and font scale in [0.5, 4]; 0 = automatic (theme.h: ui_scale)
};

/// decodeURIComponent: %XX sequences to bytes; a malformed escape is kept literally and reported.
std::string percent_decode(const std::string& text, bool* ok = nullptr);
/// encodeURIComponent: everything except A-Z a-z 0-9 - _ . ! ~ * ' ( ) is %XX-escaped.
std::string percent_encode(const std::string& text);

struct ParsedState {
  AppState state;
  std::vector<std::string> problems;  ///< one readable sentence per unknown key or bad value
};

/// Parses "k=v&k=v" pairs from the query and then the hash (the hash wins on a key present in both); a
/// leading '?' or '#' is ignored. A key given twice in the query or in the hash is a problem ("d given 2
/// times; using the last value (d=5)"): only its last value there is read. Every value read is checked by the
/// key table's parser (experiment keys) or here (view keys); a bad one leaves the field as it was (the default,
/// unless the query set it) and adds a problem naming the key as `URL KEY: ...`, the value and what is
/// accepted.
ParsedState parse_state(const std::string& query, const std::string& hash);

/// The canonical hash (without '#') for a state: only keys that differ from the defaults, in the key table's
/// order, then the view keys; values percent-encoded. parse_state("", to_hash(s)).state == s for every valid s.
std::string to_hash(const AppState& state);

}  // namespace grassflow::app
