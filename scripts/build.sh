#!/usr/bin/env bash
# Builds everything: native into build/, WebAssembly into build-wasm/. Incremental.
# usage: scripts/build.sh [native|wasm|all]   (default all)
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
jobs=${XRAY_JOBS:-$(nproc)}

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)

if [[ $what == all || $what == native ]]; then
  [[ -f build/CMakeCache.txt ]] || cmake -S . -B build "${generator[@]}" -DCMAKE_BUILD_TYPE=Release
  cmake --build build -j "$jobs"
fi

if [[ $what == all || $what == wasm ]]; then
  # Emscripten 3.1.6 on Debian: acorn comes from Debian's node modules, and ctest must run the
  # generated .js with a node that accepts the flags (TOOLCHAIN.md).
  export NODE_PATH=${NODE_PATH:-/usr/share/nodejs}
  [[ -f build-wasm/CMakeCache.txt ]] || emcmake cmake -S . -B build-wasm "${generator[@]}" \
      -DCMAKE_BUILD_TYPE=Release -DCMAKE_CROSSCOMPILING_EMULATOR="$(command -v node)"
  cmake --build build-wasm -j "$jobs"
fi
