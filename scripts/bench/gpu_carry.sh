#!/usr/bin/env bash
# Fills third_party/carry/ (git-ignored) with what scripts/bench/gpu.sh needs on a machine that has
# no Debian packages and cannot reach this one's data: copies of the header-only dependencies, the
# GoogleTest source, and the training data. Run it here, then send third_party/carry with the tree.
# usage: scripts/bench/gpu_carry.sh [DATA_DIR]   (default ../shared/data/chest_xray_224; only train/
#        and val/ are copied, about 42 MB; give "-" to copy no data)
set -euo pipefail
cd "$(dirname "$0")/../.."
data=${1:-../shared/data/chest_xray_224}
carry=third_party/carry
mkdir -p "$carry"

# -L: copies, not links, since a link to /usr would point at nothing over there.
copy() {  # copy SOURCE NAME
  [[ -e $1 ]] || { echo "gpu_carry: $1 not found (run scripts/setup.sh)" >&2; exit 1; }
  rm -rf "${carry:?}/$2"
  cp -rL "$1" "$carry/$2"
}
copy /usr/include/stb stb
copy /usr/include/nlohmann nlohmann
copy /usr/include/CLI CLI
copy /usr/src/googletest googletest

if [[ $data != - ]]; then
  [[ -d $data/train ]] || { echo "gpu_carry: $data/train not found" >&2; exit 1; }
  rm -rf "$carry/data" && mkdir -p "$carry/data"
  for split in train val; do
    [[ -d $data/$split ]] && cp -rL "$data/$split" "$carry/data/$split"
  done
fi
echo "gpu_carry: $(du -sh "$carry" | cut -f1) in $carry ($(cd "$carry" && echo *))"
