// The core's identity: version and how it was built (shown in the app's status bar and in CLI output).
#pragma once

namespace grassflow {

/// The library version, "MAJOR.MINOR.PATCH", from the CMake project.
const char* version();

/// The commit of the sources this build was compiled from: a 40-digit hash, with "-dirty" appended when
/// tracked files differed from it, or "unknown" when built outside a git checkout (cmake/GrassflowCommit.cmake).
const char* commit();

/// "wasm" when compiled by Emscripten (WebAssembly), "native" otherwise.
const char* build_target();

/// True when the WebAssembly build uses 128-bit SIMD (-msimd128). Native builds always vectorise for the
/// host's baseline ISA and report true.
bool simd_enabled();

}  // namespace grassflow
