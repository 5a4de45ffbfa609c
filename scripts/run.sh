#!/usr/bin/env bash
# The main command, for now: set up, build, and preprocess one X-ray with the shared library,
# natively and in WebAssembly, showing that both produce the same tensor.
# (The web demo replaces this once the page exists.)
# usage: scripts/run.sh [IMAGE]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh all

image=${1:-}
if [[ -z $image ]]; then
  image=$(find ../shared/data/originals_sample -type f -iname '*.jp*g' 2>/dev/null | sort | head -n 1)
  if [[ -z $image ]]; then
    echo "run: ../shared/data/originals_sample not found; preprocessing a synthetic test image instead"
    mkdir -p build/sample
    build/bin/make-fixtures build/sample >/dev/null
    image=build/sample/jpeg_rgb_q97_1522x1221.jpg
  fi
fi
out=build/sample-out
mkdir -p "$out"
echo
echo "== native: build/bin/xray-preprocess"
build/bin/xray-preprocess --pgm "$out/native.pgm" "$image" "$out/native.f32"
echo
echo "== WebAssembly under node: build-wasm/bin/xray-preprocess.js"
node build-wasm/bin/xray-preprocess.js "$image" "$out/wasm.f32"
echo
if cmp -s "$out/native.f32" "$out/wasm.f32"; then
  echo "native and WASM tensors are bit-identical ($out/native.f32, $out/wasm.f32)"
  echo "the model-size image is in $out/native.pgm"
else
  echo "native and WASM tensors DIFFER: please report this" >&2
  exit 1
fi
