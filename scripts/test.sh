#!/usr/bin/env bash
# The test command: set up, build both trees, run every test (native, WASM under node, and the
# native-vs-WASM comparisons). CI runs exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh all
ctest --test-dir build --output-on-failure -j "${XRAY_JOBS:-$(nproc)}"
ctest --test-dir build-wasm --output-on-failure
