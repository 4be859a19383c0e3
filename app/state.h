// The explorer's state as it travels in the URL: `#link=preset:staircase2&r=2&d=1000&objective=planted&...`.
// Keys and values are the command-line tool's flag names and values (so a URL reproduces `grassflow flow`
// with the same flags), plus the view keys speed, dt, panels, embed, compare and axis. Values are encoded
// with encodeURIComponent and decoded here as decodeURIComponent does ('+' stays '+', so z1+z1*z2
// survives). Unknown keys and bad values are reported and replaced by defaults: never a blank page.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace grassflow::app {

struct AppState {
  // The experiment (CLI flags of `grassflow flow`).
  std::string link = "preset:staircase2";  ///< "preset:NAME" or an expression in z1..zr
  int r = 0;                               ///< index dimension; 0 = the link's natural r
  double d = 1000;                         ///< ambient dimension, 2 ≤ d ≤ 1e12 (need d ≥ r)
  std::string objective = "joint";         ///< "joint" (Grassmannian) or "planted" (Stiefel)
  std::string init = "random";             ///< "random" (Haar), "equator" (ε·Q), "isotropic" (I/√d), or "M0"
  std::uint64_t seed = 0;                  ///< seed of the random start (the CLI's default too), 0 ≤ seed < 2^53
  double eps = 0;                          ///< equator distance for init=equator; 0 = 1/√d
  std::string M0;                          ///< explicit M(0) "a,b;c,d" (sets init = M0)
  double t_max = 1e30;                     ///< `t-max`
  int degree = 8;                          ///< Hermite truncation degree K
  // Finite samples (flags of `grassflow train`): n > 0 overlays training on n samples from the same start.
  double n = 0;      ///< number of training samples; 0 = population flow only
  double noise = 0;  ///< label noise σ ≥ 0
  // The view.
  double speed = 0;                 ///< simulated time per second; 0 = automatic (the whole run in ~20 s, log-paced)
  double dt = 0;                    ///< fixed simulated time per frame (deterministic runs); 0 = follow speed
  std::vector<std::string> panels;  ///< visible panel ids (layout.h), empty = the default set
  bool embed = false;               ///< iframe mode: only the panels, no chrome
  bool compare = false;             ///< run joint and planted side by side from the same start
  bool log_time = true;             ///< time axis: `axis=log` or `axis=linear`
  bool paused = false;              ///< `paused=1` starts paused
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
/// times; using the last value (d=5)"): only its last value there is read. Every value read is checked
/// (ranges above; a seed digit by digit, so 2^53 + 1 is not read as 2^53); a bad one leaves the field as it
/// was (the default, unless the query set it) and adds a problem naming the key, the value and what is
/// accepted.
ParsedState parse_state(const std::string& query, const std::string& hash);

/// The canonical hash (without '#') for a state: only keys that differ from the defaults, in a fixed
/// order, values percent-encoded. parse_state("", to_hash(s)).state == s for every valid s.
std::string to_hash(const AppState& state);

/// The `grassflow flow` command line equivalent to the experiment part of a state.
std::string to_command_line(const AppState& state);

}  // namespace grassflow::app
