#!/usr/bin/python3
"""`grassflow phase` and `grassflow merge` (docs/cli.md, "phase"; docs/theory.md §9): κ of z1 in the exact mode
near 1 with an interval around its estimate; runs that survive (a re-run repeats nothing, a killed job loses
nothing written, a cut-short last line is redone); an --out of another experiment refused naming the parameter;
shards merged equal the whole; a merge of different experiments refused.
Usage: /usr/bin/python3 tests/cli/test_phase.py path/to/grassflow"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import checks
from checks import check, finish

BIN = sys.argv[1]
tmp = tempfile.mkdtemp(prefix="grassflow-phase-")
GRID = ["--link", "z1", "--noise", "0.5", "--d", "50,100,200,400", "--n", "50,100,200,400,800,1600,3200",
        "--seeds", "8"]


def run(*args, expect=0):
    return checks.run(BIN, *args, expect=expect)


def lines(folder):
    with open(os.path.join(folder, "runs.jsonl")) as f:
        return f.read().splitlines()


whole = os.path.join(tmp, "whole")
summary = json.loads(run("phase", *GRID, "--out", whole, "--json").stdout)
kappa = summary["kappa"]
check(abs(kappa["estimate"] - 1) <= 0.25, f"z1, exact, noise 0.5: kappa = {kappa['estimate']:.3f} within 0.25 of 1")
check(kappa["ci"][0] <= kappa["estimate"] <= kappa["ci"][1], f"its interval {kappa['ci']} contains the estimate")
laws = {c["law"]: c["consistent"] for c in summary["candidates"]}
check(laws.get("d") is True and laws.get("d^(s*-1) = d^0") is False, f"candidates marked: {laws}")
check(len(summary["n_star"]) == 4 and all(x["ci"][0] <= x["estimate"] <= x["ci"][1] for x in summary["n_star"]),
      "n*(d) with an interval around each estimate")
check(summary["commit"] and summary["command_line"].startswith("grassflow phase"), "summary.json has provenance")
first = lines(whole)
check(len(first) == 4 * 7 * 8 and len(set(first)) == len(first), f"runs.jsonl: {len(first)} lines, one per run")
row = json.loads(first[0])
check({"d", "n", "seed", "success", "subspace_error", "escape_times", "budget", "reason"} <= set(row)
      and type(row["d"]) is int and type(row["n"]) is int and type(row["seed"]) is int,
      "a line has d, n, seed (integers), success, subspace_error, escape_times, budget, reason")
check(not any(k in row for k in ("time", "seconds", "rank", "elapsed")), "no timings or rank ids in a line")
for name in ("phase.csv", "summary.json", "summary.md"):
    check(os.path.getsize(os.path.join(whole, name)) > 0, f"{name} written")

# A re-run with the same --out repeats nothing.
run("phase", *GRID, "--out", whole, "--json")
check(lines(whole) == first, "a re-run with the same --out adds no line")

# A last line cut short (a writer killed mid-line) is cut back, reported and redone.
with open(os.path.join(whole, "runs.jsonl"), "a") as f:
    f.write(first[-1][:20])
with open(os.path.join(whole, "runs.jsonl")) as f:
    kept = f.read().splitlines()[:-1]
with open(os.path.join(whole, "runs.jsonl"), "w") as f:
    f.write("\n".join(kept[:-1]) + "\n" + first[-1][:20])
p = run("phase", *GRID, "--out", whole, "--json")
check("unfinished line" in p.stderr, "a cut-short last line is reported")
check(sorted(lines(whole)) == sorted(first), "... cut back and redone: the same runs, each once")

# Another experiment in the same folder is refused, naming the differing parameter.
p = run("phase", *GRID[:-2], "--seeds", "8", "--threshold", "0.3", "--out", whole, expect=2)
check("threshold" in p.stderr and "another experiment" in p.stderr, f"another experiment refused: {p.stderr.strip()}")

# Shards 0/2 and 1/2 merged equal the whole.
for i in (0, 1):
    run("phase", *GRID, "--shard", f"{i}/2", "--out", os.path.join(tmp, f"shard{i}"), "--json")
merged = os.path.join(tmp, "merged")
run("merge", os.path.join(tmp, "shard0"), os.path.join(tmp, "shard1"), "--out", merged)
check(sorted(lines(merged)) == sorted(first), "shards 0/2 and 1/2 merged: the same runs as one process")
with open(os.path.join(merged, "summary.json")) as f:
    check(json.load(f)["kappa"] == summary["kappa"], "... and the same kappa")
other = os.path.join(tmp, "other")
run("phase", *GRID[:-2], "--seeds", "8", "--budget", "2", "--shard", "0/2", "--out", other)
p = run("merge", os.path.join(tmp, "shard0"), other, "--out", os.path.join(tmp, "bad"), expect=2)
check("budget" in p.stderr and "merge only shards of one experiment" in p.stderr,
      f"a merge of different experiments refused: {p.stderr.strip()}")

# A job killed mid-way (SIGKILL) loses nothing it wrote and, re-run, repeats nothing.
killed = os.path.join(tmp, "killed")
big = ["--link", "z1", "--noise", "0.5", "--d", "200,400", "--n", "400,800,1600,3200,6400", "--seeds", "6"]
job = subprocess.Popen([BIN, "phase", *big, "--out", killed], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
path = os.path.join(killed, "runs.jsonl")
deadline = time.time() + 60
while time.time() < deadline and (not os.path.exists(path) or len(open(path).read().splitlines()) < 5):
    time.sleep(0.02)
job.send_signal(signal.SIGKILL)
job.wait()
before = open(path).read().splitlines()
run("phase", *big, "--out", killed)
after = lines(killed)
reference = os.path.join(tmp, "reference")
run("phase", *big, "--out", reference)
check(0 < len(before) < 60, f"the killed job had written {len(before)} of 60 runs")
check(after[:len(before)] == before and sorted(after) == sorted(lines(reference)),
      "after a SIGKILL and a re-run: nothing written is lost, nothing repeated, the same runs as one uninterrupted job")

# --n auto: per d a bisection in log n on complete rounds; no (d, n, seed) runs twice, a re-run adds nothing.
auto = os.path.join(tmp, "auto")
AUTO = ["phase", "--link", "z1", "--noise", "0.5", "--d", "50,100,200", "--n", "auto", "--n-range", "50,3200",
        "--rounds", "4", "--seeds", "6", "--out", auto, "--json"]
summary = json.loads(run(*AUTO).stdout)
keys = [tuple(json.loads(x)[k] for k in ("d", "n", "seed")) for x in lines(auto)]
check(len(keys) == len(set(keys)) and 3 * 6 * 2 <= len(keys) <= 3 * 6 * 6, f"--n auto: {len(keys)} runs, none twice")
check(abs(summary["kappa"]["estimate"] - 1) <= 0.3, f"--n auto: kappa = {summary['kappa']['estimate']:.3f} near 1")
run(*AUTO)
check(len(lines(auto)) == len(keys), "--n auto re-run adds nothing")

# Bad input.
p = run("phase", "--link", "z1", "--d", "50", "--n", "10,x", "--out", os.path.join(tmp, "x"), expect=2)
check(p.stderr.startswith("grassflow: error: --n: 'x' is not a sample size"), f"bad --n: {p.stderr.strip()}")
p = run("phase", *GRID, "--shard", "2/2", "--out", os.path.join(tmp, "y"), expect=2)
check("--shard: '2/2'" in p.stderr, f"bad --shard: {p.stderr.strip()}")
p = run("phase", "--link", "z1*z2", "--d", "50", "--n", "4,100", "--out", os.path.join(tmp, "z"), expect=2)
check(p.stderr.startswith("grassflow: error: --n: n = 4 is below the 6 link features") and "n >= 6" in p.stderr,
      f"--n below the link features: {p.stderr.strip()}")
shutil.rmtree(tmp)
finish()
