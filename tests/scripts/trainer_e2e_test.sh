#!/usr/bin/env bash
# trainer_e2e_test.sh XRAY MAKE_DATASET: the xray CLI end to end on a generated data set with
# junk files: data-report, train (twice: same seed, same weights), a killed-and-resumed run that
# ends with the same weights, evaluate (and --record), predict with the out-of-distribution
# columns, calibrate (and its refusals), and clear errors for wrong usage.
set -uo pipefail
xray=$1
make_dataset=$2
preprocess=$3
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
json_get() { node -e "const j=require(process.argv[1]); console.log(eval('j'+process.argv[2]))" "$1" "$2"; }

"$make_dataset" "$tmp/data" 48 64 || { echo "cannot make the data set"; exit 1; }

# data-report: counts, junk listed with reasons, JSON and chart written.
out=$("$xray" data-report --data "$tmp/data" --json "$tmp/report/report.json" --plot "$tmp/report/balance.svg")
[[ $? == 0 ]] || fail "data-report exit status"
for words in "train      48         48" ".DS_Store" "empty file (0 bytes)" "first bytes 3c 21 44 4f" "notes.txt" "val/NORMAL/ is empty"; do
  [[ $out == *"$words"* ]] || fail "data-report output lacks \"$words\""
done
[[ -s $tmp/report/report.json && -s $tmp/report/balance.svg ]] || fail "data-report did not write JSON and SVG"
echo "$out" | head -6

# train: a few seconds on the CPU.
train=(train --data "$tmp/data" --epochs 4 --image-size 32 --batch 16 --widths 8,16 --seed 11 --device cpu --threads 2)
"$xray" "${train[@]}" --out "$tmp/m1" > "$tmp/train1.log" 2>&1 || { cat "$tmp/train1.log"; fail "train exit status"; }
for f in model.pt model.json train_log.jsonl checkpoint.pt; do [[ -s $tmp/m1/$f ]] || fail "model directory lacks $f"; done
grep -q "skipped .*person9999_virus_1.jpeg: not an image" "$tmp/train1.log" || fail "train did not report the HTML file"
[[ $(wc -l < "$tmp/m1/train_log.jsonl") == 4 ]] || fail "train_log.jsonl should have 4 lines"
auc=$(json_get "$tmp/m1/model.json" ".validation.roc_auc")
node -e "process.exit(Number('$auc') > 0.75 ? 0 : 1)" || fail "validation AUC $auc does not beat chance clearly"
[[ $(json_get "$tmp/m1/model.json" ".files['model.pt'].sha256") == $(sha256sum "$tmp/m1/model.pt" | cut -c1-64) ]] || fail "card sha256 differs from model.pt"
echo "train: validation AUC $auc"

# Same seed on the CPU: same weights.
"$xray" "${train[@]}" --out "$tmp/m2" > /dev/null 2>&1 || fail "second train"
cmp -s "$tmp/m1/model.pt" "$tmp/m2/model.pt" || fail "two runs with the same seed gave different weights"

# Killed after epoch 2, resumed: the same final weights and log as the uninterrupted run.
"$xray" "${train[@]}" --out "$tmp/m3" --stop-after-epoch 2 > /dev/null 2>&1 || fail "train --stop-after-epoch"
[[ ! -e $tmp/m3/model.json ]] || fail "a stopped run must not write the model card yet"
touch "$tmp/m3/checkpoint.pt.tmp-99999"  # what a kill during a save leaves behind
"$xray" "${train[@]}" --out "$tmp/m3" --resume > "$tmp/resume.log" 2>&1 || { cat "$tmp/resume.log"; fail "train --resume"; }
[[ ! -e $tmp/m3/checkpoint.pt.tmp-99999 ]] || fail "a killed run's temporary file was left in the model directory"
grep -q "resuming after epoch 2 of 4" "$tmp/resume.log" || fail "resume did not start after epoch 2"
cmp -s "$tmp/m1/model.pt" "$tmp/m3/model.pt" || fail "resumed run ended with different weights"
losses() { node -e "for (const l of require('fs').readFileSync(process.argv[1], 'utf8').trim().split('\\n')) { const j = JSON.parse(l); console.log(j.epoch, j.train_loss, j.val_loss, j.val_auc); }" "$1"; }
cmp -s <(losses "$tmp/m1/train_log.jsonl") <(losses "$tmp/m3/train_log.jsonl") || fail "resumed run has a different log"
out=$("$xray" "${train[@]}" --out "$tmp/m3" --resume --seed 12 2>&1)
[[ $? != 0 && $out == *"made with other settings"* ]] || fail "resume with other settings must be refused: $out"

# evaluate: metrics at the card's threshold, JSON and plots.
out=$("$xray" evaluate --model "$tmp/m1" --data "$tmp/data" --split test --json "$tmp/eval/metrics.json" --plots "$tmp/eval" 2>&1)
[[ $? == 0 ]] || fail "evaluate exit status: $out"
for f in metrics.json roc.svg pr.svg reliability.svg confusion.svg training_loss.svg training_auc.svg; do [[ -s $tmp/eval/$f ]] || fail "evaluate did not write $f"; done
echo "$out" | grep -E "^split|^acc"

