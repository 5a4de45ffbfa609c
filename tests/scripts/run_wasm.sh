#!/usr/bin/env bash
# run_wasm.sh FILE.js [ARGS...]: runs a WASM build's executable under node, or says what to build.
set -euo pipefail
js=$1
shift
if [[ ! -f $js ]]; then
  echo "error: $js is missing: build the WebAssembly tree first (scripts/build.sh wasm)" >&2
  exit 1
fi
exec node "$js" "$@"
