// Fuzz target: the .npy reader (data_files.h), through load_samples (one matrix, y last) and load_matrix. The
// bytes are written to a scratch file, since the reader reads files. Any content either loads finite values of
// a consistent shape or raises InputError/LimitError (a 64 KiB cap makes the limit reachable).
#include <unistd.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "dataset_checks.h"
#include "grassflow/data_files.h"
#include "grassflow/errors.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = "/tmp/grassflow-fuzz-" + std::to_string(getpid()) + ".npy";
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    const grassflow::Dataset set =
        grassflow::load_samples(path, 0, grassflow::Precision::float64, {}, "data", std::size_t{1} << 16);
    require_finite_dataset(set);
  } catch (const grassflow::InputError&) {
  } catch (const grassflow::LimitError&) {
  }
  try {
    const Eigen::MatrixXd M = grassflow::load_matrix(path, "w-star");
    if (M.size() > 0 && !M.allFinite()) std::abort();
  } catch (const grassflow::InputError&) {
  }
  return 0;
}
