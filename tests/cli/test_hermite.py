#!/usr/bin/python3
"""Checks of `grassflow hermite` (issue 3): the JSON contract, values against scipy and docs/theory.md, the table,
warnings, and errors (exit status 2, one line on stderr naming the flag or the expression position).
Usage: /usr/bin/python3 tests/cli/test_hermite.py path/to/grassflow"""
import json
import math
import subprocess
import sys

import numpy as np
from scipy import integrate

from checks import PROVENANCE  # docs/cli.md, "Provenance"

GRASSFLOW = sys.argv[1]
KEYS = {"r", "degree", "norm2", "truncation_residual", "coefficients", "degree_energy", "information_exponent",
        "leaps", "leap_exponent"}
failures = []


def check(condition, what):
    print(("ok    " if condition else "FAIL  ") + what)
    if not condition:
        failures.append(what)


def run(*args):
    p = subprocess.run([GRASSFLOW, "hermite", *args], capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def hermite_json(*args):
    code, out, err = run(*args, "--json")
    assert code == 0, f"grassflow hermite {' '.join(args)} failed: {err}"
    return json.loads(out), err


def documented_order(r, degree):
    def of_degree(slots, total):
        if slots == 1:
            yield [total]
            return
        for first in range(total, -1, -1):
            for rest in of_degree(slots - 1, total - first):
                yield [first] + rest
    return [beta for k in range(degree + 1) for beta in of_degree(r, k)]


def alphas(result):
    return {tuple(c["beta"]): c["value"] for c in result["coefficients"]}


# The JSON contract on staircase3 (docs/theory.md §6: leaps 1, 1, 1).
result, _ = hermite_json("--link", "preset:staircase3")
check(set(result) == KEYS | PROVENANCE, "JSON has exactly the keys of the contract")
check(result["r"] == 3 and result["degree"] == 8, "staircase3: natural r = 3, default degree 8")
a = alphas(result)
check(set(a) == {(1, 0, 0), (1, 1, 0), (1, 1, 1)} and all(abs(v - 1) < 1e-13 for v in a.values()),
      "staircase3: alpha = 1 on e1, e1+e2, e1+e2+e3 and nothing else above 1e-12")
check(len(result["degree_energy"]) == 9 and np.allclose(result["degree_energy"], [0, 1, 1, 1, 0, 0, 0, 0, 0],
                                                         atol=1e-13), "staircase3: degree energies 0,1,1,1,0..")
check(abs(result["norm2"] - 3) < 1e-13 and abs(result["truncation_residual"]) < 1e-13, "staircase3: norm2 3, residual 0")
check(result["information_exponent"] == 1 and result["leaps"] == [1, 1, 1] and result["leap_exponent"] == 1,
      "staircase3: s = 1, leaps [1, 1, 1], s* = 1")

# Order of the coefficient list: by degree, then lexicographic with z1 first.
result, _ = hermite_json("--link", "max(z1, z2)", "--degree", "5")
betas = [c["beta"] for c in result["coefficients"]]
order = documented_order(2, 5)
check(betas == [b for b in order if b in betas] and len(betas) > 8, "coefficients come in the documented order")
check(all(abs(c["value"]) > 1e-12 for c in result["coefficients"]), "only |alpha| > 1e-12 is listed")
check(result["leaps"] == [1, 2], "max(z1, z2): leaps 1 (the mean direction) then 2 (|z1 - z2|)")

# Values against scipy (relu, 1-D, split at the kink) and docs/theory.md §2 closed forms.
phi = lambda x: math.exp(-x * x / 2) / math.sqrt(2 * math.pi)
result, _ = hermite_json("--link", "preset:relu", "--degree", "6")
a = alphas(result)
for k in range(7):
    he = np.polynomial.hermite_e.HermiteE.basis(k)
    expected = integrate.quad(lambda x: x * he(x) * phi(x), 0, 40, epsabs=1e-13)[0] / math.sqrt(math.factorial(k))
    check(abs(a.get((k,), 0.0) - expected) < 1e-12, f"relu: alpha_{k} = {expected:.12f} (scipy)")
check(abs(result["norm2"] - 0.5) < 1e-13, "relu: norm2 = 1/2")
result, _ = hermite_json("--link", "preset:sign2")
check(abs(alphas(result)[(1, 1)] - 2 / math.pi) < 1e-13, "sign(z1 z2): alpha_(1,1) = 2/pi")
check(result["information_exponent"] == 2 and result["leaps"] == [2], "sign2: s = 2, one leap of 2")
result, _ = hermite_json("--link", "z1*z2")
check(result["r"] == 2 and abs(alphas(result)[(1, 1)] - 1) < 1e-13, "z1*z2: r from the expression, alpha_(1,1) = 1")
result, _ = hermite_json("--link", "preset:tanh")
a = alphas(result)
check(abs(a[(1,)] - 0.605706) < 1e-6 and abs(a[(3,)] + 0.148437) < 1e-6, "tanh: alpha_1 = 0.605706, alpha_3 = -0.148437")
check(0 < result["truncation_residual"] < 1e-3, "tanh: positive truncation residual above degree 8")

# Exponents and leaps named in the issue.
for spec, s, leaps, s_star in [("preset:he3", 3, [3], 3), ("preset:parity2", 2, [2], 2), ("z1 + z1*z2*z3", 1, [1, 2], 2),
                               ("preset:z1he3", 1, [1, 3], 3), ("preset:degenerate", 2, [2], 2)]:
    result, _ = hermite_json("--link", spec)
    check(result["information_exponent"] == s and result["leaps"] == leaps and result["leap_exponent"] == s_star,
          f"{spec}: s = {s}, leaps {leaps}, s* = {s_star}")

# A larger --r than the preset's: runs, warns that the extra directions are not in the target.
result, err = hermite_json("--link", "preset:he3", "--r", "3")
check(result["r"] == 3 and result["leaps"] == [3], "preset:he3 --r 3 runs in r = 3")
check("warning" in err and "not in the target" in err and "z2..z3" in err, "... with a warning naming z2..z3")
result, err = hermite_json("--link", "preset:he3sum", "--r", "3")
check(result["r"] == 3 and err == "" and abs(result["degree_energy"][3] - 3) < 1e-12, "family he3sum takes r from --r")

# The readable table.
code, out, err = run("--link", "preset:z1he3")
check(code == 0 and "information exponent" in out and "leaps" in out and "(0,3)" in out, "table output")

# Errors: status 2 and one line on stderr naming the flag or the position.
for args, needle, what in [
    (["--link", "z1 +* 2"], "position 5", "bad expression: its position"),
    (["--link", "foo(z1)"], "unknown function 'foo' at position 1", "unknown function"),
    (["--link", "z1 + z2", "--r", "1"], "z2 exceeds r = 1", "z_k beyond --r"),
    (["--link", "preset:nope"], "unknown preset 'nope'", "unknown preset"),
    (["--link", "preset:parity3", "--r", "2"], "--r", "smaller --r than the preset's natural r"),
    (["--link", "z1", "--degree", "-1"], "--degree", "negative degree"),
    (["--link", "z1", "--degree", "150"], "--degree", "degree beyond the supported range (LimitError)"),
    (["--link", "preset:he3sum", "--r", "7", "--degree", "8"], "32 MiB", "r and K beyond the supported range, with the cost"),
    (["--link", "z1", "--bogus"], "--bogus", "unknown flag"),
    ([], "--link", "missing --link"),
    (["--link", "1/z1"], "--link: link 1/z1 is inf", "a link that is not finite"),
]:
    code, out, err = run(*args)
    check(code == 2 and err.count("\n") == 1 and needle in err and out == "", f"{what}: exit 2, one line with '{needle}'")

if failures:
    print(f"{len(failures)} check(s) failed")
    sys.exit(1)
print("all checks passed")
