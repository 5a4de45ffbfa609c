#!/usr/bin/env bash
# trainer_real_data_test.sh XRAY DATA: a short CPU run on a small stratified subset of the real
# 224x224 training copies; the model directory must be complete and validation AUC must beat
# chance. Exits 77 (skipped) when the data folder is absent.
set -uo pipefail
xray=$1
data=$2
if [[ ! -d $data/train ]]; then
  echo "SKIPPED: $data not found (the development X-rays are optional)"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$xray" train --data "$data" --out "$tmp/model" --max-per-class 200 --epochs 5 --image-size 64 --batch 32 \
  --widths 8,16,32 --seed 3 --device cpu 2>&1 | grep -v "^epoch .*\[" || true
for f in model.pt model.json train_log.jsonl; do
  [[ -s $tmp/model/$f ]] || { echo "FAIL: $f missing"; exit 1; }
done
auc=$(node -e "console.log(require(process.argv[1]).validation.roc_auc)" "$tmp/model/model.json")
echo "validation AUC on the real subset: $auc"
node -e "process.exit(Number('$auc') > 0.7 ? 0 : 1)" || { echo "FAIL: validation AUC $auc does not beat chance"; exit 1; }
"$xray" evaluate --model "$tmp/model" --data "$data" --split val || { echo "FAIL: evaluate on the official val split"; exit 1; }