# predict: one row per file, the reason for bad ones, exit 1 when any failed.
"$xray" predict --model "$tmp/m1" --csv "$tmp/pred.csv" "$tmp/data/test" "$tmp/data/train/PNEUMONIA/person9999_virus_1.jpeg" 2>/dev/null
[[ $? == 1 ]] || fail "predict with a bad file must exit 1"
[[ $(head -n 1 "$tmp/pred.csv") == "path,probability,label,out_of_distribution,ood_score,error" ]] || fail "CSV header"
[[ $(grep -cE ",(NORMAL|PNEUMONIA),[01],[0-9.e+-]+,$" "$tmp/pred.csv") == 48 ]] || fail "expected 48 scored rows"
grep -q 'person9999_virus_1.jpeg,,,,,"not an image this reader knows'  "$tmp/pred.csv" || fail "bad file row lacks its reason"
"$xray" predict --model "$tmp/m1" "$tmp/data/test/NORMAL" > "$tmp/pred2.csv" 2>/dev/null || fail "predict on good files must exit 0"

# ONNX: written by train, the card inside equals model.json, and ONNX Runtime on the tensors of
# xray-preprocess --spec model.json gives xray predict's probabilities.
[[ -s $tmp/m1/model.onnx ]] || fail "train did not write model.onnx"
"$xray" predict --model "$tmp/m1" --csv "$tmp/pred-test.csv" "$tmp/data/test" 2>/dev/null || fail "predict on test"
mkdir -p "$tmp/tensors"
for f in "$tmp"/data/test/*/*.jpeg; do "$preprocess" --spec "$tmp/m1/model.json" "$f" "$tmp/tensors/$(basename "$f").f32" > /dev/null || fail "xray-preprocess $f"; done
node "$here/ort_vs_predict.mjs" "$tmp/m1" "$tmp/pred-test.csv" "$tmp/tensors" || fail "ONNX Runtime differs from xray predict"
echo '{"cases": [], "broken": "'"$tmp/m1/model.onnx"'"}' > "$tmp/manifest.json"
/usr/bin/python3 "$here/onnx_check.py" "$tmp/manifest.json" "$tmp/m1" | tail -n 1 || fail "ONNX metadata check"
"$xray" export --model "$tmp/m1" --onnx "$tmp/kept.onnx" --keep-batch-norm > /dev/null || fail "xray export --keep-batch-norm"
[[ -s $tmp/kept.onnx ]] || fail "export wrote nothing"

# evaluate --record: the result joins the card's evaluations (validation untouched), the ONNX
# metadata follows, and a second record appends.
before_validation=$(json_get "$tmp/m1/model.json" ".validation.roc_auc")
"$xray" evaluate --model "$tmp/m1" --data "$tmp/data" --split test --record > "$tmp/record.log" 2>&1 || { cat "$tmp/record.log"; fail "evaluate --record"; }
"$xray" evaluate --model "$tmp/m1" --data "$tmp/data" --split test --record > /dev/null 2>&1 || fail "second evaluate --record"
[[ $(json_get "$tmp/m1/model.json" ".evaluations.length") == 2 ]] || fail "evaluations should hold 2 entries"
[[ $(json_get "$tmp/m1/model.json" ".evaluations[0].split") == test && $(json_get "$tmp/m1/model.json" ".evaluations[0].count") == 48 ]] || fail "evaluation entry split/count"
[[ $(json_get "$tmp/m1/model.json" ".evaluations[0].data") == data ]] || fail "evaluation entry names the data folder only"
[[ $(json_get "$tmp/m1/model.json" ".validation.roc_auc") == "$before_validation" ]] || fail "--record changed the validation figures"
grep -q "out of distribution" "$tmp/record.log" || fail "evaluate does not report the out-of-distribution count"
/usr/bin/python3 "$here/onnx_check.py" "$tmp/manifest.json" "$tmp/m1" | tail -n 1 || fail "ONNX metadata after --record"

# calibrate: a new, complete model directory fitted on the test split; the original untouched.
original_sums=$(sha256sum "$tmp/m1"/model.*)
"$xray" calibrate --model "$tmp/m1" --data "$tmp/data" --split test --out "$tmp/site" --target-sensitivity 0.95 > "$tmp/cal.log" 2>&1 || { cat "$tmp/cal.log"; fail "calibrate"; }
[[ $(sha256sum "$tmp/m1"/model.*) == "$original_sums" ]] || fail "calibrate changed the original model directory"
for f in model.pt model.json model.onnx; do [[ -s $tmp/site/$f ]] || fail "calibrated model lacks $f"; done
[[ $(json_get "$tmp/site/model.json" ".files['model.onnx'].sha256") == $(sha256sum "$tmp/site/model.onnx" | cut -c1-64) ]] || fail "calibrated card sha256 of model.onnx"
[[ $(json_get "$tmp/site/model.json" ".calibration.fitted_on.NORMAL") == 24 && $(json_get "$tmp/site/model.json" ".calibration.fitted_on.split") == test ]] || fail "calibration record"
[[ $(json_get "$tmp/site/model.json" ".evaluations.length") == 0 ]] || fail "old evaluations must not describe the calibrated model"
echo '{"cases": [], "broken": "'"$tmp/site/model.onnx"'"}' > "$tmp/manifest-site.json"
/usr/bin/python3 "$here/onnx_check.py" "$tmp/manifest-site.json" "$tmp/site" | tail -n 1 || fail "calibrated ONNX metadata"
# predict with the new directory: sensitivity on the fitted films at least the target, labels at the new threshold.
"$xray" predict --model "$tmp/site" --csv "$tmp/site.csv" "$tmp/data/test" 2>/dev/null || fail "predict with the calibrated model"
node -e "
const fs = require('fs'); const card = require(process.argv[1]);
const rows = fs.readFileSync(process.argv[2], 'utf8').trim().split('\n').slice(1).map(l => l.split(','));
let tp = 0, p = 0, bad = 0;
for (const [path, prob, label] of rows) {
  if ((Number(prob) >= card.threshold ? 'PNEUMONIA' : 'NORMAL') !== label) bad++;
  if (path.includes('/PNEUMONIA/')) { p++; if (label === 'PNEUMONIA') tp++; }
}
console.log('calibrated: threshold', card.threshold.toFixed(4), 'sensitivity on the fitted films', (tp / p).toFixed(3));
process.exit(bad === 0 && tp / p >= 0.95 ? 0 : 1);" "$tmp/site/model.json" "$tmp/site.csv" || fail "calibrated labels/sensitivity"
mkdir -p "$tmp/few/val/NORMAL" "$tmp/few/val/PNEUMONIA"
cp "$tmp"/data/test/NORMAL/*.jpeg "$tmp/few/val/NORMAL/" && cp $(ls "$tmp"/data/test/PNEUMONIA/*.jpeg | head -n 5) "$tmp/few/val/PNEUMONIA/"
expect_error() {  # expect_error WORDS ARGS...
  local words=$1
  shift
  out=$("$xray" "$@" 2>&1)
  [[ $? != 0 && $out == *"$words"* ]] || fail "xray $*: expected an error with \"$words\", got: $out"
}
expect_error "at least 20 of each class" calibrate --model "$tmp/m1" --data "$tmp/few" --split val --out "$tmp/site2"
[[ ! -e $tmp/site2 ]] || fail "a refused calibration left a folder behind"
expect_error "already holds a model" calibrate --model "$tmp/m1" --data "$tmp/data" --split test --out "$tmp/site"
expect_error "not the model directory itself" calibrate --model "$tmp/m1" --data "$tmp/data" --split test --out "$tmp/m1"

# data-report --model lists what the gate flags (here: the model's own kind of films, so a count).
out=$("$xray" data-report --data "$tmp/data" --model "$tmp/m1" 2>&1) || fail "data-report --model"
[[ $out == *"out-of-distribution gate"* ]] || fail "data-report --model does not report the gate: $out"

# A failed start keeps the model directory whole (the data is read before anything is removed).
mkdir -p "$tmp/empty/train/NORMAL" "$tmp/empty/train/PNEUMONIA"
cp -r "$tmp/m1" "$tmp/keep"
"$xray" train --data "$tmp/empty" --out "$tmp/keep" > /dev/null 2>&1 && fail "training on an empty folder must fail"
for f in model.pt model.json model.onnx; do [[ -s $tmp/keep/$f ]] || fail "a failed start removed $f"; done

# Wrong usage: clear messages, non-zero exit, nothing half-written.
expect_error "no such folder" train --data "$tmp/nowhere" --out "$tmp/m9"
expect_error "--epochs must be 1..10000" "${train[@]}" --out "$tmp/m9" --epochs 0
out=$("$xray" "${train[@]}" --out "$tmp/m8" --resume 2>&1)
[[ $? == 0 && $out == *"no checkpoint in"*"starting from the beginning"* ]] || fail "--resume without a checkpoint must start over, saying so: $out"
expect_error "is a file, not a folder" predict --model "$tmp/m1" --csv "$tmp/m1/model.json/out.csv" "$tmp/data/test"
expect_error "model.json" predict --model "$tmp/data" "$tmp/data/test"
expect_error "no training images" train --data "$tmp/empty" --out "$tmp/m7"
expect_error "required" train --data "$tmp/data"
[[ -z $(find "$tmp" -name '*.tmp-*') ]] || fail "temporary files left behind"

(( failures == 0 )) && echo "trainer e2e: all checks passed" || echo "trainer e2e: $failures failures"
(( failures == 0 ))
