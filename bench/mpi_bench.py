"""Open MPI as the engine of grids (issue 16), measured in one run by scripts/bench (--only mpi):
  throughput of `sweep` and `phase` on 2 ranks over 1 process (wall time of the same grid, written to a fresh
  --out each time); rank 0's own cost per dispatched configuration (GRASSFLOW_MPI_STATS: receive, record, send;
  measured on a grid of cheap flows, so it is the dispatcher's cost, not the flows'); and from it, with the
  configurations' measured times, how many ranks one dispatcher can feed; the machine's own ceiling for each
  grid (two independent one-process runs at once); and `train` data-parallel at n = 1e5,
  d = 1000 (each rank draws and holds its half of the rows; the passes' sums are reduced), 2 ranks over 1 process,
  with one process on 2 threads next to it.
Usage: mpi_bench.py path/to/grassflow. Prints one JSON object."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

BIN = sys.argv[1]
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_btl_vader_single_copy_mechanism="none", OMPI_MCA_btl_vader_backing_directory="/tmp")
MPIRUN = ["mpirun", "--oversubscribe", "--bind-to", "none", "-np", "2"]
SWEEP = ["sweep", "--link", "preset:he4sum2", "--objective", "joint", "--d", "100,1000,1e4,1e5", "--seeds", "100"]
PHASE = ["phase", "--link", "z1", "--noise", "0.5", "--d", "100,200,400,800", "--n", "200,800,3200,12800",
         "--seeds", "8"]
tmp = tempfile.mkdtemp(prefix="grassflow-mpi-bench-")


def wall(command, ranks, env=ENV):
    out = os.path.join(tmp, f"out-{time.monotonic_ns()}")
    begin = time.perf_counter()
    p = subprocess.run([*(MPIRUN if ranks == 2 else []), BIN, *command, "--out", out], capture_output=True, text=True,
                       env=env)
    seconds = time.perf_counter() - begin
    if p.returncode != 0:
        sys.exit(f"mpi_bench: {' '.join(command)} failed:\n{p.stderr}")
    with open(os.path.join(out, "runs.jsonl")) as f:
        count = len(f.read().splitlines())
    return seconds, count, p.stderr


def pair_wall(command):
    """Two independent one-process runs of `command` at once: the machine's own scaling for this work (shared
    caches, memory bandwidth, a host's other guests), the ceiling of any 2-rank ratio."""
    begin = time.perf_counter()
    runs = [subprocess.Popen([BIN, *command, "--out", os.path.join(tmp, f"pair-{i}-{time.monotonic_ns()}")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV) for i in range(2)]
    if any(run.wait() != 0 for run in runs):
        sys.exit(f"mpi_bench: {' '.join(command)} failed in the pair run")
    return time.perf_counter() - begin


# This machine is a virtual one whose speed drifts by ~10% over minutes: the three timings are interleaved, two
# rounds, and each is the faster of its two.
result = {}
for name, command in (("sweep", SWEEP), ("phase", PHASE)):
    ones, twos, pairs = [], [], []
    for _ in range(2):
        seconds, count, _ = wall(command, 1)
        ones.append(seconds)
        twos.append(wall(command, 2)[0])
        pairs.append(pair_wall(command))
    one, two, pair = min(ones), min(twos), min(pairs)
    result[name] = {"configurations": count, "seconds_1_rank": one, "seconds_2_ranks": two,
                    "seconds_2_independent_processes": pair, "throughput_2_over_1": one / two,
                    "machine_ceiling_2_over_1": 2 * one / pair, "seconds_per_configuration": one / count}
# The dispatcher's own cost: a grid of 2000 flows of z1 at d = 10 (tens of microseconds each).
cheap = ["sweep", "--link", "z1", "--objective", "joint", "--d", "10,20,40,80", "--seeds", "500"]
_, count, stderr = wall(cheap, 2, env=dict(ENV, GRASSFLOW_MPI_STATS="1"))
stats = json.loads([line for line in stderr.splitlines() if line.startswith('{"mpi_dispatched"')][0])
per = stats["mpi_dispatch_seconds"] / max(1, stats["mpi_dispatched"])
result["dispatch"] = {"configurations": count, "dispatched_to_other_ranks": stats["mpi_dispatched"],
                      "rank0_seconds_per_dispatch": per,
                      # One dispatcher keeps R ranks busy while R · (its cost per configuration) ≤ one configuration's
                      # time: R = configuration time / dispatch cost.
                      "ranks_fed_sweep": result["sweep"]["seconds_per_configuration"] / per,
                      "ranks_fed_phase": result["phase"]["seconds_per_configuration"] / per}
# Data-parallel training: the whole command (drawing the samples, then 20 exact steps of two passes each).
TRAIN = ["train", "--link", "preset:staircase2", "--d", "1000", "--n", "1e5", "--steps", "20", "--lr", "0.2"]


def train_wall(prefix, extra=()):
    begin = time.perf_counter()
    subprocess.run([*prefix, BIN, *TRAIN, *extra], capture_output=True, text=True, env=ENV, check=True)
    return time.perf_counter() - begin


one, two, threads = train_wall([]), train_wall(MPIRUN), train_wall([], ["--threads", "2"])
result["train"] = {"n": 100000, "d": 1000, "steps": 20, "seconds_1_rank": one, "seconds_2_ranks": two,
                   "seconds_1_rank_2_threads": threads, "speedup_2_ranks": one / two, "speedup_2_threads": one / threads}
shutil.rmtree(tmp)
print(json.dumps(result, indent=2))
