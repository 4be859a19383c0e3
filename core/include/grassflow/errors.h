// Errors the core raises. The core never prints: it throws, and the boundary (CLI flag, URL value,
// expression box) shows the message, which names the bad input and says how to fix it.
#pragma once

#include <stdexcept>
#include <string>

namespace grassflow {

/// Bad input from a user: a malformed expression or matrix, an out-of-range parameter (r > d, a singular
/// value > 1, ...). `what()` names the input and the fix, e.g. "--r: r = 5 exceeds d = 3; choose r <= d".
class InputError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// A request that is valid but beyond what the tool supports or can afford (degree, rank, memory);
/// `what()` states the limit and the cost the request would have.
class LimitError : public std::length_error {
 public:
  using std::length_error::length_error;
};

}  // namespace grassflow
