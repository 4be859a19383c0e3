#!/usr/bin/python3
"""Checks of `grassflow train` (docs/theory.md §7), run as: /usr/bin/python3 tests/cli/test_train.py path/to/grassflow

- parity2 (z1 z2) at d = 50, n = 2e4: the two-timescale training recovers span W* (sin theta_max < 0.1), SIR
  fails on it and SAVE succeeds; the loss first sits on the equator's plateau 1/2 + sigma^2/2.
- staircase2 (z1 + z1 z2) at d = 50: the empirical stages are the population flow's: plateau at 1/2 between the
  two escapes (docs/theory.md §6), and the time between the escapes close to the reduced joint flow's from
  C(0) = I/d, integrated here with scipy.
- staircase2 learned by online SGD at d = 100 (fresh samples, link learned at rho times the rate).
- the JSON contract, determinism, the CSV route (with its errors) and the errors of bad flags.
- Mehler random features (--features mehler:M[:q]) learn staircase2; malformed values are refused.
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
from scipy.integrate import solve_ivp

BIN = sys.argv[1]
checks = 0


def run(*args, expect=0):
    p = subprocess.run([BIN, "train", *args], capture_output=True, text=True, timeout=300)
    if p.returncode != expect:
        sys.exit("FAIL: grassflow train %s exited %d (expected %d)\nstdout: %s\nstderr: %s"
                 % (" ".join(args), p.returncode, expect, p.stdout[-2000:], p.stderr))
    return p


def check(condition, what):
    global checks
    if not condition:
        sys.exit("FAIL: " + what)
    checks += 1
    print("ok:", what)


def train_json(*args):
    return json.loads(run(*args, "--json").stdout)


# parity2 at d = 50, n = 2e4 (docs/theory.md §7 saw ~1000 steps at eta = 0.1). z1 z2 = (h2(u) - h2(v))/sqrt(2) with
# u, v = (z1 +- z2)/sqrt(2): one of u, v escapes first (loss 1/2 -> 1/4), the other later. The second escape is
# heavy-tailed over seeds (measured with seeds 0..7: t = 11 to 250, one seed still on the 1/4 plateau at
# t = 500): this seed escapes at t ~ 31.
out = train_json("--link", "preset:parity2", "--d", "50", "--n", "20000", "--noise", "0.1", "--steps", "1000",
                 "--baselines", "--seed", "0")
records, summary = out["records"], out["summary"]
check(len(records) == 1001 and [r["step"] for r in records[:3]] == [0, 1, 2], "one record per step, from step 0")
check(all(set(r) == {"step", "t", "train_loss", "test_loss", "cosines", "subspace_error"} for r in records),
      "records carry step, t, train_loss, test_loss, cosines, subspace_error")
check(abs(records[-1]["t"] - 100.0) < 1e-9, "t = eta x steps")
check(summary["subspace_error"] < 0.1, "parity2 d=50 n=2e4: sin theta_max = %.4f < 0.1" % summary["subspace_error"])
check(abs(summary["test_loss"] - 0.005) < 0.003, "final test loss %.5f at the noise floor sigma^2/2" % summary["test_loss"])
early = np.median([r["test_loss"] for r in records[:50]])
check(abs(early - 0.505) < 0.03, "plateau at the equator: median test loss %.4f ~ 1/2 + sigma^2/2" % early)
e1, e2 = summary["escape_times"]
check(e1 is not None and e2 is not None, "both directions escape: %s" % summary["escape_times"])
middle = np.median([r["test_loss"] for r in records if e1 + 0.2 * (e2 - e1) <= r["t"] <= e1 + 0.6 * (e2 - e1)])
check(abs(middle - 0.255) < 0.03, "plateau between the escapes: median test loss %.4f ~ 1/4 + sigma^2/2" % middle)
b = summary["baselines"]
check(b["sir"]["subspace_error"] > 0.9, "SIR fails on the even link: sin theta_max = %.3f" % b["sir"]["subspace_error"])
check(b["save"]["subspace_error"] < 0.3, "SAVE succeeds: sin theta_max = %.3f" % b["save"]["subspace_error"])
check(b["phd"]["subspace_error"] < 0.3, "pHd succeeds: sin theta_max = %.3f" % b["phd"]["subspace_error"])

# staircase2 at d = 50: stages and plateaus against the reduced population flow.
d = 50
out = train_json("--link", "preset:staircase2", "--d", str(d), "--n", "20000", "--noise", "0.1", "--steps", "150",
                 "--seed", "2")
records, summary = out["records"], out["summary"]
t1, t2 = summary["escape_times"]
check(t1 is not None and t2 is not None and t1 < t2, "staircase2 escapes in two stages: %s" % summary["escape_times"])
between = [r["test_loss"] for r in records if t1 + 0.25 * (t2 - t1) <= r["t"] <= t1 + 0.6 * (t2 - t1)]
check(len(between) >= 3 and all(0.35 < v < 0.6 for v in between),
      "plateau 1/2 (+ sigma^2/2) between the escapes: %s" % np.round(between, 3).tolist())
check(summary["test_loss"] < 0.02 and summary["subspace_error"] < 0.1, "staircase2 learned")


def population_escapes(d):
    """Reduced joint flow of z1 + z1 z2 (Phi = C11 + C11 C22 + C12^2) from C(0) = I/d: escape = mu_k >= 1/2."""
    def rhs(_, c):
        C = np.array([[c[0], c[1]], [c[1], c[2]]])
        G = np.array([[1 + C[1, 1], C[0, 1]], [C[0, 1], C[0, 0]]])
        I = np.eye(2)
        dC = (I - C) @ G @ C + C @ G @ (I - C)
        return [dC[0, 0], dC[0, 1], dC[1, 1]]
    sol = solve_ivp(rhs, (0, 30), [1 / d, 0, 1 / d], method="LSODA", rtol=1e-10, atol=1e-14, dense_output=True)
    ts = np.linspace(0, 30, 30001)
    mus = np.array([np.sort(np.linalg.eigvalsh([[a, b], [b, c]]))[::-1] for a, b, c in sol.sol(ts).T])
    return [ts[np.argmax(mus[:, k] >= 0.5)] for k in range(2)]


p1, p2 = population_escapes(d)
check(0.5 < (t2 - t1) / (p2 - p1) < 2.0,
      "time between the stages %.3f vs population %.3f (escapes %.3f, %.3f from C(0) = I/d)" % (t2 - t1, p2 - p1, p1, p2))

# Online SGD on fresh samples at d = 100.
out = train_json("--link", "preset:staircase2", "--d", "100", "--n", "200000", "--online", "--batch", "200",
                 "--noise", "0.1", "--seed", "3", "--every", "10")
summary = out["summary"]
check(out["variant"] == "online" and out["records"][-1]["step"] == 1000, "online: n / batch = 1000 steps")
check(summary["subspace_error"] < 0.1 and summary["test_loss"] < 0.02,
      "online staircase2 d=100: sin theta_max %.4f, test loss %.4f" % (summary["subspace_error"], summary["test_loss"]))

# Lagged one-pass steps and float32 storage learn too; the same seed gives the same output.
args = ["--link", "z1 + z1*z2", "--d", "20", "--n", "5000", "--steps", "120", "--lr", "0.2", "--seed", "4"]
a, b2 = run(*args, "--json").stdout, run(*args, "--json").stdout
check(a == b2, "same seed, same output")
sci = ["--link", "z1 + z1*z2", "--d", "2e1", "--n", "5e3", "--steps", "1.2e2", "--lr", "0.2", "--seed", "4"]
# The same run typed differently: everything but the command line and the options as typed is equal.
typed_apart = {"command_line", "params"}
sci_out, a_out = json.loads(run(*sci, "--json").stdout), json.loads(a)
check({k: v for k, v in sci_out.items() if k not in typed_apart} == {k: v for k, v in a_out.items() if k not in typed_apart},
      "whole numbers in scientific notation (--d 2e1 --n 5e3 --steps 1.2e2) read exactly")
for extra in (["--lagged"], ["--float32"], ["--lagged", "--float32", "--threads", "2"]):
    s = train_json(*args, *extra)["summary"]
    check(s["subspace_error"] < 0.1, "%s learns: sin theta_max %.4f" % (" ".join(extra), s["subspace_error"]))

# CSV data (W* unknown: no angles), and its errors with line numbers.
with tempfile.TemporaryDirectory() as tmp:
    rng = np.random.default_rng(5)
    X = rng.standard_normal((3000, 10))
    y = X[:, 0] + X[:, 0] * X[:, 1]
    path = os.path.join(tmp, "data.csv")
    np.savetxt(path, np.column_stack([X, y]), delimiter=",", header="x1,x2,x3,x4,x5,x6,x7,x8,x9,x10,y", comments="")
    out = train_json("--data", path, "--r", "2", "--steps", "100", "--lr", "0.2", "--baselines")
    s = out["summary"]
    check(s["subspace_error"] is None and out["records"][0]["cosines"] is None, "no W* with --data: angles are null")
    check(s["test_loss"] < 0.1 * out["records"][0]["test_loss"], "trains on the CSV's rows (held-out loss %.4f)" % s["test_loss"])
    check(s["baselines"]["sir"]["subspace_error"] is None, "baselines fitted without a W* to score against")
    bad = os.path.join(tmp, "bad.csv")
    with open(bad, "w") as f:
        f.write("1,2,3\n4,5,6\n7,nan,9\n")
    p = run("--data", bad, "--r", "1", expect=2)
    check("bad.csv line 3, column 2: NaN" in p.stderr, "NaN rejected with its line: " + p.stderr.strip())
    with open(bad, "w") as f:
        f.write("1,2,3\n4,5\n")
    p = run("--data", bad, "--r", "1", expect=2)
    check("bad.csv line 2: 2 columns, expected 3" in p.stderr, "column count checked: " + p.stderr.strip())
    # Identical rows make the normal equations singular: with --ridge 0 that is one clear line, exit 2.
    same = os.path.join(tmp, "same.csv")
    np.savetxt(same, np.tile([0.3, -1.0, 2.0, 0.5, 1.0], (40, 1)), delimiter=",")
    p = run("--data", same, "--r", "2", "--ridge", "0", expect=2)
    check(p.stderr.startswith("grassflow: error: --ridge: the link fit's normal equations (6 features, ") and
          "are singular with ridge = 0; use a ridge > 0" in p.stderr and p.stderr.count("\n") == 1,
          "ridge 0 with a singular system: " + p.stderr.strip())
    p = run("--data", path, "--r", "2", "--d", "9", expect=2)
    check("expected 10 (d = 9 inputs and y" in p.stderr, "--d checked against the file: " + p.stderr.strip())

# Bad flags: one line on stderr, exit status 2.
p = run("--link", "preset:parity2", "--d", "10", "--n", "100", "--lr", "-1", expect=2)
check(p.stderr.startswith("grassflow: error: --lr:"), "bad --lr: " + p.stderr.strip())
p = run("--link", "preset:parity2", "--d", "1000", "--n", "400000000", expect=2)
check("GiB" in p.stderr and "cap" in p.stderr, "memory beyond the cap refused with its size: " + p.stderr.strip())
p = run("--link", "z1*", "--d", "10", "--n", "100", expect=2)
check(p.stderr.startswith("grassflow: error: --link:"), "bad link: " + p.stderr.strip())
p = run("--link", "preset:parity2", "--d", "10", "--n", "4", "--steps", "2")
check("below the 6 link features" in p.stderr, "n below the feature count warns: " + p.stderr.strip())
# Online SGD whose link rate ratio × lr = 2 oscillates: the loss grows by orders of magnitude yet stays finite.
p = run("--link", "preset:staircase2", "--d", "50", "--n", "20000", "--online", "--lr", "0.2", "--steps", "300")
check("the steps are unstable; lower --lr or --ratio (the link's coefficients move at rate ratio × lr = 2)"
      in p.stderr, "an unstable online run warns with the knobs to turn: " + p.stderr.strip())
p = run("--link", "preset:staircase2", "--d", "50", "--n", "20000", "--online", "--lr", "0.05", "--steps", "300")
check("unstable" not in p.stderr, "a stable online run does not warn: " + p.stderr.strip())
p = run("--link", "preset:parity2", "--d", "10", "--n", "100", "--schedule", "warm", expect=2)
check("--schedule" in p.stderr, "bad --schedule: " + p.stderr.strip())

# Mehler random features (exact in expectation for the kernel c_k = q^k): seeded, and they learn staircase2.
out = train_json("--link", "preset:staircase2", "--d", "30", "--n", "4000", "--steps", "100", "--lr", "0.2",
                 "--features", "mehler:100", "--seed", "3")
check(out["features"] == 100, "--features mehler:100 fits with 100 features")
check(out["summary"]["subspace_error"] < 0.15,
      "mehler:100 learns staircase2 at d = 30: sin theta_max = %.4f < 0.15" % out["summary"]["subspace_error"])
again = train_json("--link", "preset:staircase2", "--d", "30", "--n", "4000", "--steps", "100", "--lr", "0.2",
                   "--features", "mehler:100:0.5", "--seed", "3")
check(again["records"] == out["records"], "mehler:100 is mehler:100:0.5 (default q), and the seed reproduces it")
for bad in ["mehler:0", "mehler:100:1.5", "mehler:"]:
    p = run("--link", "preset:staircase2", "--d", "10", "--n", "100", "--features", bad, expect=2)
    check(p.stderr.strip() == ("grassflow: error: --features: '%s'; mehler:M or mehler:M:q needs 1 <= M <= 2000 random "
                               "features and a decay 0 < q < 1 (default 0.5), e.g. mehler:200 or mehler:200:0.3" % bad),
          "malformed --features %s: one line, exit 2: %s" % (bad, p.stderr.strip()))

print("test_train: %d checks passed" % checks)
