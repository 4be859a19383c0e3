// Fuzz target: the matrix argument parser (--M, --M0, the M0 URL key). Any text either parses to a finite
// matrix that format_matrix writes back exactly, or raises InputError; nothing else may escape.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "grassflow/errors.h"
#include "grassflow/matrix_text.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const Eigen::MatrixXd M = grassflow::parse_matrix(text, "M0");
    if (!M.allFinite() || M.size() == 0) std::abort();
    if (grassflow::parse_matrix(grassflow::format_matrix(M), "again") != M) std::abort();
  } catch (const grassflow::InputError&) {
  }
  return 0;
}
