#!/usr/bin/python3
"""The reduced joint flow as a researcher writes it with numpy and scipy, measured side by side with grassflow
(issue 4; table in bench/README.md). Staircase3 (z1 + z1 z2 + z1 z2 z3), r = 3, d = 1e6, from C(0) = I/d to a
loss below 1e-10: dM/dt = M G(C)(I − C), G(C) = Σ_k k·k!·B_k(C), B_k(C)[a,b] = <T_k[a,·], C^{⊗(k−1)} T_k[b,·]>
(docs/theory.md §5) with einsum contractions, integrated by solve_ivp (LSODA, DOP853, RK45) with a terminal event at
the loss threshold. The escape times (k-th largest cos² = ½) are located by events too and compared with
grassflow's, whose `flow` command is timed end to end (process included) when its path is given.
Usage: /usr/bin/python3 bench/flow_scipy.py [path/to/grassflow]"""
import json
import math
import subprocess
import sys
import time

import numpy as np
from scipy.integrate import solve_ivp

R, D, THRESHOLD = 3, 1e6, 1e-10

# Tensors T_k of staircase3 (docs/theory.md §2: T_k[i] = α_β √β!/k!).
T1 = np.array([1.0, 0.0, 0.0])
T2 = np.zeros((3, 3))
T2[0, 1] = T2[1, 0] = 0.5
T3 = np.zeros((3, 3, 3))
for p in [(0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0)]:
    T3[p] = 1.0 / 6.0
ENERGY = 3.0  # Σ_k ‖f_k‖² = 1 + 1 + 1


def contractions(C):
    B1 = np.outer(T1, T1)
    B2 = np.einsum("ai,ij,bj->ab", T2, C, T2)
    B3 = np.einsum("aij,ik,jl,bkl->ab", T3, C, C, T3)
    return B1, B2, B3


def loss(M):
    C = M.T @ M
    B1, B2, B3 = contractions(C)
    phi = np.sum(C * B1) + 2 * np.sum(C * B2) + 6 * np.sum(C * B3)
    return 0.5 * (ENERGY - phi)


def rhs(_, y):
    M = y.reshape(R, R)
    C = M.T @ M
    B1, B2, B3 = contractions(C)
    G = B1 + 4 * B2 + 18 * B3
    return (M @ G @ (np.eye(R) - C)).ravel()


def converged(_, y):
    return loss(y.reshape(R, R)) - THRESHOLD


converged.terminal = True


def escape(k):
    def event(_, y):
        s = np.linalg.svd(y.reshape(R, R), compute_uv=False)
        return s[k] ** 2 - 0.5
    event.direction = 1
    return event


def solve(method):
    y0 = (np.eye(R) / math.sqrt(D)).ravel()
    start = time.perf_counter()
    sol = solve_ivp(rhs, (0, 1e6), y0, method=method, rtol=1e-10, atol=1e-20,
                    events=[converged] + [escape(k) for k in range(R)])
    seconds = time.perf_counter() - start
    escapes = [float(e[0]) if len(e) else None for e in sol.t_events[1:]]
    return seconds, sol.nfev, escapes, sol.status


def main():
    rows = []
    for method in ("LSODA", "DOP853", "RK45"):
        best = min((solve(method) for _ in range(3)), key=lambda x: x[0])
        rows.append((f"scipy solve_ivp {method} (rtol 1e-10)", best[0], best[1], best[2]))
    if len(sys.argv) > 1:
        cmd = [sys.argv[1], "flow", "--link", "preset:staircase3", "--objective", "joint", "--d", "1e6", "--init",
               "isotropic", "--json"]
        times = []
        for _ in range(5):
            start = time.perf_counter()
            out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
            times.append(time.perf_counter() - start)
        result = json.loads(out)
        rows.append(("grassflow flow (whole process)", min(times), None, result["escape_times"]))
    print(f"{'method':40s} {'time':>10s} {'RHS evals':>10s}  escape times")
    for name, seconds, nfev, escapes in rows:
        text = ", ".join(f"{e:.10g}" if e is not None else "never" for e in escapes)
        print(f"{name:40s} {seconds * 1e3:8.1f} ms {nfev if nfev else '':>10}  {text}")


if __name__ == "__main__":
    main()
