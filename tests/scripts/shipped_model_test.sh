#!/usr/bin/env bash
# shipped_model_test.sh XRAY MAKE_DATASET: the model committed in web/model is whole and usable:
# every file matches the sha256 in its model card, the three files fit in 2 MB, the card inside
# model.onnx equals model.json, and `xray predict --model web/model` works.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
model=$here/../../web/model
xray=$1
make_dataset=$2
[[ -f $model/model.json ]] || { echo "FAIL: web/model/model.json is missing"; exit 1; }
for f in model.pt model.onnx; do
  want=$(node -e "console.log(require(process.argv[1]).files[process.argv[2]].sha256)" "$model/model.json" "$f")
  have=$(sha256sum "$model/$f" | cut -c1-64)
  [[ $want == "$have" ]] || { echo "FAIL: web/model/$f sha256 $have, model card says $want"; exit 1; }
  echo "web/model/$f matches its sha256 in model.json"
done
total=$(cat "$model/model.json" "$model/model.pt" "$model/model.onnx" | wc -c)
(( total <= 2000000 )) || { echo "FAIL: web/model is $total bytes, over 2 MB"; exit 1; }
echo "web/model: $total bytes in all"
echo '{"cases": [], "broken": "'"$model/model.onnx"'"}' > "${TMPDIR:-/tmp}/shipped-manifest.json"
/usr/bin/python3 "$here/onnx_check.py" "${TMPDIR:-/tmp}/shipped-manifest.json" "$model" | tail -n 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$make_dataset" "$tmp/data" 4 256
"$xray" predict --model "$model" "$tmp/data/test" > "$tmp/out.csv"
[[ $(grep -c ",NORMAL,$\|,PNEUMONIA,$" "$tmp/out.csv") == 8 ]] || { echo "FAIL: xray predict --model web/model"; cat "$tmp/out.csv"; exit 1; }
echo "xray predict --model web/model: ok"
