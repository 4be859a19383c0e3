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

import numpy as np

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


def ranks_alive(folder):
    """The processes of the job writing to `folder` (a unique path: other grassflow jobs on the machine do not count)."""
    p = subprocess.run(["pgrep", "-f", f"phase .*--out {folder}$"], capture_output=True, text=True)
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

# train: each rank holds its rows; the normal equations and gradients summed over the ranks give one process's W.
TRAIN = ["train", "--link", "preset:staircase2", "--d", "60", "--n", "4001", "--steps", "80", "--lr", "0.2", "--noise", "0.3",
         "--seed", "5"]
for label, extra, np_ in [("exact, all rows", [], "2"), ("lagged, windows of 1000 rows", ["--lagged", "--batch", "1000"], "3")]:
    models = []
    for runner in ("one", "mpi"):
        path = os.path.join(tmp, f"model-{runner}-{np_}.json")
        args = [*TRAIN, *extra, "--save-model", path, "--json"]
        if runner == "one":
            out = checks.run(BIN, *args).stdout
        else:
            out = subprocess.run([*MPIRUN[:-1], np_, BIN, *args], capture_output=True, text=True, timeout=300,
                                 env=ENV, check=True).stdout
        check(out.count("\n") == 1, f"train {label} ({runner}): one JSON document on stdout (rank 0 prints)")
        with open(path) as f:
            models.append(json.load(f))
        check(json.loads(out)["resolved"]["n"] == 4001, f"train {label} ({runner}): resolved n is every row's count")
    W1, W2 = np.array(models[0]["W"]), np.array(models[1]["W"])
    s1, s2 = models[0]["summary"], models[1]["summary"]
    check(np.abs(W1 - W2).max() < 1e-10 and s1["subspace_error"] < 0.05,
          f"train {label}: {np_} ranks give one process's W (max |dW| {np.abs(W1 - W2).max():.1e}), "
          f"which learned W* (sin theta_max {s1['subspace_error']:.2g})")
    check(abs(s1["test_loss"] - s2["test_loss"]) < 1e-9 * s1["test_loss"],
          f"train {label}: the same test loss ({s2['test_loss']:.6g})")
# train --data: each rank reads its share of the file's rows (CSV, or .npy), splits off its held-out rows and
# standardises with moments summed over the ranks: the model is one process's.
rng = np.random.default_rng(3)
X = rng.standard_normal((3001, 20))
Wst = np.linalg.qr(rng.standard_normal((20, 2)))[0]
Z = X @ Wst
y = Z[:, 0] + Z[:, 0] * Z[:, 1] + 0.2 * rng.standard_normal(3001)
np.savetxt(os.path.join(tmp, "d.csv"), np.column_stack([X * 3 + 1, y]), delimiter=",", fmt="%.17g",
           header=",".join([f"x{i}" for i in range(20)] + ["y"]), comments="")
np.save(os.path.join(tmp, "d.npy"), np.column_stack([X, y]))
for name, extra in [("d.csv", ["--standardize", "scale"]), ("d.npy", [])]:
    args = ["train", "--data", os.path.join(tmp, name), "--r", "2", "--steps", "60", "--lr", "0.2", *extra]
    models = []
    for prefix in ([], MPIRUN):
        path = os.path.join(tmp, f"data-model-{len(models)}.json")
        subprocess.run([*prefix, BIN, *args, "--save-model", path], capture_output=True, text=True, env=ENV,
                       timeout=300, check=True)
        with open(path) as f:
            models.append(json.load(f))
    W1, W2 = np.array(models[0]["W"]), np.array(models[1]["W"])
    st1, st2 = models[0]["standardization"], models[1]["standardization"]
    close = st1["method"] == "none" or np.allclose(st1["scale"], st2["scale"], rtol=1e-12, atol=0)
    angles = np.linalg.svd(Wst.T @ W2, compute_uv=False)
    loss1, loss2 = models[0]["summary"]["test_loss"], models[1]["summary"]["test_loss"]
    check(np.abs(W1 - W2).max() < 1e-10 and close and angles.min() > 0.95 and abs(loss1 - loss2) <= 1e-9 * loss1,
          f"train --data {name} {' '.join(extra)}: 2 ranks reading half the rows each give one process's W "
          f"(max |dW| {np.abs(W1 - W2).max():.1e}), standardisation and test loss; cos theta_min {angles.min():.3f}")

for args, words in [(["--online"], "--online: under mpirun"), (["--baselines"], "--baselines: SIR, SAVE and pHd"),
                    (["--n", "1"], "--n: n = 1 samples cannot be shared out over 2 ranks")]:
    p = mpi(*TRAIN[:5], *args, "--steps", "1", expect=None)
    check(p.returncode != 0 and words in p.stderr and p.stderr.count("grassflow: error:") == 1,
          f"mpirun train {' '.join(args)}: refused once ({p.stderr.strip().splitlines()[0] if p.stderr else ''})")

# A command that does not share its work runs on rank 0 alone: its output once, valid JSON.
p = mpi("hermite", "--link", "preset:he2", "--json")
check(json.loads(p.stdout)["information_exponent"] == 2 and p.stderr.count("rank 0 runs it alone") == 1,
      "mpirun -np 2 grassflow hermite --json: one JSON document, one note that rank 0 ran it alone")

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
# Its flow sections' flows go through one queue too (FlowPool): the exponents' sweeps, 2 ranks against one.
FLOWS = ["reproduce", "--sections", "exponents"]
checks.run(BIN, *FLOWS, "--out", os.path.join(tmp, "flows1"), timeout=400)
mpi(*FLOWS, "--out", os.path.join(tmp, "flows2"))
exponents = []
for folder in ("flows1", "flows2"):
    with open(os.path.join(tmp, folder, "results.json")) as f:
        exponents.append(json.load(f)["exponents"])
check(sorted(lines(os.path.join(tmp, "flows1"))) == sorted(lines(os.path.join(tmp, "flows2")))
      and exponents[0] == exponents[1] and len(lines(os.path.join(tmp, "flows1"))) > 100,
      f"reproduce --sections exponents: 2 ranks write the same {len(lines(os.path.join(tmp, 'flows1')))} flow lines "
      f"and fits as one process")

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
        alive = [pid for pid in ranks_alive(folder) if pid != job.pid]
        if alive:
            os.kill(max(alive), signal.SIGKILL)  # one rank dies: mpirun aborts the job
    job.wait(timeout=60)
    time.sleep(1.0)
    check(ranks_alive(folder) == [], f"{victim} killed: no rank left running")
    before = open(path).read().splitlines()
    mpi(*big, "--out", folder)
    after = lines(folder)
    check(0 < len(before) < 64 and after[:len(before)] == before and sorted(after) == sorted(lines(reference)),
          f"{victim} killed after {len(before)} of 64 runs: the re-run keeps them and adds exactly the rest")
shutil.rmtree(tmp)
finish()
