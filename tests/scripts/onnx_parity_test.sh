#!/usr/bin/env bash
# onnx_parity_test.sh ONNX_PARITY OUTDIR [ORIGINALS_DIR]: export models of several shapes, check
# them with the ONNX checker, and compare ONNX Runtime with LibTorch (also on real X-rays when
# the originals folder exists).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tool=$1
out=$2
originals=${3:-}
images=()
if [[ -n $originals && -d $originals ]]; then
  mapfile -t images < <(find "$originals" -type f -iname '*.jp*g' | sort | head -n 12)
else
  echo "note: no originals folder; parity on random inputs only"
fi
rm -rf "$out"
"$tool" "$out" "${images[@]}"
/usr/bin/python3 "$here/onnx_check.py" "$out/manifest.json"
node "$here/onnx_parity.mjs" "$out/manifest.json"
