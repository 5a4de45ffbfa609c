#!/usr/bin/python3
"""readme_defaults_test.py XRAY README.md: the defaults README quotes for `xray train` are the ones
`xray train --help` prints (the CLI takes them from TrainOptions / CnnOptions, the one source).

Checked: the README's full default command ("`xray train --data DIR --out MODEL_DIR` = `...`")
names every option that has a default, with the same value, and every other "= --flag value"
list the README gives for `xray train` agrees with --help."""
import re
import subprocess
import sys

NOT_RECIPE = {"device", "threads", "augment"}  # machine settings; --augment is checked below too


def help_defaults(xray):
    text = subprocess.run([xray, "train", "--help"], capture_output=True, text=True, check=True).stdout
    defaults = {}
    for name, value in re.findall(r"--([a-z-]+) [A-Z]+(?::[^=\s]*)?(?:\s*in \[[^\]]*\])?=(\S+)", text):
        defaults[name] = value
    # CLI11 writes "TEXT:{none,light,strong}=strong"
    for name, value in re.findall(r"--([a-z-]+) TEXT:\{[^}]*\}=(\S+)", text):
        defaults[name] = value
    return defaults


def flags_in(text):
    return dict(re.findall(r"--([a-z-]+) ([^\s`-][^\s`]*)", text))


def same(a, b):
    try:
        return float(a) == float(b)
    except ValueError:
        return a == b


def main():
    xray, readme_path = sys.argv[1], sys.argv[2]
    readme = open(readme_path).read()
    defaults = help_defaults(xray)
    if len(defaults) < 10:
        sys.exit(f"FAILED: read only {len(defaults)} defaults from xray train --help: {defaults}")
    match = re.search(r"`xray train --data DIR --out MODEL_DIR` = `([^`]*)`", readme, re.S)
    if not match:
        sys.exit("FAILED: the README has no \"`xray train --data DIR --out MODEL_DIR` = `...`\" line")
    quoted = flags_in(match.group(1))
    problems = []
    for name, value in defaults.items():
        if name in NOT_RECIPE - {"augment"}:
            continue
        if name not in quoted:
            problems.append(f"--{name} (default {value}) is missing from the README's default command")
        elif not same(quoted[name], value):
            problems.append(f"--{name}: README says {quoted[name]}, --help says {value}")
    for name in quoted:
        if name not in defaults:
            problems.append(f"--{name} in the README's default command is not an option with a default")
    # Other places that restate defaults: "xray train ... # = --flag value ..."
    for line in re.findall(r"xray train[^\n]*# = ([^\n]*)", readme):
        for name, value in flags_in(line).items():
            if name in defaults and not same(value, defaults[name]):
                problems.append(f"--{name}: README line \"{line.strip()}\" says {value}, --help says {defaults[name]}")
    if problems:
        print("FAILED:\n  " + "\n  ".join(problems))
        sys.exit(1)
    print(f"ok: the README quotes all {len(quoted)} recipe defaults of xray train --help, with the same values")


if __name__ == "__main__":
    main()
