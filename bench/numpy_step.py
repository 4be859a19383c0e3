#!/usr/bin/python3
"""The exact two-timescale gradient step (docs/theory.md §7) written the way a researcher would in numpy, timed on
the data bench_train dumped (--dump DIR): X (float32, n x d), y, W(0). Consistent dtypes (float32 X and
weights, so numpy stays on its BLAS path: docs/toolchain.md), default BLAS threading unless OPENBLAS_NUM_THREADS
says otherwise. Checks that one step lands on bench_train's own W(1) before timing it.

Usage: numpy_step.py DIR N D R [REPS]   (prints one JSON object)
"""
import itertools
import json
import math
import os
import sys
import time

import numpy as np

directory, n, d, r = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
reps = int(sys.argv[5]) if len(sys.argv) > 5 else 3
K, RIDGE, ETA = 2, 1e-4, 0.1  # bench_train's TrainOptions defaults

X = np.fromfile(os.path.join(directory, "X.f32"), dtype=np.float32).reshape(n, d)
y = np.fromfile(os.path.join(directory, "y.f64"))
W0 = np.fromfile(os.path.join(directory, "W0.f64")).reshape(r, d).T  # Eigen stores d x r column by column
W1_grassflow = np.fromfile(os.path.join(directory, "W1.f64")).reshape(r, d).T

betas = [b for b in itertools.product(range(K + 1), repeat=r) if sum(b) <= K]


def hermite_table(Z):
    """h_0..h_K of every coordinate: (K + 1, n, r)."""
    h = [np.ones_like(Z), Z.copy()]
    for k in range(1, K):
        h.append((Z * h[k] - math.sqrt(k) * h[k - 1]) / math.sqrt(k + 1))
    return np.array(h)


def step(W):
    Z = (X @ W.astype(np.float32)).astype(np.float64)
    h = hermite_table(Z)
    Phi = np.column_stack([np.prod([h[b[c], :, c] for c in range(r)], axis=0) for b in betas])
    a = np.linalg.solve(Phi.T @ Phi / n + RIDGE * np.eye(len(betas)), Phi.T @ y / n)
    residual = Phi @ a - y
    grad_f = np.zeros((n, r))
    for j, b in enumerate(betas):
        for c in range(r):
            if b[c]:
                g = math.sqrt(b[c]) * h[b[c] - 1, :, c]
                for i in range(r):
                    if i != c:
                        g = g * h[b[i], :, i]
                grad_f[:, c] += a[j] * g
    V = (residual[:, None] * grad_f).astype(np.float32)
    G = (X.T @ V).astype(np.float64) / n
    xi = G - W @ (W.T @ G)
    Q, R = np.linalg.qr(W - ETA * xi)
    return Q * np.where(np.diag(R) < 0, -1.0, 1.0)


W1 = step(W0)
agreement = float(np.abs(W1 - W1_grassflow).max())
times = []
for _ in range(reps):
    start = time.perf_counter()
    step(W0)
    times.append(time.perf_counter() - start)
print(json.dumps({"numpy_step_seconds": sorted(times)[len(times) // 2], "numpy": np.__version__,
                  "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
                  "max_abs_difference_of_W1": agreement}))
