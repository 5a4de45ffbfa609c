#!/usr/bin/env python3
"""Validation quality of training recipes, from the model cards their runs wrote: for each group
of runs (one recipe, several seeds), the mean and standard deviation over the seeds of ROC AUC on
the validation films as they are and stressed, the threshold the card chose, and sensitivity and
specificity at that threshold. These are in-distribution figures (held-out training patients),
for comparing recipes with each other, not what to expect on other hospitals' films.

usage: recipe_quality.py "LABEL=MODEL_DIR[,MODEL_DIR...]" [...] [--json OUT.json]
Prints a markdown table; a group whose folders hold no model.json is reported as missing.
"""
import argparse
import json
import os
import re
import statistics
import sys

COLUMNS = [
    ("val ROC AUC", lambda c: c["validation"]["roc_auc"]),
    ("stressed ROC AUC", lambda c: c["validation_stressed"]["roc_auc"]),
    ("threshold", lambda c: c["threshold"] if isinstance(c["threshold"], (int, float)) else c["validation"]["threshold"]),
    ("val sensitivity", lambda c: c["validation"]["recall"]),
    ("val specificity", lambda c: c["validation"]["specificity"]),
    ("stressed sensitivity", lambda c: c["validation_stressed"]["recall"]),
    ("stressed specificity", lambda c: c["validation_stressed"]["specificity"]),
]


def summarise(dirs):
    cards = []
    for d in dirs:
        path = os.path.join(d, "model.json")
        if os.path.exists(path):
            with open(path) as f:
                cards.append(json.load(f))
    values = {name: [get(c) for c in cards] for name, get in COLUMNS}
    seconds = [c["training"].get("train_seconds") for c in cards if c["training"].get("train_seconds") is not None]
    return cards, values, seconds


def mean_sd(xs):
    if not xs:
        return "", None
    if len(xs) == 1:
        return f"{xs[0]:.4f}", xs[0]
    return f"{statistics.mean(xs):.4f} ± {statistics.stdev(xs):.4f}", statistics.mean(xs)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("groups", nargs="+", help="LABEL=DIR[,DIR...]")
    p.add_argument("--json", help="also write the numbers here")
    a = p.parse_args()
    header = ["recipe", "seeds", "batch", "lr", "EMA decay"] + [name for name, _ in COLUMNS]
    lines = ["| " + " | ".join(header) + " |", "|---|---:|---:|---:|---:|" + "---:|" * len(COLUMNS)]
    out = {}
    for group in a.groups:
        label, _, dirs = group.partition("=")
        cards, values, seconds = summarise([d for d in dirs.split(",") if d])
        if not cards:
            lines.append(f"| {label} | 0 (missing) |" + " |" * (len(header) - 2))
            continue
        t = cards[0]["training"]
        cells, means = [], {}
        for name, _ in COLUMNS:
            text, m = mean_sd(values[name])
            cells.append(text)
            means[name] = m
        decay = re.search(r"decay ([0-9.]+)", t.get("weights", ""))  # the card says it in words
        ema = decay.group(1) if decay else ""
        lines.append(f"| {label} | {len(cards)} | {t['batch']} | {t['learning_rate']:g} | {ema} | " + " | ".join(cells) + " |")
        out[label] = {"seeds": [c["training"]["seed"] for c in cards], "values": values, "means": means, "train_seconds": seconds}
    print("\n".join(lines))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
