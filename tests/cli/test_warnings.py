#!/usr/bin/python3
"""Warnings that say what is wrong and what to do (docs/cli.md, "Warnings"):
- a truncation residual above 1e-3 ||f*||^2 in flow, sweep and loss, its value checked against the closed form
  for sign(z1 z2) = sign(z1) sign(z2) (c_k = 2 phi(0) He_{k-1}(0) / sqrt(k!) for odd k), and in flow the
  escape-time shift measured against K + 4, whose times are those of `flow --degree 12`;
- train: a degree below the link's leap (he3 at K = 2), flags a run ignores, all in --json's warnings too.
Usage: /usr/bin/python3 tests/cli/test_warnings.py path/to/grassflow"""
import json
import math
import re
import sys

import checks
from checks import check, finish

BIN = sys.argv[1]


def run(*args):
    return checks.run(BIN, *args)


def double_factorial(n):
    return math.prod(range(n, 0, -2)) if n > 0 else 1


def c2(k):  # squared Hermite coefficient of sign(z) at degree k
    if k % 2 == 0:
        return 0.0
    he = double_factorial(k - 2)  # |He_{k-1}(0)|
    return (2 / math.sqrt(2 * math.pi) * he) ** 2 / math.factorial(k)


residual = 1 - sum(c2(i) * c2(j) for i in range(9) for j in range(9) if i + j <= 8)
link = ["--link", "sign(z1*z2)"]
for args in (["flow", *link, "--objective", "joint", "--d", "1e4"],
             ["sweep", *link, "--objective", "joint", "--d", "100,1000", "--seeds", "1"],
             ["loss", *link, "--objective", "joint", "--M", "0.5,0;0,0.5"]):
    err = run(*args).stderr
    m = re.search(r"truncation residual ([0-9.e+-]+) of", err)
    check(m is not None and abs(float(m.group(1)) - residual) < 1e-3 * 0.5 + 5e-4 and "higher degree" in err,
          f"{args[0]}: truncation residual {m.group(1) if m else None} vs closed form {residual:.4f}")

err = run("flow", *link, "--objective", "joint", "--d", "1e4").stderr
shift = re.search(r"escape 2 at t = ([0-9.e+]+) \(K = 8\) and ([0-9.e+]+) \(K = 12\)", err)
finer = json.loads(run("flow", *link, "--objective", "joint", "--d", "1e4", "--degree", "12", "--json").stdout)
check(shift is not None and abs(float(shift.group(2)) / finer["escape_times"][1] - 1) < 1e-5,
      f"flow: the shift is measured against the flow at K = 12 (escape 2 at {finer['escape_times'][1]:.6g})")
quiet = run("flow", "--link", "preset:staircase2", "--objective", "joint", "--d", "1e4").stderr
check("warning" not in quiet, "flow: a link with no energy above K gets no truncation warning")

out = json.loads(run("train", "--link", "preset:he3", "--d", "10", "--n", "2000", "--steps", "5", "--json").stdout)
check(any("below the link's leap 3" in w and "--degree 3" in w for w in out["warnings"]),
      "train: --degree 2 below he3's leap 3 is named, with the fix")
out3 = json.loads(run("train", "--link", "preset:he3", "--d", "10", "--n", "2000", "--steps", "5", "--degree", "3",
                      "--json").stdout)
check(out3["warnings"] == [], "train: no advice once --degree 3 is given")
p = run("train", "--link", "z1*z2", "--d", "10", "--n", "500", "--steps", "2", "--header", "yes", "--json")
check(any("--header is ignored" in w for w in json.loads(p.stdout)["warnings"]) and "--header is ignored" in p.stderr,
      "train: an ignored flag is named on stderr and in --json's warnings")

finish()
