#include "grassflow/version.h"

#include "grassflow_commit.h"

namespace grassflow {

const char* version() {
  return GRASSFLOW_VERSION;
}

const char* commit() {
  return GRASSFLOW_COMMIT;
}

const char* build_target() {
#ifdef __EMSCRIPTEN__
  return "wasm";
#else
  return "native";
#endif
}

bool simd_enabled() {
#if defined(__EMSCRIPTEN__) && !defined(__wasm_simd128__)
  return false;
#else
  return true;
#endif
}

}  // namespace grassflow
