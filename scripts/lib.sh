# Shared helpers for the scripts (sourced, not run).
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export NODE_PATH=/usr/share/nodejs  # emcc's JS optimizer needs Debian's acorn (docs/toolchain.md)
jobs=$(nproc)

# configure PRESET: configure a preset once (web presets through emcmake).
configure() {
  local preset=$1 dir="$root/build/$1"
  if [ ! -f "$dir/CMakeCache.txt" ]; then
    mkdir -p "$root/build"
    case $preset in
      web*) (cd "$root" && emcmake cmake --preset "$preset" >"$root/build/configure-$preset.log" 2>&1) ;;
      *) (cd "$root" && cmake --preset "$preset" >"$root/build/configure-$preset.log" 2>&1) ;;
    esac || { cat "$root/build/configure-$preset.log" >&2; return 1; }
  else
    # Re-run the (cached, quick) configure step so new targets and files are known before --target.
    cmake "$dir" >"$root/build/configure-$preset.log" 2>&1 || { cat "$root/build/configure-$preset.log" >&2; return 1; }
  fi
}

# build PRESET [TARGET...]: configure if needed, then build quietly (the log is shown on failure).
build() {
  local preset=$1; shift
  configure "$preset"
  local log="$root/build/$preset/build.log" args=()
  for t in "$@"; do args+=(--target "$t"); done
  if ! cmake --build "$root/build/$preset" -j "$jobs" "${args[@]}" >"$log" 2>&1; then
    grep -E "error|Error" "$log" | head -40 >&2
    echo "build of preset $preset failed; full log: $log" >&2
    return 1
  fi
}
