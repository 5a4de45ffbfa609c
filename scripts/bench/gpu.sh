#!/usr/bin/env bash
# The GPU benchmark, one command: builds the trainer against the Python wheel's LibTorch, measures
# the network's own ceiling (train-ceiling), times `xray train` with the default recipe from process
# start to a complete model folder, checks that the CUDA-trained model gives the same probabilities
# on the CPU, runs the plain PyTorch peer (pytorch_peer.py) with the same settings, and prints a
# markdown table. Meant to finish within 6 minutes on one H100/H200.
#
# usage, on the GPU machine:  scripts/bench/gpu.sh [DATA_DIR]
#        here, on the CPU:     scripts/bench/gpu.sh --cpu-smoke [DATA_DIR]
#   DATA_DIR defaults to ../shared/data/chest_xray_224, else third_party/carry/data.
#   The GPU machine has no Debian packages: first run scripts/bench/gpu_carry.sh here and send
#   third_party/carry (headers, GoogleTest source, data) along with the tree.
#   --cpu-smoke checks the plumbing on a machine without a GPU: system LibTorch, --device cpu,
#   1 epoch on 50 images per class, a few ceiling steps.
# environment:
#   XRAY_BENCH_OUT     where the logs, table.md and summary.json go (default BUILD/bench)
#   XRAY_BUILD_DIR     build folder (default build-gpu; build-cpu-smoke with --cpu-smoke)
#   XRAY_TRAIN_FLAGS   extra `xray train` flags, e.g. a GPU preset
#   XRAY_BENCH_BUDGET  seconds the whole run may take; the peer gets what is left (default 360)
#   XRAY_PYTHON        interpreter with torch + torchvision (default python3)
#   XRAY_JOBS          build jobs (default all cores)
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

# Copies of the header-only dependencies and GoogleTest when the machine lacks them.
carry_dir=""
if [[ -f $carry/stb/stb_image.h ]]; then
  carry_dir=$carry
elif ((!smoke)); then
  die "$carry/ is missing: run scripts/bench/gpu_carry.sh on a machine with the Debian packages and send it along"
fi

note "build: $build ($([[ -n $prefix ]] && echo "LibTorch from $prefix" || echo "system LibTorch")${carry_dir:+, headers from $carry_dir})"
XRAY_BUILD_DIR=$build XRAY_TORCH_PREFIX=$prefix XRAY_CARRY_DIR=$carry_dir XRAY_TARGETS="xray train-ceiling" \
  scripts/build.sh native >"$out/build.log" 2>&1 || { tail -n 40 "$out/build.log" >&2; die "build failed (log: $out/build.log)"; }
xray=$build/bin/xray

# 1. The trainer, default recipe, timed from process start to a complete model folder.
model=$work/model
train_flags=(--data "$data" --out "$model" --device "$device")
((smoke)) && train_flags+=(--epochs 1 --max-per-class 50)
read -r -a extra_flags <<<"${XRAY_TRAIN_FLAGS:-}"
note "train: xray train ${train_flags[*]} ${extra_flags[*]}"
t0=$(now)
"$xray" train "${train_flags[@]}" "${extra_flags[@]}" >"$out/train.log" 2>&1 || { tail -n 30 "$out/train.log" >&2; die "xray train failed"; }
t1=$(now)
for f in model.pt model.onnx model.json train_log.jsonl; do [[ -s $model/$f ]] || die "$model/$f missing after training"; done
cp "$model/model.json" "$out/model.json"
train_e2e=$(minus "$t1" "$t0")
# The recipe's batch, size and epochs as the card recorded them, for the ceiling and the peer.
read -r batch size epochs < <("$python" - "$model" <<'EOF'
import json, sys
card = json.load(open(sys.argv[1] + "/model.json"))
epochs = sum(1 for line in open(sys.argv[1] + "/train_log.jsonl") if line.strip())
print(card["training"]["batch"], card["preprocess"]["width"], epochs)
EOF
) || die "cannot read the batch, size and epochs from $model/model.json"
note "train: ${train_e2e} s end to end (batch $batch, ${size}px, $epochs epochs)"

