#!/usr/bin/env bash
# The web page's speed and weight in headless Chromium, one table.
# usage: scripts/bench/web.sh [MODEL_DIR [IMAGE_DIR]]   (defaults web/model, ../shared/data/originals_sample)
set -euo pipefail
cd "$(dirname "$0")/../.."
model=${1:-web/model}
dir=${2:-../shared/data/originals_sample}
[[ -d $dir ]] || { echo "bench: $dir not found; pass a folder of X-ray images" >&2; exit 1; }
scripts/build_web.sh "$model" build/bench-dist >/dev/null
mapfile -t images < <(find "$dir" -type f -iname '*.jp*g' | sort)
node tests/web/bench_web.mjs build/bench-dist "${images[@]}"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
