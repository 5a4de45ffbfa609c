#!/usr/bin/env bash
# Installs everything this project needs on Debian 12, from Debian's repositories only.
# Idempotent: a second run installs nothing and takes a second.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo_cmd=()
[[ $(id -u) == 0 ]] || sudo_cmd=(sudo)

packages=(
  # build
  cmake ninja-build g++ pkg-config
  # shared preprocessing
  libstb-dev nlohmann-json3-dev
  # trainer (LibTorch CPU, CLI11)
  libtorch-dev libcli11-dev
  # WebAssembly
  emscripten nodejs
  # tests, benchmarks, fuzzing, fixtures (cjpeg writes the progressive JPEG fixtures)
  libgtest-dev libbenchmark-dev clang-14 libclang-rt-14-dev libjpeg-turbo-progs
  # fetching Dear ImGui's source package
  dpkg-dev
  # test oracles: the ONNX checker (python3-onnx, for /usr/bin/python3); npm for ONNX Runtime;
  # DICOM fixtures and their decoders (pydicom writes them, dcmtk compresses and decompresses)
  python3-onnx python3-pydicom dcmtk
  # browser end-to-end tests (driven by playwright-core from npm)
  chromium
)
# npm: the machine's own when it has one; Debian's otherwise.
command -v npm >/dev/null || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if (( ${#missing[@]} )); then
  echo "setup: installing ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Dear ImGui comes as Debian's source package (core + backends), unpacked into an ignored folder.
if [[ ! -f third_party/imgui/imgui.h ]]; then
  if ! apt-get source --print-uris imgui >/dev/null 2>&1; then
    # Enable deb-src entries that mirror the configured deb ones.
    if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
      sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources |
        "${sudo_cmd[@]}" tee /etc/apt/sources.list.d/xray-deb-src.sources >/dev/null
    else
      grep -h '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' |
        "${sudo_cmd[@]}" tee /etc/apt/sources.list.d/xray-deb-src.list >/dev/null
    fi
    "${sudo_cmd[@]}" apt-get update -qq
  fi
  rm -rf third_party/imgui-src && mkdir -p third_party/imgui-src
  (cd third_party/imgui-src && apt-get source -qq imgui >/dev/null)
  src=$(find third_party/imgui-src -maxdepth 2 -name imgui.h -printf '%h\n' | head -n 1)
  [[ -n $src ]] || { echo "setup: imgui source package has no imgui.h" >&2; exit 1; }
  rm -rf third_party/imgui && mv "$src" third_party/imgui && rm -rf third_party/imgui-src
  echo "setup: Dear ImGui $(grep -m1 'define IMGUI_VERSION ' third_party/imgui/imgui.h | cut -d'"' -f2) in third_party/imgui"
fi
# npm packages (web/package-lock.json): ONNX Runtime for Node is the test oracle. Its install
# script would download CUDA files (no network here), so it is skipped; the CPU build is in the package.
lock_sum=$(sha256sum web/package-lock.json | cut -c1-64)
if [[ ! -f web/node_modules/.xray-lock-sha256 || $(cat web/node_modules/.xray-lock-sha256) != "$lock_sum" ]]; then
  echo "setup: npm ci in web/"
  (cd web && ONNXRUNTIME_NODE_INSTALL=skip npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  echo "$lock_sum" > web/node_modules/.xray-lock-sha256
fi
echo "setup: done"
