#!/usr/bin/env bash
# dicom_test.sh BUILD WASM_BUILD OUT_DIR [ORIGINALS_DIR [MODEL_DIR]]
# The shared library's DICOM reader against independent oracles, natively and in WASM:
#  1. fixtures: make_dicom_fixtures.sh (pydicom writes, dcmtk compresses, img2dcm wraps a JPEG).
#  2. oracle: dcmdjpeg / dcmdrle decompress the compressed ones; decode-gray's stored samples must
#     equal pydicom's and its 8-bit gray the README's rule (dicom_oracle.py), pixel for pixel (lossy
#     JPEG within 3 levels: stb_image's IDCT is not libjpeg's); the wrapped JPEG must decode exactly
#     like the JPEG itself.
#  3. bit identity: decode-gray and preprocess-digest give the same bytes natively and in WASM.
#  4. malformed files (make_bad_dicom.py) are refused by xray-preprocess, native and WASM: exit 1,
#     a message, no output file.
#  5. with MODEL_DIR: xray predict gives each DICOM made from a radiograph exactly the probability
#     of the same pixels as PGM, finds DICOM files without an extension in a folder, and gives the
#     malformed files error rows and exit status 1.
#  6. the page in Chromium: DICOM files dropped (one without an extension) get xray predict's
#     probabilities; an unsupported syntax gets a row naming it, and the next files still work.
set -euo pipefail
build=$1
wasm_build=$2
out=$3
originals=${4:-}
model=${5:-}
scripts=$(cd "$(dirname "$0")" && pwd)
python=/usr/bin/python3

for tool in dcmdjpeg dcmdrle; do
  command -v $tool >/dev/null || { echo "error: $tool not found: run scripts/setup.sh (dcmtk)" >&2; exit 1; }
done
for f in "$build/bin/decode-gray" "$wasm_build/bin/decode-gray.js" "$build/bin/xray-preprocess" "$wasm_build/bin/xray-preprocess.js"; do
  [[ -f $f ]] || { echo "error: $f is missing: run scripts/build.sh" >&2; exit 1; }
done

# 1. Fixtures.
rm -rf "$out"
mkdir -p "$out"/{reference,native,wasm,preprocess}
"$scripts/make_dicom_fixtures.sh" "$out" $originals
fx=$out/fixtures

