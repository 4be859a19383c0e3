"""The Python package's cost over the core (issue 15), measured by scripts/bench in the same run as its references:
  flow: grassflow.flow("preset:staircase2", "joint", d=1000), median of 15 calls, against bench/flow_call.cpp
        (the same work in-process in C++: FLOW_JSON, its output);
  train: one exact step of grassflow.train on the issue-6 problem (X: the float32 n×d matrix bench_train dumped,
        read without a copy), as (time of steps=K − time of steps=0) / K, median of 3, against bench_train's
        exact_step_seconds (one thread; NATIVE_JSON).
Usage: python_overhead.py FLOW_JSON NATIVE_JSON DUMP_DIR N D. Prints one JSON object."""
import json
import sys
import time

import numpy as np

import grassflow


def median_seconds(call, reps):
    times = []
    for _ in range(reps):
        begin = time.perf_counter()
        call()
        times.append(time.perf_counter() - begin)
    return float(np.median(times))


flow_ref = json.load(open(sys.argv[1]))
native = json.load(open(sys.argv[2]))
dump, n, d = sys.argv[3], int(sys.argv[4]), int(sys.argv[5])

grassflow.flow("preset:staircase2", "joint", d=1000)  # warm-up: imports, first allocations
flow_seconds = median_seconds(lambda: grassflow.flow("preset:staircase2", "joint", d=1000), 15)

X = grassflow.aligned_empty((n, d), np.float32)
X[...] = np.fromfile(dump + "/X.f32", dtype=np.float32).reshape(n, d)
y = np.fromfile(dump + "/y.f64", dtype=np.float64)
K = 10
start = grassflow.train(X, y, r=3, steps=0, test_fraction=0)
assert not start.input_copied, "the benchmark's X should be read without a copy"
setup = median_seconds(lambda: grassflow.train(X, y, r=3, steps=0, test_fraction=0), 3)
full = median_seconds(lambda: grassflow.train(X, y, r=3, steps=K, test_fraction=0), 3)
step = (full - setup) / K

print(json.dumps({
    "python_flow_seconds": flow_seconds,
    "cpp_flow_seconds": flow_ref["flow_call_seconds"],
    "python_flow_over_cpp": flow_seconds / flow_ref["flow_call_seconds"],
    "python_train_step_seconds": step,
    "native_train_step_seconds": native["exact_step_seconds"],
    "python_train_step_over_native": step / native["exact_step_seconds"],
}))
