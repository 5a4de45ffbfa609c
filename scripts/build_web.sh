#!/usr/bin/env bash
# Assembles dist/: static files only, relative paths, servable from any sub-path of any static
# host. usage: scripts/build_web.sh [MODEL_DIR [OUT_DIR]]   (default web/model and dist/)
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:-web/model}
out=${2:-dist}
for f in model.json model.onnx; do
  [[ -f $model/$f ]] || { echo "build_web: $model/$f not found (train one with build/bin/xray train, or pass a model folder)" >&2; exit 1; }
done
scripts/build.sh wasm >/dev/null
ort=web/node_modules/onnxruntime-web/dist
[[ -f $ort/ort.wasm.min.mjs ]] || { echo "build_web: onnxruntime-web missing: run scripts/setup.sh" >&2; exit 1; }
rm -rf "$out.tmp" && mkdir -p "$out.tmp/ort" "$out.tmp/model"
cp web/index.html web/style.css web/*.js build-wasm/bin/xray-app.js build-wasm/bin/xray-app.wasm build-wasm/bin/xray-worker.js build-wasm/bin/xray-worker.wasm "$out.tmp/"
cp "$ort/ort.wasm.min.mjs" "$ort/ort-wasm-simd-threaded.mjs" "$ort/ort-wasm-simd-threaded.wasm" "$out.tmp/ort/"
cp "$model/model.json" "$model/model.onnx" "$out.tmp/model/"
# The service worker's list of the page's files, with their sha256 (web/service_worker.js).
node scripts/write_precache.mjs "$out.tmp" >/dev/null
rm -rf "$out" && mv "$out.tmp" "$out"
echo "$out/: $(find "$out" -type f | wc -l) files, $(du -sh "$out" | cut -f1) ($(tar -cz -C "$out" . | wc -c | numfmt --to=iec) gzipped), model from $model"
