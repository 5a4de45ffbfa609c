#!/usr/bin/env bash
# compare_native_wasm.sh NATIVE_DIGEST WASM_DIGEST_JS DIR
# Preprocesses every image in DIR natively and in WASM and fails unless the float32 tensors (or
# the refusals) are identical, file by file. Exits 77 (skipped) when DIR does not exist.
set -euo pipefail
native=$1
wasm=$2
dir=$3
if [[ ! -d $dir ]]; then
  echo "SKIPPED: $dir not found (the development X-rays are optional)"
  exit 77
fi
[[ -f $wasm ]] || { echo "error: $wasm is missing: run scripts/build.sh wasm" >&2; exit 1; }
mapfile -t files < <(find "$dir" -type f \( -iname '*.jp*g' -o -iname '*.png' -o -iname '*.bmp' -o -iname '*.p[gp]m' \) | sort)
(( ${#files[@]} )) || { echo "error: no images in $dir" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$native" "${files[@]}" > "$tmp/native.txt"
node "$wasm" "${files[@]}" > "$tmp/wasm.txt"
if ! diff "$tmp/native.txt" "$tmp/wasm.txt"; then
  echo "FAILED: native and WASM preprocessing differ (lines above: < native, > wasm)"
  exit 1
fi
ok=$(grep -c $'\tok\t' "$tmp/native.txt" || true)
echo "identical: ${#files[@]} images in $dir ($ok tensors bit-identical, $(( ${#files[@]} - ok )) refusals identical)"
cat "$tmp/native.txt"
