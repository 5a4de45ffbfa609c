#!/usr/bin/env bash
# Does `xray calibrate` hold on films it did not see? Splits a model's validation films (held-out
# training patients, listed in MODEL_DIR/validation_scores.csv by `xray train`) into two halves by
# patient, calibrates on half A (as its val/ split) for a target sensitivity, and evaluates the new model on half B (as test/).
# usage: scripts/calibration_check.sh MODEL_DIR DATA_DIR [TARGET_SENSITIVITY]   (default 0.97)
# DATA_DIR is the folder the model was trained from (the one holding train/). Needs build/.
set -euo pipefail
cd "$(dirname "$0")/.."
model=$1
data=$(realpath "$2")
target=${3:-0.97}
[[ -f $model/validation_scores.csv ]] || { echo "$model/validation_scores.csv missing: train the model with this version of xray" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Patient id as the trainer reads it (native/core/dataset.cpp): personN_, IM-NNNN, NORMAL2-IM-NNNN.
node -e '
  const fs = require("fs"), path = require("path");
  const [csv, data, out] = process.argv.slice(1);
  const rows = fs.readFileSync(csv, "utf8").trim().split("\n").slice(1).map(l => l.split(","));
  const patient = (f) => { const n = path.basename(f); const m = n.match(/^(person\d+)_/) || n.match(/^((?:NORMAL2-)?IM-\d+)/); return m ? m[1] : n; };
  const ids = [...new Set(rows.map(r => patient(r[0])))].sort();
  const half = new Map(ids.map((id, i) => [id, i % 2 ? "test" : "val"]));
  for (const [file, label] of rows) {
    const dir = path.join(out, half.get(patient(file)), label === "1" ? "PNEUMONIA" : "NORMAL");
    fs.mkdirSync(dir, { recursive: true });
    fs.symlinkSync(path.join(data, file), path.join(dir, path.basename(file)));
  }
  console.log(`${rows.length} validation films, ${ids.length} patients, split in two halves by patient`);
' "$model/validation_scores.csv" "$data" "$tmp/site"
build/bin/xray calibrate --model "$model" --data "$tmp/site" --split val --out "$tmp/calibrated" --target-sensitivity "$target"
echo "--- the other half (patients not used for the fit):"
build/bin/xray evaluate --model "$tmp/calibrated" --data "$tmp/site" --split test --json "$tmp/b.json" | head -n 3
node -e '
  const m = require(process.argv[1]).metrics;
  console.log(`half B at the calibrated threshold: sensitivity ${m.recall.toFixed(3)}, specificity ${m.specificity.toFixed(3)} (n = ${m.count})`);
' "$tmp/b.json"
