// Fuzz target: the CSV loader (sampling.h). The first byte picks d (0 = from the file, else 1..3) and the
// storage precision; the rest is the file. Any text either loads to a dataset whose rows all have d finite
// inputs and a finite response, or raises InputError/LimitError (a 64 KiB cap makes the limit reachable).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "dataset_checks.h"
#include "grassflow/errors.h"
#include "grassflow/sampling.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t d_request = data[0] % 4;
  const grassflow::Precision precision = data[0] & 4 ? grassflow::Precision::float32 : grassflow::Precision::float64;
  std::istringstream in(std::string(reinterpret_cast<const char*>(data + 1), size - 1));
  try {
    const grassflow::Dataset set = grassflow::load_csv(in, "fuzz.csv", d_request, precision, std::size_t{1} << 16);
    if (set.size() == 0 || (d_request > 0 && set.dim() != d_request)) std::abort();
    require_finite_dataset(set);
  } catch (const grassflow::InputError&) {
  } catch (const grassflow::LimitError&) {
  }
  return 0;
}
