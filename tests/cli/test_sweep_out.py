#!/usr/bin/python3
"""`grassflow sweep` statistics and --out (docs/cli.md, "Runs that survive"): quantiles over seeds equal numpy's
on the rows, counts of runs that never ended a stage, a bootstrap interval around the slope, no fit through two
dimensions; --out writes one runs.jsonl line per (d, seed) equal to --json's rows, a re-run repeats nothing,
shards merged equal the whole. Usage: /usr/bin/python3 tests/cli/test_sweep_out.py path/to/grassflow"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

import checks
from checks import check, finish

BIN = sys.argv[1]
tmp = tempfile.mkdtemp(prefix="grassflow-sweep-")
ARGS = ["sweep", "--link", "preset:he2", "--objective", "joint", "--d", "100,1000,1e4", "--seeds", "6"]


def run(*args, expect=0):
    return checks.run(BIN, *args, expect=expect)


out = json.loads(run(*ARGS, "--json").stdout)
fit = out["fit"][0]
times = {}
for row in out["rows"]:
    t = row["escape_times"][0]
    times.setdefault(row["d"], []).append(np.inf if t is None else t)
q = {k: [np.quantile(times[d], k / 100) for d in (100, 1000, 10000)] for k in (25, 50, 75)}
check(all(np.allclose(fit["quantiles"][str(k)], q[k], rtol=1e-14) for k in (25, 50, 75)),
      "quantiles over seeds equal numpy's on the rows")
check(fit["never"] == [0, 0, 0] and fit["runs"] == [6, 6, 6], "counts of runs and of runs that never ended the stage")
check(fit["ci"][0] < fit["exponent"] < fit["ci"][1], f"slope {fit['exponent']:.3f} inside its interval {fit['ci']}")
two = json.loads(run("sweep", "--link", "preset:he2", "--objective", "joint", "--d", "100,1000", "--json").stdout)
check(two["fit"][0]["exponent"] is None and "below the 3 a fit needs" in two["fit"][0]["note"],
      "no fit through two dimensions, with a note")
never = json.loads(run("sweep", "--link", "preset:he3", "--objective", "joint", "--d", "100,1000,1e4", "--seeds", "2",
                       "--t-max", "1", "--json").stdout)["fit"][0]
check(never["never"] == [2, 2, 2] and never["quantiles"]["50"] == [None, None, None] and never["exponent"] is None,
      "runs that never escape: counted, their quantiles +inf (null), no fit")

whole = os.path.join(tmp, "whole")
run(*ARGS, "--out", whole)
with open(os.path.join(whole, "runs.jsonl")) as f:
    lines = f.read().splitlines()
by_key = lambda r: (r["d"], r["seed"])  # lines are written as the flows end (the largest d first), rows sorted
check(sorted((json.loads(x) for x in lines), key=by_key)
      == [{k: r[k] for k in ("d", "seed", "escape_times", "final_loss", "status")} for r in out["rows"]],
      "runs.jsonl: one line per (d, seed), equal to the --json rows")
run(*ARGS, "--out", whole)
with open(os.path.join(whole, "runs.jsonl")) as f:
    check(f.read().splitlines() == lines, "a re-run with the same --out adds no line")
for i in (0, 1):
    run(*ARGS, "--shard", f"{i}/2", "--out", os.path.join(tmp, f"s{i}"))
run("merge", os.path.join(tmp, "s0"), os.path.join(tmp, "s1"), "--out", os.path.join(tmp, "m"))
with open(os.path.join(tmp, "m", "runs.jsonl")) as f:
    check(sorted(f.read().splitlines()) == sorted(lines), "shards 0/2 and 1/2 merged equal the whole")
with open(os.path.join(tmp, "m", "summary.json")) as f, open(os.path.join(whole, "summary.json")) as g:
    check(json.load(f)["fit"] == json.load(g)["fit"], "... and so do their fits and intervals")
p = run(*ARGS[:-2], "--seeds", "6", "--t-max", "100", "--out", whole, expect=2)
check("t-max" in p.stderr and "another experiment" in p.stderr, f"another sweep in --out refused: {p.stderr.strip()}")

# A folder another job is writing is refused (the first job holds DIR/.lock).
held = os.path.join(tmp, "held")
holder = subprocess.Popen([BIN, *ARGS[:-2], "--seeds", "400", "--out", held], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
while not os.path.exists(os.path.join(held, "runs.jsonl")) and holder.poll() is None:
    time.sleep(0.01)
p = run(*ARGS[:-2], "--seeds", "400", "--out", held, expect=2)
holder.kill()
holder.wait()
check("another grassflow job is writing to" in p.stderr, f"a second job on one --out is refused: {p.stderr.strip()}")

# A damaged line in the middle is refused, naming it, and nothing is cut; a configuration written twice counts once.
damaged = os.path.join(tmp, "damaged")
shutil.copytree(whole, damaged)
good = open(os.path.join(damaged, "runs.jsonl")).read().splitlines()
with open(os.path.join(damaged, "runs.jsonl"), "w") as f:
    f.write("\n".join(good[:3] + ['{"d": 100, "se'] + good[3:]) + "\n")
p = run(*ARGS, "--out", damaged, expect=2)
check("runs.jsonl line 4 is not a run" in p.stderr and len(open(os.path.join(damaged, "runs.jsonl")).readlines())
      == len(good) + 1, f"a damaged middle line is refused, the file untouched: {p.stderr.strip()}")
p = run("merge", damaged, "--out", os.path.join(tmp, "m2"), expect=2)
check(p.stderr.startswith("grassflow: error: ") and "line 4 is not a run" in p.stderr,
      f"merge refuses it too: {p.stderr.strip()}")
with open(os.path.join(damaged, "runs.jsonl"), "w") as f:
    f.write("\n".join(good + good[:2]) + "\n")
p = run(*ARGS, "--out", damaged, "--json")
check("holds 2 configuration(s) twice" in p.stderr and json.loads(p.stdout)["fit"] == out["fit"],
      "runs written twice are used once, with a warning: the fits are the whole's")
p = run("merge", os.path.join(tmp, "s0"), os.path.join(tmp, "absent"), "--out", os.path.join(tmp, "m3"), expect=2)
check(p.stderr.startswith("grassflow: error: ") and "absent holds no experiment.json" in p.stderr
      and "--out" not in p.stderr, f"merge names the input folder it cannot read: {p.stderr.strip()}")
shutil.rmtree(tmp)
finish()
