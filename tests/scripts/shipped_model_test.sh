#!/usr/bin/env bash
# shipped_model_test.sh XRAY MAKE_DATASET MAKE_NON_XRAYS [DATA_DIR]: the model committed in
# web/model is whole and usable: every file matches the sha256 in its model card, the three files
# fit in 2 MB, the card inside model.onnx equals model.json, `xray predict --model web/model`
# works, and its out-of-distribution gate flags every generated non-X-ray while passing the real
# films (with DATA_DIR: no full-size original flagged, at most 0.5% of the training + validation
# films; rotated, upside-down and inverted originals are reported).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
model=$here/../../web/model
xray=$1
make_dataset=$2
make_non_xrays=$3
data=${4:-}
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
[[ $(grep -cE ",(NORMAL|PNEUMONIA),[01],[0-9.e+-]+,$" "$tmp/out.csv") == 8 ]] || { echo "FAIL: xray predict --model web/model"; cat "$tmp/out.csv"; exit 1; }
echo "xray predict --model web/model: ok"

# The gate. flagged CSV: how many rows have out_of_distribution = 1, of how many scored.
flagged() { awk -F, 'NR > 1 && $2 != "" { n++; if ($4 == "1") f++ } END { printf "%d %d\n", f, n }' "$1"; }
originals=()
[[ -n $data && -d $data/originals_sample ]] && mapfile -t originals < <(find "$data/originals_sample" -type f -iname '*.jp*g' | sort | head -n 10)
"$make_non_xrays" "$tmp/non" 12 "${originals[@]}" > /dev/null
"$xray" predict --model "$model" --csv "$tmp/non.csv" "$tmp/non/synthetic" 2> /dev/null || true
read -r f n < <(flagged "$tmp/non.csv")
echo "generated non-X-rays flagged: $f of $n"
(( n == 96 && f == n )) || { echo "FAIL: every generated non-X-ray must be flagged"; grep ',0,' "$tmp/non.csv"; exit 1; }
if (( ${#originals[@]} )); then
  for kind in rotated90 upside_down inverted; do
    "$xray" predict --model "$model" --csv "$tmp/$kind.csv" "$tmp"/non/transformed/*_"$kind".png 2> /dev/null || true
    read -r f n < <(flagged "$tmp/$kind.csv")
    echo "originals $kind: $f of $n flagged (reported, not required)"
  done
  "$xray" predict --model "$model" --csv "$tmp/orig.csv" "$data/originals_sample" 2> /dev/null
  read -r f n < <(flagged "$tmp/orig.csv")
  echo "full-size originals flagged: $f of $n"
  (( f == 0 )) || { echo "FAIL: a full-size original X-ray was flagged"; grep ',1,' "$tmp/orig.csv"; exit 1; }
  "$xray" predict --model "$model" --csv "$tmp/train.csv" "$data/chest_xray_224/train" 2> /dev/null
  read -r f n < <(flagged "$tmp/train.csv")
  echo "training + validation films flagged: $f of $n"
  (( f * 200 <= n )) || { echo "FAIL: more than 0.5% of the training + validation films flagged"; exit 1; }
else
  echo "note: no development data folder; the gate was checked on generated non-X-rays only"
fi
