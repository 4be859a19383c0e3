// Fuzz target: the link expression parser (resolve_link) and evaluation. The first byte picks r (0 = the
// expression's own r, else 1..4), the rest is the expression. Whatever the text, resolve_link either raises
// InputError or returns a link whose values and gradients at a few points are numbers (finite, ±inf or NaN:
// the callers report non-finite values); nothing else may escape, and nothing may crash or hang.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "grassflow/errors.h"
#include "grassflow/link.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const int r_request = data[0] % 5;
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    const grassflow::ResolvedLink resolved = grassflow::resolve_link(text, r_request);
    const grassflow::Link& link = resolved.link;
    const int r = link.r();
    if (r < 1 || r > grassflow::kMaxLinkRank || (r_request > 0 && r != r_request)) std::abort();
    const auto rr = static_cast<std::size_t>(r);
    // Points at the origin, at moderate and at large arguments (overflow, domain edges).
    const double values[] = {0.0, 0.5, -1.5, 3.0, -7.25, 40.0};
    std::vector<double> points;
    for (double v : values)
      for (std::size_t k = 0; k < rr; ++k) points.push_back(k % 2 ? -v : v);
    const std::size_t n = points.size() / rr;
    std::vector<double> batch(n), gradient(rr);
    link.evaluate(points.data(), n, batch.data());
    for (std::size_t i = 0; i < n; ++i) {
      const double single = link(points.data() + i * rr);
      // The batch and the single evaluation run the same bytecode: same bits (NaN matches NaN).
      if (!(single == batch[i] || (std::isnan(single) && std::isnan(batch[i])))) std::abort();
      link.gradient(points.data() + i * rr, gradient.data());
    }
  } catch (const grassflow::InputError&) {
  }
  return 0;
}
