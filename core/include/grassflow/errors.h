// Errors the core raises. The core never prints: it throws, and the boundary (CLI flag, URL value, Python
// keyword, expression box) shows the message. An error about an input carries that input's key, spelled as in
// the experiment key table (experiment.h: "d", "t-max", "M0") or as the command's own option ("lr", "data");
// the message itself never spells a flag, so each boundary names the key in its own spelling (`--d: ...`,
// `URL d: ...`, `d=...`) without rewriting the text. docs/architecture.md, "Errors".
#pragma once

#include <stdexcept>
#include <string>

namespace grassflow {

/// The surfaces a user meets grassflow through; each spells an input key its own way.
enum class Surface {
  cli,     ///< the command-line tool: `--d`, `--t-max`
  url,     ///< the explorer's URL state and JS API: `URL d`
  python,  ///< the Python package's keyword arguments: `d=`, `t_max=`
};

/// `key` as `surface` spells it: ("t-max", cli) → "--t-max", (url) → "URL t-max", (python) → "t_max=". Keys
/// joined by '/' name several inputs at once ("lr/ratio" → "--lr/--ratio"); an empty key stays empty.
std::string spell_key(const std::string& key, Surface surface);

/// Bad input from a user: a malformed expression or matrix, an out-of-range parameter (r > d, a singular
/// value > 1, ...). `what()` says what is wrong and how to fix it, e.g. "r = 5 exceeds d = 3; choose r <= d";
/// `key()` names the input ("r"), empty when the error concerns no single input.
class InputError : public std::invalid_argument {
 public:
  /// An error about no single input (the message names what it concerns).
  explicit InputError(const std::string& message) : std::invalid_argument(message) {}
  /// An error about the input `key` (spelled as in the key table, see the top of this file).
  InputError(std::string key, const std::string& message) : std::invalid_argument(message), key_(std::move(key)) {}
  const std::string& key() const { return key_; }

 private:
  std::string key_;
};

/// A request that is valid but beyond what the tool supports or can afford (degree, rank, memory);
/// `what()` states the limit and the cost the request would have; `key()` as for InputError.
class LimitError : public std::length_error {
 public:
  explicit LimitError(const std::string& message) : std::length_error(message) {}
  LimitError(std::string key, const std::string& message) : std::length_error(message), key_(std::move(key)) {}
  const std::string& key() const { return key_; }

 private:
  std::string key_;
};

/// The one line a boundary shows for an InputError or LimitError: "<key as spelled>: <what>", or what() alone
/// when the error names no key. Other exceptions: what() alone.
std::string user_message(const std::exception& error, Surface surface);

}  // namespace grassflow
