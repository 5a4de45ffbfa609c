#!/usr/bin/env bash
# Decode + preprocess speed on real X-rays, native (Google Benchmark) vs WASM (node), one table.
# usage: scripts/bench/preprocess.sh [IMAGE_DIR]   (default ../shared/data/originals_sample; JPEG, PNG, DICOM)
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:-../shared/data/originals_sample}
[[ -d $dir ]] || { echo "bench: $dir not found; pass a folder of X-ray images" >&2; exit 1; }
scripts/build.sh all >/dev/null
mapfile -t images < <(find "$dir" -type f \( -iname '*.jp*g' -o -iname '*.png' -o -iname '*.dcm' \) | sort)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "bench: ${#images[@]} images; native with Google Benchmark, WASM under node $(node --version)" >&2
build/bin/bench-preprocess "${images[@]}" --benchmark_min_time=0.2 --benchmark_format=json \
  --benchmark_out="$tmp/native.json" --benchmark_out_format=json >/dev/null
node build-wasm/bin/preprocess-timing.js --repeat 9 "${images[@]}" > "$tmp/wasm.jsonl"
node scripts/bench/preprocess_table.mjs "$tmp/native.json" "$tmp/wasm.jsonl"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