# 2. The network's ceiling at the same size, at batch 32 and at the recipe's batch.
: >"$out/ceiling.log"
for b in $(printf '%s\n' 32 "$batch" | sort -nu); do
  if ((smoke)); then steps=3 warmup=1; else steps=$((12800 / b > 100 ? 12800 / b : 100)) warmup=30; fi
  note "ceiling: batch $b, $steps steps"
  "$build/bin/train-ceiling" --device "$device" --batch "$b" --image-size "$size" --steps "$steps" --warmup "$warmup" \
    >>"$out/ceiling.log" 2>&1 || { cat "$out/ceiling.log" >&2; die "train-ceiling failed"; }
done

# 3. The CUDA-trained model on the CPU: predict and evaluate on both devices, with the GPU hidden
# for the CPU runs so that they see what a machine without one sees; export there too (into a
# copy, since export rewrites the card).
note "cpu vs $device: predict, evaluate, export on $data/val"
cmp=$out/compare.log
cp -r "$model" "$work/model_export_cpu"
logged() { echo "\$ $*"; "$@" || echo "FAILED (exit $?): $*"; }  # each runs even if one fails
{
  logged env CUDA_VISIBLE_DEVICES= "$xray" predict --model "$model" --device cpu --csv "$work/predict_cpuonly.csv" "$data/val"
  logged "$xray" predict --model "$model" --device "$device" --csv "$work/predict_$device.csv" "$data/val"
  logged env CUDA_VISIBLE_DEVICES= "$xray" evaluate --model "$model" --data "$data" --split val --device cpu --json "$work/eval_cpuonly.json"
  logged "$xray" evaluate --model "$model" --data "$data" --split val --device "$device" --json "$work/eval_$device.json"
  logged env CUDA_VISIBLE_DEVICES= "$xray" export --model "$work/model_export_cpu"
} >"$cmp" 2>&1
for f in "$work"/predict_*.csv "$work"/eval_*.json; do
  if [[ -f $f ]]; then echo "== $(basename "$f")" && cat "$f"; fi
done >>"$cmp"

# 4. The plain PyTorch script, same data, size, batch and epochs; it gets what is left of the budget.
peer_e2e="" peer_json="" peer_status="skipped: no torch + torchvision"
if "$python" -c 'import torch, torchvision' 2>/dev/null; then
  peer_flags=(--data "$data" --epochs "$epochs" --batch "$batch" --image-size "$size" --device "$device")
  if ((smoke)); then
    peer_flags+=(--workers 2 --max-per-class 50)
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

# 5. The table.
note "table"
GPU_NAME=$gpu_name TRAIN_E2E=$train_e2e PEER_E2E=$peer_e2e PEER_JSON=$peer_json PEER_STATUS=$peer_status BATCH=$batch DEVICE=$device \
  TRAIN_FLAGS="${XRAY_TRAIN_FLAGS:-}" \
  BENCH_SECONDS=$(elapsed) "$python" - "$model" "$out" "$work" <<'EOF'
import csv, json, os, statistics, sys
model, out, work = sys.argv[1:4]
env = os.environ
device, batch = env["DEVICE"], int(env["BATCH"])
card = json.load(open(f"{model}/model.json"))
log = [json.loads(line) for line in open(f"{model}/train_log.jsonl") if line.strip()]
loop = sum(h["seconds"] for h in log)
rates = [h["images_per_second"] for h in log]
steady = statistics.median(rates[1:] or rates)  # the first epoch carries warm-up
ceilings = {}
for line in open(f"{out}/ceiling.log"):
    if line.startswith("{"):
        c = json.loads(line)
        ceilings[c["batch"]] = c["images_per_second"]
peer = json.loads(env["PEER_JSON"]) if env.get("PEER_JSON") else None
train_e2e = float(env["TRAIN_E2E"])
peer_e2e = float(env["PEER_E2E"]) if env.get("PEER_E2E") else None

