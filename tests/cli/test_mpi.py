#!/usr/bin/python3
"""`mpirun -np 2 grassflow phase|sweep|reproduce` (docs/cli.md, "Open MPI"): the same runs as one process (lines
compared sorted, --json rows compared exactly); mpirun killed with SIGKILL leaves no rank behind (PR_SET_PDEATHSIG)
and a re-run loses nothing written and repeats nothing; a rank killed mid-way ends the job (mpirun aborts) and a
re-run resumes cleanly. Run serially (CTest RUN_SERIAL), outside the sanitizer suites.
Usage: /usr/bin/python3 tests/cli/test_mpi.py path/to/grassflow"""
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
tmp = tempfile.mkdtemp(prefix="grassflow-mpi-")
# Root in containers, two ranks on two cores (or fewer), shared memory without ptrace (docs/toolchain.md).
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_btl_vader_single_copy_mechanism="none", OMPI_MCA_btl_vader_backing_directory="/tmp")
MPIRUN = ["mpirun", "--oversubscribe", "--bind-to", "none", "-np", "2"]
PHASE = ["phase", "--link", "z1", "--noise", "0.5", "--d", "50,100,200", "--n", "50,200,800,3200", "--seeds", "6"]
SWEEP = ["sweep", "--link", "preset:he2", "--objective", "joint", "--d", "100,1000,1e4", "--seeds", "4"]


def mpi(*args, expect=0, timeout=300):
    p = subprocess.run([*MPIRUN, BIN, *args], capture_output=True, text=True, timeout=timeout, env=ENV)
    if expect is not None and p.returncode != expect:
        sys.exit(f"FAIL: mpirun grassflow {' '.join(args)} exited {p.returncode}\n{p.stderr}")
    return p


def lines(folder):
    with open(os.path.join(folder, "runs.jsonl")) as f:
        return f.read().splitlines()


def ranks_alive():
    p = subprocess.run(["pgrep", "-f", f"{BIN} phase"], capture_output=True, text=True)
    return [int(x) for x in p.stdout.split()]


one, two = os.path.join(tmp, "one"), os.path.join(tmp, "two")
checks.run(BIN, *PHASE, "--out", one, "--json")
summary = json.loads(mpi(*PHASE, "--out", two, "--json").stdout)
check(sorted(lines(one)) == sorted(lines(two)), f"phase: 2 ranks write the same {len(lines(one))} runs as one process")
with open(os.path.join(one, "summary.json")) as f:
    check(json.load(f)["kappa"] == summary["kappa"], "... and the same kappa")

AUTO = ["phase", "--link", "z1", "--noise", "0.5", "--d", "50,100,200", "--n", "auto", "--n-range", "50,3200",
        "--rounds", "3", "--seeds", "4"]
checks.run(BIN, *AUTO, "--out", os.path.join(tmp, "auto1"))
mpi(*AUTO, "--out", os.path.join(tmp, "auto2"))
check(sorted(lines(os.path.join(tmp, "auto1"))) == sorted(lines(os.path.join(tmp, "auto2"))),
      "phase --n auto: 2 ranks (one d's bisection per unit) write the same runs as one process")

rows1 = json.loads(checks.run(BIN, *SWEEP, "--json").stdout)
rows2 = json.loads(mpi(*SWEEP, "--json").stdout)
check(rows1["rows"] == rows2["rows"] and rows1["fit"] == rows2["fit"], "sweep --json: 2 ranks print the same rows and fits")
mpi(*SWEEP, "--out", os.path.join(tmp, "sweep2"))
checks.run(BIN, *SWEEP, "--out", os.path.join(tmp, "sweep1"))
check(sorted(lines(os.path.join(tmp, "sweep1"))) == sorted(lines(os.path.join(tmp, "sweep2"))),
      "sweep --out: the same runs.jsonl lines")

# reproduce's sample-complexity grids (one work queue over the six grids): the same runs.jsonl lines and results.
REPRODUCE = ["reproduce", "--sections", "sample-complexity", "--scale", "small"]
checks.run(BIN, *REPRODUCE, "--out", os.path.join(tmp, "reproduce1"), timeout=400)
mpi(*REPRODUCE, "--out", os.path.join(tmp, "reproduce2"))
check(sorted(lines(os.path.join(tmp, "reproduce1"))) == sorted(lines(os.path.join(tmp, "reproduce2"))),
      f"reproduce --sections sample-complexity: 2 ranks write the same "
      f"{len(lines(os.path.join(tmp, 'reproduce1')))} runs.jsonl lines as one process")
results = []
for folder in ("reproduce1", "reproduce2"):
    with open(os.path.join(tmp, folder, "results.json")) as f:
        results.append(json.load(f)["sample_complexity"])
check(results[0] == results[1], "... and the same sample-complexity results")

# mpirun killed mid-way: no rank survives it; the re-run loses nothing written and repeats nothing.
big = ["phase", "--link", "z1", "--noise", "0.5", "--d", "200,400", "--n", "800,1600,3200,6400", "--seeds", "8"]
reference = os.path.join(tmp, "reference")
checks.run(BIN, *big, "--out", reference)
for victim in ("mpirun", "rank"):
    folder = os.path.join(tmp, "killed-" + victim)
    job = subprocess.Popen([*MPIRUN, BIN, *big, "--out", folder], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, env=ENV)
    path = os.path.join(folder, "runs.jsonl")
    deadline = time.time() + 60
    while time.time() < deadline and (not os.path.exists(path) or len(open(path).read().splitlines()) < 4):
        time.sleep(0.02)
    if victim == "mpirun":
        job.send_signal(signal.SIGKILL)
    else:
        alive = ranks_alive()
        if alive:
            os.kill(max(alive), signal.SIGKILL)  # one rank dies: mpirun aborts the job
    job.wait(timeout=60)
    time.sleep(1.0)
    check(ranks_alive() == [], f"{victim} killed: no rank left running")
    before = open(path).read().splitlines()
    mpi(*big, "--out", folder)
    after = lines(folder)
    check(0 < len(before) < 64 and after[:len(before)] == before and sorted(after) == sorted(lines(reference)),
          f"{victim} killed after {len(before)} of 64 runs: the re-run keeps them and adds exactly the rest")
shutil.rmtree(tmp)
finish()
