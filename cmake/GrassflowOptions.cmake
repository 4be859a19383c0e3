# Compiler flags shared by every target of ours (not by third-party sources).
# Never -ffast-math: it lets the compiler assume no NaN, and our divergence and bad-input checks rely on isnan.

add_library(grassflow_flags INTERFACE)
target_compile_options(grassflow_flags INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                       -Wno-sign-conversion)
if(GRASSFLOW_WERROR)
  target_compile_options(grassflow_flags INTERFACE -Werror)
endif()

if(EMSCRIPTEN)
  # muparser reports errors by exception; doctest's checks use them too.
  add_compile_options(-fexceptions)
  add_link_options(-fexceptions -sALLOW_MEMORY_GROWTH=1)
  if(GRASSFLOW_SIMD)
    add_compile_options(-msimd128)
    add_compile_definitions(GRASSFLOW_SIMD=1)
  endif()
endif()

# The fuzz preset instruments every library for coverage (muparser and the core included), so that libFuzzer
# sees which branches of the parsers an input reaches; the targets themselves link the fuzzer's main.
if(GRASSFLOW_FUZZ)
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

if(GRASSFLOW_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()
