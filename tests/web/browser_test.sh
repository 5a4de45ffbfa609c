#!/usr/bin/env bash
# browser_test.sh XRAY MAKE_DATASET OUT_DIR [ORIGINALS_DIR]: the web page end to end.
# Uses the shipped model (web/model) when there is one, else trains a small one on generated
# images; builds dist/ with it into OUT_DIR; drops real X-rays (or generated ones), a corrupt
# file and a synthetic non-X-ray (for the out-of-distribution gate) into the page in Chromium;
# compares with `xray predict`; checks the model panel with evaluations added to the card; then
# the same for a stack of files in one drop (batch_test.mjs); that model.onnx is checked against
# the card (checksum_test.mjs); writes screenshots into OUT_DIR.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
xray=$1
make_dataset=$2
out=$3
originals=${4:-}
[[ -x /usr/bin/chromium ]] || { echo "error: /usr/bin/chromium missing: run scripts/setup.sh" >&2; exit 1; }
rm -rf "$out" && mkdir -p "$out"
model=$root/web/model
if [[ ! -f $model/model.onnx ]]; then
  echo "no shipped model in web/model: training a small one on generated images"
  "$make_dataset" "$out/data" 48 64
  "$xray" train --data "$out/data" --out "$out/model" --epochs 3 --image-size 64 --batch 16 --widths 8,16,32 --device cpu > "$out/train.log" 2>&1
  model=$out/model
fi
"$root/scripts/build_web.sh" "$model" "$out/dist"
# A model trained here on generated images has an out-of-distribution gate fitted to them, which
# real films rightly fail: it gets generated X-rays to drop.
generated=()
if [[ $model == "$root/web/model" && -n $originals && -d $originals ]]; then
  mapfile -t films < <(find "$originals" -type f -iname '*.jp*g' | sort | head -n 10)
else
  generated=(--generated)
  echo "note: no originals folder, or a model trained here on generated images; dropping generated images instead"
  [[ -d $out/data ]] || "$make_dataset" "$out/data" 12 256
  mapfile -t films < <(find "$out/data/test" -type f -name '*.jpeg' | sort | head -n 10)
fi
images=("${films[@]:0:6}")
printf '<!DOCTYPE html><html><body>not an X-ray</body></html>' > "$out/not-an-image.jpeg"
node "$here/synthetic_image.mjs" "$out/not-a-chest-xray.png"
"$xray" predict --model "$model" --csv "$out/expected.csv" "${images[@]}" "$out/not-a-chest-xray.png" 2>/dev/null
node "$here/browser_test.mjs" "$out/dist" "$out/expected.csv" "${images[@]}" --bad "$out/not-an-image.jpeg" \
    --ood "$out/not-a-chest-xray.png" --out "$out" "${generated[@]}"
# A stack of films in one drop: 10 films, the HTML page saved as .jpeg and the non-X-ray (a
# "photo"); then keyboard selection, a folder, a stale result, a 300 MB file, Stop, no WebGL2.
batch=("${films[@]}" "$out/not-an-image.jpeg" "$out/not-a-chest-xray.png")
"$xray" predict --model "$model" --csv "$out/batch-expected.csv" "${batch[@]}" 2>/dev/null || true
node "$here/batch_test.mjs" "$out/dist" "$out/batch-expected.csv" "${batch[@]}" --out "$out" "${generated[@]}"
# The queue's own rules, under node: a drop after Stop is analysed; a failed row costs that row only.
node "$here/queue_test.mjs"
node "$here/file_sources_test.mjs"
node "$here/format_test.mjs"
# model.onnx is checked against the card, in a secure context and outside one.
node "$here/checksum_test.mjs" "$out/dist" "$out"
echo "screenshots: $(ls "$out"/*.png | tr '\n' ' ')"
