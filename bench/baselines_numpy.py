#!/usr/bin/python3
"""SIR, SAVE and pHd (docs/theory.md §7, core/include/grassflow/baselines.h) written the way a researcher would
in numpy, timed on the data bench_baselines dumped (--dump DIR: X.f64, y.f64, and its three bases), and compared
with those bases: sin θ_max between the two spans of each method. Float64 throughout, numpy's default BLAS
threading unless OPENBLAS_NUM_THREADS says otherwise. Same definitions as the C++ (and as
tests/fixtures/make_baselines.py): whitening by Σ̂^{-1/2} from np.cov and eigh, 10 slices of the samples sorted
by y (slice h = ranks hn//H .. (h+1)n//H - 1), SAVE's slice covariances by np.cov, pHd ranked by |eigenvalue|.
The whitening is computed once and shared by the three methods.

Usage: baselines_numpy.py DIR N D R   (prints one JSON object)
"""
import json
import os
import sys
import time

import numpy as np

directory, n, d, r = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
H = 10

X = np.fromfile(os.path.join(directory, "X.f64")).reshape(n, d)
y = np.fromfile(os.path.join(directory, "y.f64"))
native = {name: np.fromfile(os.path.join(directory, "basis_%s.f64" % name)).reshape(r, d).T  # d x r, by column
          for name in ("sir", "save", "phd")}


def top(M, inv_sqrt, by_magnitude=False):
    lam, V = np.linalg.eigh(M)
    order = np.argsort(-np.abs(lam) if by_magnitude else -lam, kind="stable")[:r]
    Q, _ = np.linalg.qr(inv_sqrt @ V[:, order])
    return Q


def baselines(X, y):
    Sigma = np.cov(X, rowvar=False, bias=True)
    lam, U = np.linalg.eigh(Sigma)
    inv_sqrt = (U / np.sqrt(lam)) @ U.T
    Z = (X - X.mean(axis=0)) @ inv_sqrt
    order = np.argsort(y, kind="stable")
    slices = [order[h * n // H:(h + 1) * n // H] for h in range(H)]

    M_sir = np.zeros((d, d))
    M_save = np.zeros((d, d))
    for s in slices:
        p = len(s) / n
        m = Z[s].mean(axis=0)
        M_sir += p * np.outer(m, m)
        A = np.eye(d) - np.cov(Z[s], rowvar=False, bias=True)
        M_save += p * A @ A
    M_phd = (Z.T * (y - y.mean())) @ Z / n
    return {"sir": top(M_sir, inv_sqrt), "save": top(M_save, inv_sqrt), "phd": top(M_phd, inv_sqrt, True)}


def sin_theta_max(A, B):
    """Largest principal angle's sine between span A and span B (orthonormal columns)."""
    residual = B - A @ (A.T @ B)
    return float(np.linalg.norm(residual, 2))


start = time.perf_counter()
bases = baselines(X, y)
seconds = time.perf_counter() - start
angles = {name: sin_theta_max(native[name], bases[name]) for name in bases}
print(json.dumps({"numpy_seconds": seconds, "sin_theta_max_vs_native": angles,
                  "max_sin_theta_vs_native": max(angles.values()), "numpy": np.__version__}))
