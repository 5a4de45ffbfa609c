#!/usr/bin/env python3
"""The tables of scripts/bench/gpu.sh, from what its steps left in OUT and WORK: end-to-end times
and throughput per recipe against the network's ceiling and the PyTorch peer, the ceiling study,
CUDA vs CPU probabilities, and the recipes' validation quality. Writes OUT/table.md and
OUT/summary.json and prints the table. Inputs come through the environment (see gpu.sh).

usage: gpu_table.py OUT WORK
"""
import csv
import json
import os
import statistics
import sys


def read_runs(out):
    runs = {}
    for line in open(f"{out}/runs.tsv"):
        label, seed, seconds, model, status = line.rstrip("\n").split("\t")
        log = [json.loads(h) for h in open(f"{model}/train_log.jsonl") if h.strip()]
        card = json.load(open(f"{model}/model.json"))
        rates = [h["images_per_second"] for h in log]
        runs.setdefault(label, []).append({
            "seed": int(seed), "end_to_end": float(seconds), "loop": sum(h["seconds"] for h in log),
            "steady": statistics.median(rates[1:] or rates),  # the first epoch carries warm-up
            "exit_status": int(status), "first_epoch": log[0]["seconds"],
            "batch": card["training"]["batch"], "epochs": len(log), "libtorch": card.get("versions", {}).get("libtorch", "?")})
    return runs


def read_ceilings(out):
    found = []
    for line in open(f"{out}/ceiling.log"):
        if line.startswith("{"):
            found.append(json.loads(line))
    return found


def probabilities(path):
    if not os.path.exists(path):
        return {}
    return {r["path"]: float(r["probability"]) for r in csv.DictReader(open(path)) if r.get("probability")}


def auc(path):
    try:
        e = json.load(open(path))
    except (OSError, ValueError):
        return None
    for where in (e, e.get("metrics", {})):
        if isinstance(where, dict) and "roc_auc" in where:
            return where["roc_auc"]
    return None


def main():
    out, work = sys.argv[1:3]
    env = os.environ
    device = env["DEVICE"]
    runs = read_runs(out)
    ceilings = read_ceilings(out)
    # The ceiling at each batch: train-ceiling with the trainer's own settings (the study's
    # variants switch one off each).
    cuda = device == "cuda"
    own = {"optimizer": "multi-tensor", "layout": "channels-last" if cuda else "contiguous",
           "precision": "bf16" if cuda else "fp32", "cudnn_benchmark": False}
    default_ceiling = {c["batch"]: c["images_per_second"] for c in ceilings if all(c.get(k) == v for k, v in own.items())}
    peer = json.loads(env["PEER_JSON"]) if env.get("PEER_JSON") else None
    peer_e2e = float(env["PEER_E2E"]) if env.get("PEER_E2E") else None

    f1 = lambda v: "" if v is None else f"{v:,.1f}"
    f0 = lambda v: "" if v is None else f"{v:,.0f}"
    libtorch = next((r[0]["libtorch"] for r in runs.values() if r), "?")
    lines = [f"GPU: **{env['GPU_NAME']}**, LibTorch {libtorch}, torch {peer['torch'] if peer else '(peer skipped)'}; "
             f"LibTorch unit tests: {env.get('TESTS', '?')}", "",
             "| run | seeds | end to end (s), median (min-max) | loop (s) | images/s (steady) | ceiling at its batch | of the ceiling | "
             "PyTorch script's end to end / this |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    notes = []
    for label, rs in runs.items():
        e2e = [r["end_to_end"] for r in rs]
        med = statistics.median(e2e)
        steady = statistics.median(r["steady"] for r in rs)
        batch = rs[0]["batch"]
        ceiling = default_ceiling.get(batch)
        lines.append(f"| `xray train` {label} (batch {batch}, 128 px, {rs[0]['epochs']} epochs) | {len(rs)} | "
                     f"{med:.1f} ({min(e2e):.1f}-{max(e2e):.1f}) | {statistics.median(r['loop'] for r in rs):.1f} | {f0(steady)} | "
                     f"{f0(ceiling)} | {'' if not ceiling else f'{100 * steady / ceiling:.0f}%'} | "
                     f"{'' if not peer_e2e else f'{peer_e2e / med:.1f}x'} |")
        crashed = [r["seed"] for r in rs if r["exit_status"]]
        if crashed:
            notes.append(f"{label}: complete model folders, but a nonzero exit status for seeds {crashed}")
    if peer:
        lines.append(f"| PyTorch script (ImageFolder + DataLoader, {peer['workers']} workers; batch {peer['batch']}, "
                     f"{peer['epochs']} epochs) | 1 | {f1(peer_e2e)} | {f1(peer['loop_seconds'])} | {f0(peer['steady_images_per_second'])} | | | 1.0x |")
    else:
        lines.append(f"| PyTorch script | | {env.get('PEER_STATUS', '')} | | | | | |")

    lines += [f"Note: {n}" for n in notes]
    lines += ["", "First epoch (s, warm-up included), median: " + ", ".join(
        f"{label} {statistics.median(r['first_epoch'] for r in rs):.2f}" for label, rs in runs.items())]
    lines += ["", "Ceiling (train-ceiling: forward + backward + AdamW on random data already on the GPU):", "",
              "| batch | optimizer | layout | precision | cuDNN benchmark | images/s |", "|---:|---|---|---|---|---:|"]
    for c in ceilings:
        lines.append(f"| {c['batch']} | {c.get('optimizer', '?')} | {c.get('layout', '?')} | {c.get('precision', '?')} | "
                     f"{'on' if c.get('cudnn_benchmark') else 'off'} | {f0(c['images_per_second'])} |")

    cpu, dev = probabilities(f"{work}/predict_cpuonly.csv"), probabilities(f"{work}/predict_{device}.csv")
    common = sorted(set(cpu) & set(dev))
    max_diff = max((abs(cpu[p] - dev[p]) for p in common), default=None)
    auc_cpu, auc_dev = auc(f"{work}/eval_cpuonly.json"), auc(f"{work}/eval_{device}.json")
    lines += ["", f"The --preset gpu model, trained on {device}, used with --device cpu (GPU hidden): max |P difference| "
              f"{'n/a' if max_diff is None else f'{max_diff:.2e}'} over {len(common)} images "
              f"(limit 1e-4: {'met' if max_diff is not None and max_diff <= 1e-4 else 'NOT MET'}); evaluate ROC AUC "
              f"cpu {auc_cpu}, {device} {auc_dev}. Whole benchmark {float(env['BENCH_SECONDS']):.0f} s.", ""]
    if os.path.exists(f"{out}/quality.md"):
        lines += ["Validation quality (in-distribution: held-out training patients; as they are and stressed), mean ± sd over seeds:", "",
                  open(f"{out}/quality.md").read().rstrip()]
    table = "\n".join(lines)
    print(table)
    open(f"{out}/table.md", "w").write(table + "\n")
    json.dump({"gpu": env["GPU_NAME"], "runs": runs, "ceilings": ceilings, "peer": peer, "peer_end_to_end_s": peer_e2e,
               "cpu_vs_device_max_abs_diff": max_diff, "compared_images": len(common), "auc_cpu_only": auc_cpu,
               "auc_on_device": auc_dev, "device": device}, open(f"{out}/summary.json", "w"), indent=1)


if __name__ == "__main__":
    main()
