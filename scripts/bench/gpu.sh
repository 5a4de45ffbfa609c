#!/usr/bin/env bash
# The GPU benchmark, one command: builds the trainer (and its LibTorch unit tests) against the
# Python wheel's LibTorch; times `xray train` from process start to a complete model folder for the
# default recipe and for `--preset gpu`, over several seeds; measures the network's own ceiling
# (train-ceiling) at each recipe's batch; checks that a CUDA-trained model gives the same
# probabilities on the CPU; compares the recipes' validation quality (recipe_quality.py); runs the
# plain PyTorch peer (pytorch_peer.py) with the fast recipe's settings; prints markdown tables.
# About 3.5 minutes on one H200, the build included (2.5 without it).
#
# usage, on the GPU machine:  scripts/bench/gpu.sh [DATA_DIR]
#        here, on the CPU:     scripts/bench/gpu.sh --cpu-smoke [DATA_DIR]
#   DATA_DIR defaults to ../shared/data/chest_xray_224, else third_party/carry/data.
#   The GPU machine has no Debian packages: first run scripts/bench/gpu_carry.sh here and send
#   third_party/carry (headers, GoogleTest source, data) along with the tree.
#   --cpu-smoke checks the plumbing on a machine without a GPU: system LibTorch, --device cpu,
#   1 epoch on 50 images per class, one seed, a few ceiling steps.
# environment:
#   XRAY_BENCH_OUT     where the logs, tables and summary.json go (default BUILD/bench)
#   XRAY_BUILD_DIR     build folder (default build-gpu; build-cpu-smoke with --cpu-smoke)
#   XRAY_BENCH_SEEDS   seeds per recipe (default "1 2 3"; the first seed's runs come first)
#   XRAY_BENCH_EXTRA   more recipes to compare, "label=flags;label=flags" (e.g. "b256=--batch 256 --lr 0.0057");
#                      NAME=value words are set in the environment; a label ending in @1 runs the first seed only
#   XRAY_BENCH_STUDY   1: also time the ceiling with the trainer's speed settings turned off one by one
#   XRAY_BENCH_BUDGET  seconds the whole run may take; the peer gets what is left (default 360)
#   XRAY_PYTHON        interpreter with torch + torchvision (default python3)
set -euo pipefail
bench_start=$(date +%s.%N)
cd "$(dirname "$0")/../.."

smoke=0
if [[ ${1:-} == --cpu-smoke ]]; then
  smoke=1
  shift
fi
data=${1:-../shared/data/chest_xray_224}
[[ -z ${1:-} && ! -d $data/train && -d third_party/carry/data/train ]] && data=third_party/carry/data
[[ -d $data/train ]] || { echo "gpu.sh: $data/train not found (give DATA_DIR)" >&2; exit 1; }
python=${XRAY_PYTHON:-python3}
carry=third_party/carry
budget=${XRAY_BENCH_BUDGET:-360}
read -r -a seeds <<<"${XRAY_BENCH_SEEDS:-1 2 3}"
((smoke)) && seeds=("${seeds[0]}")

now() { date +%s.%N; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }  # awk, as bc is not on every machine
elapsed() { minus "$(now)" "$bench_start"; }
note() { printf '[%6.1f s] %s\n' "$(elapsed)" "$*"; }
die() { echo "gpu.sh: $*" >&2; exit 1; }

if ((smoke)); then
  device=cpu
  build=${XRAY_BUILD_DIR:-build-cpu-smoke}
  prefix=""  # the system LibTorch
  gpu_name="no GPU: --cpu-smoke on $(nproc) cores of $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
else
  device=cuda
  build=${XRAY_BUILD_DIR:-build-gpu}
  gpu_name=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -n 1) || die "nvidia-smi found no GPU (use --cpu-smoke)"
  prefix=$("$python" -c 'import torch; print(torch.utils.cmake_prefix_path)') || die "$python cannot import torch"
fi
out=${XRAY_BENCH_OUT:-$build/bench}
work=$build/bench-work
mkdir -p "$out"
rm -rf "$work" && mkdir -p "$work"

carry_dir=""  # copies of the header-only dependencies and GoogleTest, for the GPU machine that lacks them
if ((smoke)); then
  :  # this machine has the Debian packages
elif [[ -f $carry/stb/stb_image.h ]]; then
  carry_dir=$carry
else
  die "$carry/ is missing: run scripts/bench/gpu_carry.sh on a machine with the Debian packages and send it along"
fi

