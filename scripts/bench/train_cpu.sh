#!/usr/bin/env bash
# CPU training speed of the default recipe's network: images/s at 128 and 224, and the time of a
# full cached epoch over the training images (decode excluded: the cache is warm).
# usage: scripts/bench/train_cpu.sh [DATA_DIR]   (default ../shared/data/chest_xray_224)
set -euo pipefail
cd "$(dirname "$0")/../.."
data=${1:-../shared/data/chest_xray_224}
[[ -d $data/train ]] || { echo "bench: $data/train not found" >&2; exit 1; }
scripts/build.sh native >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run() {  # run SIZE [extra flags]: one epoch, prints "images seconds images_per_second"
  local size=$1
  shift
  build/bin/xray train --data "$data" --out "$tmp/m$size" --epochs 1 --image-size "$size" --device cpu \
    --cache-dir build/cache "$@" > "$tmp/log$size" 2>&1 || { cat "$tmp/log$size" >&2; exit 1; }
  local images
  images=$(grep -o '^train: [0-9]*' "$tmp/log$size" | grep -o '[0-9]*')
  node -e "const l=require('fs').readFileSync('$tmp/m$size/train_log.jsonl','utf8').trim().split('\n').pop(); const j=JSON.parse(l); console.log('$images', j.seconds.toFixed(1), j.images_per_second.toFixed(1))"
}
read -r n128 s128 r128 < <(run 128)
read -r n224 s224 r224 < <(run 224 --max-per-class 400)
printf '%-34s %8s %12s %14s\n' "setting" "img/s" "epoch (s)" "5,216 imgs (s)"
printf '%-34s %8s %12s %14s\n' "128x128, batch 32, full train" "$r128" "$s128 ($n128)" "$(node -e "console.log((5216/$r128).toFixed(0))")"
printf '%-34s %8s %12s %14s\n' "224x224, batch 32, 800-image subset" "$r224" "$s224 ($n224)" "$(node -e "console.log((5216/$r224).toFixed(0))")"
echo "network: $(grep -o 'model: [^,]*' "$tmp/log128" | cut -c8-)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), LibTorch $(grep -o '"libtorch": "[^"]*"' "$tmp/m128/model.json" | cut -d'"' -f4)"