# 2. Oracle.
checked=()
for f in "$fx"/*; do
  name=$(basename "$f")
  case $name in
    *.pgm|real_baseline.dcm) continue ;;
    *_sv1*|*_p[2-7]*|*_lossy_*) dcmdjpeg "$f" "$out/reference/$name" ;;
    *_rle*) dcmdrle "$f" "$out/reference/$name" ;;
    *) cp "$f" "$out/reference/$name" ;;
  esac
  checked+=("$name")
done
"$build/bin/decode-gray" --raw "$out/native" "$fx"/* > "$out/native.txt"
if grep -v $'\tok\t' "$out/native.txt"; then echo "FAILED: fixtures refused (above)"; exit 1; fi
$python "$scripts/dicom_oracle.py" "$out/reference" "$out/native" "${checked[@]}"
if [[ -f $out/original.jpeg ]]; then
  mkdir -p "$out/jpeg"
  "$build/bin/decode-gray" "$out/jpeg" "$out/original.jpeg" >/dev/null
  cmp "$out/jpeg/original.jpeg.pgm" "$out/native/real_baseline.dcm.pgm" ||
    { echo "FAILED: the DICOM wrapping a JPEG decodes differently from the JPEG"; exit 1; }
  echo "ok real_baseline.dcm: equals the JPEG it wraps, decoded as a JPEG"
fi

# 3. Bit identity, full-size images and model-size tensors.
node "$wasm_build/bin/decode-gray.js" --raw "$out/wasm" "$fx"/* > "$out/wasm.txt"
diff "$out/native.txt" "$out/wasm.txt" || { echo "FAILED: native and WASM decode-gray differ (above)"; exit 1; }
for f in "$out/native"/*; do
  cmp "$f" "$out/wasm/$(basename "$f")" || { echo "FAILED: $(basename "$f") differs native vs WASM"; exit 1; }
done
"$build/bin/preprocess-digest" "$fx"/* "$out/bad"/* > "$out/digest-native.txt"
node "$wasm_build/bin/preprocess-digest.js" "$fx"/* "$out/bad"/* > "$out/digest-wasm.txt"
diff "$out/digest-native.txt" "$out/digest-wasm.txt" || { echo "FAILED: native and WASM tensors differ (above)"; exit 1; }
echo "identical: $(ls "$out/native" | wc -l) decoded images and $(wc -l < "$out/digest-native.txt") tensors or refusals, native vs WASM"

# 4. Malformed files.
for f in "$out/bad"/*; do
  name=$(basename "$f")
  for run in native wasm; do
    target=$out/preprocess/$name.$run.f32
    set +e
    if [[ $run == native ]]; then
      "$build/bin/xray-preprocess" "$f" "$target" 2> "$out/preprocess/$name.$run.err"
    else
      node "$wasm_build/bin/xray-preprocess.js" "$f" "$target" 2> "$out/preprocess/$name.$run.err"
    fi
    status=$?
    set -e
    [[ $status == 1 && ! -e $target && -s $out/preprocess/$name.$run.err ]] ||
      { echo "FAILED: $run xray-preprocess on $name: exit $status (want 1, a message, no output)"; exit 1; }
  done
  echo "refused $name: $(cat "$out/preprocess/$name.native.err")"
done
grep -q "unsupported DICOM transfer syntax 1.2.840.10008.1.2.4.90 (JPEG 2000)" "$out/preprocess/bad_syntax_jpeg2000.dcm.native.err" ||
  { echo "FAILED: the JPEG 2000 refusal does not name the syntax"; exit 1; }

# 5. xray predict.
if [[ -z $model || ! -f $model/model.json || ! -f $fx/real0_original.pgm ]]; then
  echo "note: xray predict checks skipped (need ORIGINALS_DIR and MODEL_DIR)"
  exit 0
fi
xray=$build/bin/xray
mkdir -p "$out/folder/sub"
cp "$fx"/real0_u16.dcm "$out/folder/"
cp "$fx"/real0_u12_sv1.dcm "$out/folder/sub/IM000001"
cp "$fx"/real0_original.pgm "$out/folder/"
"$xray" predict --model "$model" --csv "$out/folder.csv" "$out/folder"
[[ $(tail -n +2 "$out/folder.csv" | wc -l) == 3 ]] ||
  { echo "FAILED: predict on a folder did not find its 3 images (DICOM without extension included)"; cat "$out/folder.csv"; exit 1; }
files=("$fx"/real0_original.pgm "$out/folder/sub/IM000001")
for f in "$fx"/real0_*.dcm; do [[ $f == *_lossy_* ]] || files+=("$f"); done  # lossless ones only
set +e
"$xray" predict --model "$model" --csv "$out/predict.csv" "${files[@]}" "$out/bad"/*
status=$?
set -e
[[ $status == 1 ]] || { echo "FAILED: xray predict exited $status with malformed files (want 1)"; exit 1; }
$python - "$out/predict.csv" "$(ls "$out/bad" | wc -l)" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
bad = [r for r in rows if "/bad/" in r["path"]]
good = [r for r in rows if "/bad/" not in r["path"]]
assert len(bad) == int(sys.argv[2]) and all(r["error"] and not r["probability"] for r in bad), "malformed rows"
reference = next(float(r["probability"]) for r in good if r["path"].endswith("real0_original.pgm"))
largest = 0.0
for r in good:
    assert not r["error"], r
    gap = abs(float(r["probability"]) - reference)
    assert gap <= 1e-6, f"{r['path']}: {r['probability']} vs {reference} for the same pixels as PGM"
    largest = max(largest, gap)
print(f"ok xray predict: {len(good)} DICOM/PGM files of the same radiograph give P = {reference} "
      f"(largest gap {largest:g}); {len(bad)} malformed files give error rows, exit status 1")
EOF

# 6. The page: the same DICOM files dropped in Chromium give xray predict's probabilities.
root=$(cd "$scripts/../.." && pwd)
if [[ ! -x /usr/bin/chromium || ! -d $root/web/node_modules/playwright-core ]]; then
  echo "note: browser check skipped (no Chromium or playwright-core: run scripts/setup.sh)"
  exit 0
fi
"$root/scripts/build_web.sh" "$model" "$out/dist" > /dev/null
page_files=("$fx"/real0_u16.dcm "$fx"/real0_u12_sv1.dcm "$fx"/real0_u16_mono1_rle.dcm "$fx"/real0_u8.dcm "$out/folder/sub/IM000001")
"$xray" predict --model "$model" --csv "$out/page-expected.csv" "${page_files[@]}" 2>/dev/null
node "$root/tests/web/dicom_drop_test.mjs" "$out/dist" "$out/page-expected.csv" "${page_files[@]}" \
  --refused "$out/bad/bad_syntax_jpeg2000.dcm" --out "$out"
