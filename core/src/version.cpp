#include "grassflow/version.h"

namespace grassflow {

const char* version() {
  return GRASSFLOW_VERSION;
}

const char* build_target() {
#ifdef __EMSCRIPTEN__
  return "web";
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
