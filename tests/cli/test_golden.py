#!/usr/bin/python3
"""Golden outputs of `hermite`, `loss`, `flow`, `sweep` and `train --json`: every JSON field and number of a fixed
set of command lines, recorded before the experiment-description redesign (issue 12), must stay as it was. Only
citations and message wording may change in a refactor; a number that moves is a behaviour change and fails here.
(Issue 13 changed one thing on purpose: whole numbers such as d are written as integers, 1000 not 1000.0. Issue 16
added, on purpose, each sweep stage's ci, never, note, quantiles and runs, and stopped fitting through fewer than
three dimensions: the he3 sweep over 1e3,1e4 has exponent, intercept and r2 null now; nothing else moved.)
Numbers are compared to 1e-12 relative (1e-300 absolute): the native build is deterministic, so this leaves room
only for a reordered sum, not for a changed result.
Usage: /usr/bin/python3 tests/cli/test_golden.py path/to/grassflow [--update]
(--update rewrites tests/fixtures/golden.json from the given binary: only before a refactor, never to make a
failing check pass)."""
import json
import math
import os
import subprocess
import sys

# Provenance (version, commit, ...) changes with every commit; tests/cli/test_provenance.py checks it.
from checks import PROVENANCE  # docs/cli.md, "Provenance"

GRASSFLOW = sys.argv[1]
UPDATE = "--update" in sys.argv[2:]
FIXTURE = os.path.join(os.environ.get("GRASSFLOW_TEST_DATA", os.path.join(os.path.dirname(__file__), "..", "fixtures")),
                       "golden.json")

COMMANDS = [
    ["hermite", "--link", "preset:staircase2"],
    ["hermite", "--link", "z1*z2 + 0.5*h(3,z1)", "--degree", "6"],
    ["hermite", "--link", "preset:he4sum2", "--r", "3"],
    ["loss", "--link", "preset:staircase2", "--objective", "joint", "--M", "0.5,0.1;-0.2,0.3"],
    ["loss", "--link", "preset:parity3", "--objective", "planted", "--M", "0.5,0.1,0;-0.2,0.3,0.1;0,0.1,0.7"],
    ["flow", "--link", "preset:staircase2", "--objective", "joint", "--d", "1000"],
    ["flow", "--link", "preset:staircase2", "--objective", "planted", "--d", "1000", "--seed", "3"],
    ["flow", "--link", "preset:he4sum2", "--objective", "joint", "--d", "1e6", "--seed", "1"],
    ["flow", "--link", "preset:he3", "--objective", "joint", "--d", "1e4", "--init", "equator", "--eps", "1e-3"],
    ["flow", "--link", "z1*z2", "--objective", "joint", "--d", "500", "--init", "isotropic", "--degree", "4"],
    ["flow", "--link", "preset:staircase2", "--objective", "joint", "--d", "100", "--M0", "0.1,0;0,0.01",
     "--t-max", "50"],
    ["sweep", "--link", "preset:staircase2", "--objective", "joint", "--d", "100,1000,1e4", "--seeds", "2"],
    ["sweep", "--link", "preset:he3", "--objective", "planted", "--d", "1e3,1e4", "--init", "isotropic"],
    ["train", "--link", "preset:staircase2", "--d", "20", "--n", "2000", "--steps", "40", "--lr", "0.2", "--seed",
     "1", "--every", "10"],
    ["train", "--link", "z1*z2", "--d", "10", "--n", "3000", "--steps", "30", "--online", "--batch", "100",
     "--seed", "2", "--every", "10"],
]

failures = []


def check(condition, what):
    print(("ok    " if condition else "FAIL  ") + what)
    if not condition:
        failures.append(what)


def output(args):
    p = subprocess.run([GRASSFLOW, *args, "--json"], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, f"grassflow {' '.join(args)} failed: {p.stderr}"
    return {k: v for k, v in json.loads(p.stdout).items() if k not in PROVENANCE}


def differences(got, want, path="$"):
    """Where two JSON values differ: keys, types, lengths, strings exactly, numbers to 1e-12 relative."""
    if isinstance(want, dict):
        if not isinstance(got, dict) or set(got) != set(want):
            return [f"{path}: keys {sorted(got) if isinstance(got, dict) else type(got).__name__} != {sorted(want)}"]
        return [d for k in want for d in differences(got[k], want[k], f"{path}.{k}")]
    if isinstance(want, list):
        if not isinstance(got, list) or len(got) != len(want):
            return [f"{path}: length {len(got) if isinstance(got, list) else type(got).__name__} != {len(want)}"]
        return [d for i, (g, w) in enumerate(zip(got, want)) for d in differences(g, w, f"{path}[{i}]")]
    if isinstance(want, bool) or want is None or isinstance(want, str):
        return [] if got == want and type(got) is type(want) else [f"{path}: {got!r} != {want!r}"]
    if isinstance(want, (int, float)):
        if isinstance(got, bool) or not isinstance(got, (int, float)):
            return [f"{path}: {got!r} is not a number ({want!r})"]
        if isinstance(got, int) != isinstance(want, int):
            return [f"{path}: {got!r} and {want!r} differ in integer/real spelling"]
        if math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-300):
            return []
        return [f"{path}: {got!r} != {want!r}"]
    return [f"{path}: unexpected value {want!r}"]


if UPDATE:
    golden = [{"args": args, "json": output(args)} for args in COMMANDS]
    with open(FIXTURE, "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")
    print(f"wrote {len(golden)} golden outputs to {FIXTURE}")
    sys.exit(0)

with open(FIXTURE) as f:
    golden = json.load(f)
check([g["args"] for g in golden] == COMMANDS, "the fixture holds exactly this file's command lines")
for entry in golden:
    diffs = differences(output(entry["args"]), entry["json"])
    check(not diffs, "grassflow " + " ".join(entry["args"]) + (": " + "; ".join(diffs[:5]) if diffs else ""))

print(f"\n{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
