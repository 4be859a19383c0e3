// Fuzz target: the explorer's URL state parser (app/state.cpp). Whatever the query and hash, parsing must
// not crash, must keep every value in its documented range, and the canonical hash must read back to itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "state.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const std::size_t split = input.find('#');
  const std::string query = input.substr(0, split);
  const std::string hash = split == std::string::npos ? "" : input.substr(split);
  const grassflow::app::ParsedState parsed = grassflow::app::parse_state(query, hash);
  const grassflow::app::AppState& s = parsed.state;
  if (!(s.d >= 1 && s.d <= 1e15) || s.r < 0 || s.r > grassflow::kMaxLinkRank ||
      (s.degree && (*s.degree < 0 || *s.degree > 99)) || !(s.t_max > 0) || s.dt < 0 || s.speed < 0)
    std::abort();
  const std::string canonical = grassflow::app::to_hash(s);
  const grassflow::app::ParsedState again = grassflow::app::parse_state("", canonical);
  if (grassflow::app::to_hash(again.state) != canonical) std::abort();
  return 0;
}