def probabilities(path):
    if not os.path.exists(path):
        return {}
    return {r["path"]: float(r["probability"]) for r in csv.DictReader(open(path)) if r.get("probability")}
cpu, dev = probabilities(f"{work}/predict_cpuonly.csv"), probabilities(f"{work}/predict_{device}.csv")
common = sorted(set(cpu) & set(dev))
max_diff = max((abs(cpu[p] - dev[p]) for p in common), default=None)
evals = {}
for d, name in (("cpu", "cpuonly"), (device, device)):
    try:
        evals[d] = json.load(open(f"{work}/eval_{name}.json"))
    except (OSError, ValueError):
        evals[d] = None
def auc(e):
    if not e:
        return "failed"
    for k in ("roc_auc", "auc"):
        if k in e:
            return f"{e[k]:.6f}"
        if isinstance(e.get("metrics"), dict) and k in e["metrics"]:
            return f"{e['metrics'][k]:.6f}"
    return "?"

f1 = lambda v: "" if v is None else f"{v:,.1f}"
f0 = lambda v: "" if v is None else f"{v:,.0f}"
pct = lambda a, b: "" if a is None or not b else f"{100 * a / b:.0f}%"
times = lambda a, b: "" if a is None or not b else f"{a / b:.1f}x"
ceiling = ceilings.get(batch)
peer_rate = peer["steady_images_per_second"] if peer else None
rows = [
    ("run", "end to end (s)", "loop (s)", "images/s", "of the ceiling", "PyTorch script's end to end / this"),
    (f"`xray train` default recipe{' ' + env['TRAIN_FLAGS'] if env['TRAIN_FLAGS'] else ''} (batch {batch}, {card['preprocess']['width']} px, {len(log)} epoch{'s' * (len(log) != 1)})",
     f1(train_e2e), f1(loop), f0(steady), pct(steady, ceiling), times(peer_e2e, train_e2e)),
]
for b in sorted(ceilings):
    rows.append((f"ceiling: train-ceiling, batch {b}", "", "", f0(ceilings[b]), "100%" if b == batch else "", ""))
rows.append(("PyTorch script (ImageFolder + DataLoader, " + (f"{peer['workers']} workers)" if peer else env["PEER_STATUS"] + ")"),
             f1(peer_e2e), f1(peer["loop_seconds"]) if peer else "", f0(peer_rate), pct(peer_rate, ceiling),
             "1.0x" if peer else ""))
lines = [f"GPU: **{env['GPU_NAME']}**, LibTorch {card.get('versions', {}).get('libtorch', '?')}, "
         f"torch {peer['torch'] if peer else '(peer skipped)'}", ""]
lines += ["| " + " | ".join(r) + " |" for r in rows[:1]] + ["|---|---:|---:|---:|---:|---:|"]
lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
lines += ["", f"images/s: median over the epochs after the first; loop: the training passes only. "
          f"CPU vs {device}: max |P difference| {max_diff if max_diff is not None else 'n/a'} over {len(common)} images of val/ "
          f"(limit 1e-4: {'ok' if max_diff is not None and max_diff <= 1e-4 else 'NOT MET'}); "
          f"evaluate ROC AUC cpu {auc(evals['cpu'])}, {device} {auc(evals[device])}; "
          f"whole benchmark {float(env['BENCH_SECONDS']):.0f} s."]
table = "\n".join(lines)
print(table)
open(f"{out}/table.md", "w").write(table + "\n")
json.dump({"gpu": env["GPU_NAME"], "train_end_to_end_s": train_e2e, "train_loop_s": loop, "train_images_per_second": steady,
           "ceiling_images_per_second": ceilings, "peer": peer, "peer_end_to_end_s": peer_e2e,
           "cpu_vs_device_max_abs_diff": max_diff, "compared_images": len(common),
           "eval_cpu": evals["cpu"], f"eval_{device}": evals[device]},
          open(f"{out}/summary.json", "w"), indent=1)
EOF
note "done: $out (build.log train.log model.json ceiling.log compare.log peer.log table.md summary.json)"