# 0. Build, and run the LibTorch unit tests (weights that travel, the multi-tensor AdamW step)
# against this LibTorch.
note "build: $build ($([[ -n $prefix ]] && echo "LibTorch from $prefix" || echo "system LibTorch")${carry_dir:+, headers from $carry_dir})"
XRAY_BUILD_DIR=$build XRAY_TORCH_PREFIX=$prefix XRAY_CARRY_DIR=$carry_dir XRAY_TARGETS="xray train-ceiling torch_tests" \
  scripts/build.sh native >"$out/build.log" 2>&1 || { tail -n 40 "$out/build.log" >&2; die "build failed (log: $out/build.log)"; }
xray=$build/bin/xray
note "build done; unit tests: torch_tests"
tests_status=passed
"$build/bin/torch_tests" >"$out/tests.log" 2>&1 || { tests_status="FAILED (tests.log)"; tail -n 20 "$out/tests.log" >&2; }

# 1. The recipes, each timed from process start to a complete model folder, seed by seed.
recipes=("default=" "preset gpu=--preset gpu")
IFS=';' read -r -a extra <<<"${XRAY_BENCH_EXTRA:-}"
for r in "${extra[@]}"; do [[ -n $r ]] && recipes+=("$r"); done
: >"$out/runs.tsv"
stamp_lines() { "$python" -u -c 'import sys, time
t = time.time()
for line in sys.stdin:
    sys.stdout.write(f"{time.time() - t:7.2f} {line}")'; }
train_run() {  # train_run LABEL FLAGS SEED
  local label=$1 flags=$2 seed=$3 dir t0 t1
  dir=$work/$(echo "$label" | tr -c 'A-Za-z0-9\n' '-')-s$seed
  local args=(--data "$data" --out "$dir" --device "$device" --seed "$seed")
  ((smoke)) && args+=(--epochs 1 --max-per-class 50)
  local more=() envs=() words=() word
  read -r -a words <<<"$flags"  # split on blanks, no globbing
  for word in "${words[@]}"; do
    if [[ $word =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; then envs+=("$word"); else more+=("$word"); fi  # NAME=value: the environment
  done
  t0=$(now)
  # Each line of the log gets the seconds since the start (the time line of a run).
  local status=0
  env "${envs[@]}" "$xray" train "${args[@]}" "${more[@]}" 2>&1 | stamp_lines >"$dir.log" || status=${PIPESTATUS[0]}
  t1=$(now)
  if [[ -s $dir/model.pt && -s $dir/model.onnx && -s $dir/model.json ]]; then
    printf '%s\t%s\t%s\t%s\t%s\n' "$label" "$seed" "$(minus "$t1" "$t0")" "$dir" "$status" >>"$out/runs.tsv"
    note "train [$label] seed $seed: $(minus "$t1" "$t0") s end to end$( ((status)) && echo ", but exit status $status")"
  else
    note "train [$label] seed $seed FAILED (exit status $status):"
    tail -n 15 "$dir.log" >&2
  fi
}
for r in "${recipes[@]:0:2}"; do train_run "${r%%=*}" "${r#*=}" "${seeds[0]}"; done
first_model() { awk -F'\t' -v l="$1" '$1 == l { print $4; exit }' "$out/runs.tsv"; }
fast_model=$(first_model "preset gpu")
[[ -n $fast_model && -s $fast_model/model.json ]] || die "the --preset gpu run failed (see $work/*.log)"
cp "$fast_model/model.json" "$out/model.json"

# 2. The network's ceiling at each recipe's batch (and, for the study, with the trainer's speed
# settings turned off one at a time).
batch_of() { "$python" -c 'import json,sys; print(json.load(open(sys.argv[1] + "/model.json"))["training"]["batch"])' "$1"; }
: >"$out/ceiling.log"
ceiling() {  # ceiling BATCH [flags...]
  local b=$1 steps warmup
  shift
  if ((smoke)); then steps=3 warmup=1; else steps=$((12800 / b > 100 ? 12800 / b : 100)) warmup=30; fi
  "$build/bin/train-ceiling" --device "$device" --batch "$b" --image-size 128 --steps "$steps" --warmup "$warmup" "$@" \
    >>"$out/ceiling.log" 2>&1 || note "train-ceiling --batch $b $* failed"
}
batches=$(for r in "${recipes[@]:0:2}"; do m=$(first_model "${r%%=*}"); [[ -n $m ]] && batch_of "$m"; done | sort -nu)
for b in $batches; do
  note "ceiling: batch $b"
  ceiling "$b"
done
if [[ ${XRAY_BENCH_STUDY:-0} == 1 ]] && ((!smoke)); then
  for b in $batches 256; do
    note "ceiling study: batch $b"
    [[ $b == 256 ]] && ceiling 256
    ceiling "$b" --optimizer per-parameter
    ceiling "$b" --layout contiguous
    ceiling "$b" --precision fp32
    XRAY_CUDNN_BENCHMARK=1 ceiling "$b"
  done
fi

# 3. The CUDA-trained model on the CPU: predict and evaluate on both devices, with the GPU hidden
# for the CPU runs so that they see what a machine without one sees; export there too (into a
# copy, since export rewrites the card).
note "cpu vs $device: predict, evaluate, export of the --preset gpu model"
cmp=$out/compare.log
cp -r "$fast_model" "$work/model_export_cpu"
logged() { echo "\$ $*"; "$@" || echo "FAILED (exit $?): $*"; }  # each runs even if one fails
{
  logged env CUDA_VISIBLE_DEVICES= "$xray" predict --model "$fast_model" --device cpu --csv "$work/predict_cpuonly.csv" "$data/train" "$data/val"
  logged "$xray" predict --model "$fast_model" --device "$device" --csv "$work/predict_$device.csv" "$data/train" "$data/val"
  logged env CUDA_VISIBLE_DEVICES= "$xray" evaluate --model "$fast_model" --data "$data" --split val --device cpu --json "$work/eval_cpuonly.json"
  logged "$xray" evaluate --model "$fast_model" --data "$data" --split val --device "$device" --json "$work/eval_$device.json"
  logged env CUDA_VISIBLE_DEVICES= "$xray" export --model "$work/model_export_cpu"
  logged cmp "$work/model_export_cpu/model.onnx" "$fast_model/model.onnx"
} >"$cmp" 2>&1

# 4. The other seeds and recipes, for the quality comparison (and more end-to-end times).
for seed in "${seeds[@]:1}"; do
  for r in "${recipes[@]:0:2}"; do train_run "${r%%=*}" "${r#*=}" "$seed"; done
done
for r in "${recipes[@]:2}"; do
  label=${r%%=*}
  recipe_seeds=("${seeds[@]}")
  [[ $label == *@1 ]] && recipe_seeds=("${seeds[0]}")  # a label ending in @1: the first seed only (timing)
  for seed in "${recipe_seeds[@]}"; do train_run "$label" "${r#*=}" "$seed"; done
done
groups=()
for r in "${recipes[@]}"; do
  label=${r%%=*}
  groups+=("$label=$(awk -F'\t' -v l="$label" '$1 == l { printf "%s,", $4 }' "$out/runs.tsv")")
done
"$python" scripts/bench/recipe_quality.py "${groups[@]}" --json "$work/quality.json" >"$out/quality.md" || note "recipe_quality.py failed"

# 5. The plain PyTorch script with the fast recipe's data, size, batch, epochs and learning rate;
# it gets what is left of the budget.
peer_e2e="" peer_json="" peer_status="skipped: no torch + torchvision"
if "$python" -c 'import torch, torchvision' 2>/dev/null; then
  read -r batch lr epochs < <("$python" -c 'import json,sys; t=json.load(open(sys.argv[1] + "/model.json"))["training"]; print(t["batch"], t["learning_rate"], t["epochs"])' "$fast_model")
  peer_flags=(--data "$data" --epochs "$epochs" --batch "$batch" --lr "$lr" --image-size 128 --device "$device")
  if ((smoke)); then
    peer_flags+=(--workers 2 --max-per-class 50 --epochs 1)
    limit=0
  else
    peer_flags+=(--workers "$(($(nproc) < 8 ? $(nproc) : 8))")
    limit=$(awk -v b="$budget" -v e="$(elapsed)" 'BEGIN { l = int(b - e - 10); print (l > 30 ? l : 30) }')
  fi
  note "peer: pytorch_peer.py ${peer_flags[*]} (time limit: ${limit} s, 0 = none)"
  t0=$(now)
  if timeout "$limit" "$python" scripts/bench/pytorch_peer.py "${peer_flags[@]}" >"$work/peer.json" 2>"$out/peer.log"; then
    peer_e2e=$(minus "$(now)" "$t0")
    peer_json=$(tail -n 1 "$work/peer.json")
    echo "$peer_json" >>"$out/peer.log"
  else
    peer_status="failed or ran past ${limit} s, see peer.log"
    echo "gpu.sh: the peer $peer_status" | tee -a "$out/peer.log" >&2
  fi
else
  note "peer: skipped ($python has no torch + torchvision)"
  echo "skipped: $python has no torch + torchvision" >"$out/peer.log"
fi

# 6. The tables.
note "tables"
GPU_NAME=$gpu_name PEER_E2E=$peer_e2e PEER_JSON=$peer_json PEER_STATUS=$peer_status DEVICE=$device TESTS=$tests_status \
  BENCH_SECONDS=$(elapsed) "$python" scripts/bench/gpu_table.py "$out" "$work"
note "done: $out (build.log tests.log runs.tsv ceiling.log compare.log quality.md peer.log table.md summary.json)"
