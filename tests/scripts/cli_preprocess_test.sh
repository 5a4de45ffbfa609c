#!/usr/bin/env bash
# cli_preprocess_test.sh NATIVE_BIN WASM_JS FIXTURES
# xray-preprocess natively and under node: same arguments, same bytes out, same refusals, and
# nothing written when it refuses.
set -uo pipefail
native=$1
wasm=$2
fixtures=$3
[[ -f $wasm ]] || { echo "error: $wasm is missing: run scripts/build.sh wasm" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# run BUILD ARGS...: sets rc, out (stdout), err (stderr)
run() {
  local build=$1
  shift
  if [[ $build == native ]]; then "$native" "$@" >"$tmp/out" 2>"$tmp/err"; else node "$wasm" "$@" >"$tmp/out" 2>"$tmp/err"; fi
  rc=$?
  out=$(cat "$tmp/out")
  err=$(cat "$tmp/err")
}

# A good file: identical output bytes, and the size the spec asks for.
good=$fixtures/jpeg_progressive_gray_1654x1320.jpg
for build in native wasm; do
  run $build "$good" "$tmp/$build.f32"
  [[ $rc == 0 ]] || fail "$build: exit $rc on $good: $err"
  [[ $out == *"JPEG 1654x1320, 1 channel, 8-bit, progressive"* ]] || fail "$build: summary lacks the source: $out"
done
cmp -s "$tmp/native.f32" "$tmp/wasm.f32" || fail "native and WASM wrote different tensors for $good"
[[ $(stat -c %s "$tmp/native.f32") == $((224 * 224 * 4)) ]] || fail "tensor is not 224x224 float32"

# --spec takes a spec file or a model card holding one.
echo '{"labels": ["NORMAL", "PNEUMONIA"], "preprocess": {"width": 128, "height": 96, "resize": "letterbox"}}' > "$tmp/model.json"
for build in native wasm; do
  run $build --spec "$tmp/model.json" --pgm "$tmp/$build.pgm" "$good" "$tmp/$build-128.f32"
  [[ $rc == 0 ]] || fail "$build --spec model.json: exit $rc: $err"
done
cmp -s "$tmp/native-128.f32" "$tmp/wasm-128.f32" || fail "--spec: native and WASM differ"
cmp -s "$tmp/native.pgm" "$tmp/wasm.pgm" || fail "--pgm: native and WASM differ"
[[ $(stat -c %s "$tmp/native-128.f32") == $((128 * 96 * 4)) ]] || fail "--spec size not honoured"

# Bad inputs: exit 1, the reason on stderr, the same reason in both builds, no output file.
declare -A reason=(
  [bad_empty.jpeg]="empty input: the file has zero bytes"
  [bad_html.jpeg]="not an image this reader knows (first bytes 3c 21 44 4f)"
  [bad_truncated.jpeg]="truncated JPEG"
  [bad_truncated.png]="truncated PNG"
  [bad_50000x50000.png]="image is 50000x50000 pixels"
  [bad_garbage_after_marker.jpeg]="JPEG"
  [bad_1x1.png]="image is 1x1 pixels; the smallest accepted is 16x16"
)
for name in "${!reason[@]}"; do
  for build in native wasm; do
    run $build "$fixtures/$name" "$tmp/bad-$build.f32"
    [[ $rc == 1 ]] || fail "$build $name: exit $rc, expected 1"
    [[ $err == *"${reason[$name]}"* ]] || fail "$build $name: stderr \"$err\" lacks \"${reason[$name]}\""
    [[ ! -e $tmp/bad-$build.f32 ]] || fail "$build $name: wrote an output file"
    printf '%s\n' "$err" > "$tmp/err-$build"
  done
  cmp -s "$tmp/err-native" "$tmp/err-wasm" || fail "$name: native and WASM give different messages"
  echo "refused $name: $err"
done

# Usage and I/O errors.
for build in native wasm; do
  run $build "$good"
  [[ $rc == 2 && $err == *"expected IMAGE and OUT.f32"* ]] || fail "$build: missing OUT: exit $rc, $err"
  run $build --bogus "$good" "$tmp/x.f32"
  [[ $rc == 2 && $err == *"unknown option --bogus"* ]] || fail "$build: unknown option: exit $rc, $err"
  run $build "$tmp/does-not-exist.jpg" "$tmp/x.f32"
  [[ $rc == 1 && $err == *"cannot open"* ]] || fail "$build: missing input: exit $rc, $err"
  run $build "$good" "$tmp/no-such-dir/x.f32"
  [[ $rc == 1 && $err == *"cannot write"* ]] || fail "$build: unwritable output: exit $rc, $err"
  echo '{"width": 0}' > "$tmp/bad-spec.json"
  run $build --spec "$tmp/bad-spec.json" "$good" "$tmp/x.f32"
  [[ $rc == 1 && $err == *"outside 1..4096"* ]] || fail "$build: bad spec: exit $rc, $err"
  run $build --max-megapixels 1 "$good" "$tmp/x.f32"
  [[ $rc == 1 && $err == *"the limit is 1.0 megapixels"* ]] || fail "$build: --max-megapixels: exit $rc, $err"
done
[[ -z $(ls "$tmp" | grep -F .tmp-) ]] || fail "temporary files left behind"

(( failures == 0 )) && echo "cli: all checks passed" || echo "cli: $failures failures"
(( failures == 0 ))
