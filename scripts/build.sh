#!/usr/bin/env bash
# Builds everything: native into build/, WebAssembly into build-wasm/. Incremental.
# usage: scripts/build.sh [native|wasm|all]   (default all)
#
# The native build uses Debian's LibTorch 1.13 unless told otherwise. These variables change it;
# they take effect when a build folder is first configured (use a new XRAY_BUILD_DIR to change them):
#   XRAY_TORCH_PREFIX  CMake prefix of another LibTorch, e.g. a Python wheel's 2.x:
#                      XRAY_TORCH_PREFIX=$(python3 -c 'import torch;print(torch.utils.cmake_prefix_path)')
#   XRAY_BUILD_DIR     native build folder (default build)
#   XRAY_CARRY_DIR     folder holding copies of the header-only dependencies, for a machine without
#                      the Debian packages: stb/, nlohmann/, CLI/, and googletest/ (GoogleTest's
#                      source, to build the tests); scripts/bench/gpu_carry.sh fills one
#   XRAY_TARGETS       native targets to build, space-separated (default all)
#   XRAY_JOBS          parallel jobs (default all cores)
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
jobs=${XRAY_JOBS:-$(nproc)}
build=${XRAY_BUILD_DIR:-build}

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)

if [[ $what == all || $what == native ]]; then
  options=()
  if [[ -n ${XRAY_TORCH_PREFIX:-} ]]; then
    [[ -d $XRAY_TORCH_PREFIX ]] || { echo "build: XRAY_TORCH_PREFIX=$XRAY_TORCH_PREFIX is not a folder" >&2; exit 1; }
    options+=(-DCMAKE_PREFIX_PATH="$(realpath "$XRAY_TORCH_PREFIX")")
  fi
  if [[ -n ${XRAY_CARRY_DIR:-} ]]; then
    [[ -d $XRAY_CARRY_DIR ]] || { echo "build: XRAY_CARRY_DIR=$XRAY_CARRY_DIR is not a folder" >&2; exit 1; }
    carry=$(realpath "$XRAY_CARRY_DIR")
    options+=(-DXRAY_SYSTEM_INCLUDE="$carry")
    [[ -f $carry/googletest/CMakeLists.txt ]] && options+=(-DXRAY_GTEST_SOURCE="$carry/googletest")
  fi
  if [[ -f $build/CMakeCache.txt ]]; then
    # A configured folder keeps its LibTorch and headers: say so rather than build the old ones.
    for option in "${options[@]}"; do
      name=${option#-D}; name=${name%%=*}
      have=$(sed -n "s/^$name:[A-Z]*=//p" "$build/CMakeCache.txt")
      if [[ $have != "${option#*=}" ]]; then
        echo "build: $build was configured with $name=${have:-(unset)}; use another XRAY_BUILD_DIR" >&2
        exit 1
      fi
    done
  else
    cmake -S . -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release "${options[@]}"
  fi
  targets=()
  for target in ${XRAY_TARGETS:-}; do targets+=(--target "$target"); done
  cmake --build "$build" -j "$jobs" "${targets[@]}"
fi

if [[ $what == all || $what == wasm ]]; then
  # Emscripten 3.1.6 on Debian: acorn comes from Debian's node modules, and ctest must run the
  # generated .js with a node that accepts the flags (emcmake passes one node 20 rejects).
  export NODE_PATH=${NODE_PATH:-/usr/share/nodejs}
  [[ -f build-wasm/CMakeCache.txt ]] || emcmake cmake -S . -B build-wasm "${generator[@]}" \
      -DCMAKE_BUILD_TYPE=Release -DCMAKE_CROSSCOMPILING_EMULATOR="$(command -v node)"
  cmake --build build-wasm -j "$jobs"
fi
