#!/usr/bin/env bash
# The out-of-distribution gate of a model, measured: how many images of each kind it flags.
# usage: scripts/ood_report.sh [MODEL_DIR] [DATA_DIR]   (defaults web/model, ../shared/data)
#   synthetic      procedurally made non-X-rays (tests/tools/make_non_xrays.cpp): must be flagged
#   rotated90, upside_down, inverted   real originals transformed: reported, a decision of the README
#   originals      full-size original X-rays (DATA_DIR/originals_sample): must pass
#   train+val      every image of DATA_DIR/chest_xray_224/train (the training and validation films)
# Needs build/ (scripts/build.sh native). Prints a markdown table; writes nothing outside a temp dir.
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:-web/model}
data=${2:-../shared/data}
xray=build/bin/xray
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
originals=()
[[ -d $data/originals_sample ]] && mapfile -t originals < <(find "$data/originals_sample" -type f -iname '*.jp*g' | sort | head -n 10)
build/bin/make-non-xrays "$tmp/images" 12 "${originals[@]}" > /dev/null

score() {  # score NAME PATH...: one table row from xray predict's CSV
  local name=$1
  shift
  "$xray" predict --model "$model" --csv "$tmp/$name.csv" "$@" 2> /dev/null || true
  node -e '
    const rows = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").slice(1).map(l => l.split(","));
    const scored = rows.filter(r => r[1] !== ""), flagged = scored.filter(r => r[3] === "1");
    const s = scored.map(r => Number(r[4])).sort((a, b) => a - b);
    const q = (p) => s.length ? s[Math.min(s.length - 1, Math.floor(p * (s.length - 1)))].toPrecision(3) : "-";
    console.log(`| ${process.argv[2].padEnd(12)} | ${String(scored.length).padStart(5)} | ${String(flagged.length).padStart(7)} | ${(scored.length ? 100 * flagged.length / scored.length : 0).toFixed(1).padStart(6)}% | ${q(0).padStart(8)} | ${q(0.5).padStart(8)} | ${q(1).padStart(8)} |`);
  ' "$tmp/$name.csv" "$name"
}

limit=$(node -e 'const c = require(process.argv[1]); console.log(c.ood ? c.ood.limit : "none")' "$(realpath "$model")/model.json")
echo "model: $model, out-of-distribution limit $limit"
echo
echo "| images       |     n | flagged |   rate |      min |   median |      max |"
echo "|---|---|---|---|---|---|---|"
for kind in gradient blocks noise colour_noise checkerboard document screenshot photo; do
  score "$kind" "$tmp"/images/synthetic/"$kind"_*
done
if [[ -d $tmp/images/transformed ]]; then
  for kind in rotated90 upside_down inverted; do score "$kind" "$tmp"/images/transformed/*_"$kind".png; done
fi
[[ -d $data/originals_sample ]] && score originals "$data/originals_sample"
[[ -d $data/chest_xray_224/train ]] && score train+val "$data/chest_xray_224/train"
[[ -d $data/chest_xray_224/val ]] && score official_val "$data/chest_xray_224/val"
