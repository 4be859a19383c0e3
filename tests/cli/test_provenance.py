#!/usr/bin/python3
"""Provenance of the CLI's JSON outputs (docs/cli.md, "Provenance"): every JSON output carries version, commit,
build, command_line, params and resolved; the command line reproduces the output when run again; params are the
flags as given, resolved has every default filled in (the automatic degree as the K used); whole numbers are
integers. Usage: /usr/bin/python3 tests/cli/test_provenance.py path/to/grassflow"""
import json
import os
import shlex
import subprocess
import sys

from checks import PROVENANCE, check, finish

GRASSFLOW = sys.argv[1]
SOURCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def run(args):
    p = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, f"{args} failed: {p.stderr}"
    return json.loads(p.stdout)


def without_provenance(out):
    return {k: v for k, v in out.items() if k not in PROVENANCE}


head = subprocess.run(["git", "-C", SOURCE, "rev-parse", "HEAD"], capture_output=True, text=True)
version_text = subprocess.run([GRASSFLOW, "version"], capture_output=True, text=True).stdout

CASES = [
    (["hermite", "--link", "z1*z2 + h(3,z1)", "--json"], {"degree": 8, "r": 2}),
    (["loss", "--link", "preset:staircase2", "--objective", "joint", "--M", "0.5,0;0,0.1", "--json"], {"r": 2}),
    (["flow", "--link", "preset:he3", "--objective", "planted", "--d", "1e4", "--json"],
     {"d": 10000, "seed": 0, "init": "random", "degree": 8, "r": 1}),
    (["flow", "--link", "z1*z2", "--objective", "joint", "--d", "500", "--degree", "4", "--init", "equator",
      "--eps", "1e-3", "--json"], {"d": 500, "degree": 4, "eps": 0.001}),
    (["sweep", "--link", "preset:he3", "--objective", "joint", "--d", "1e2,1e3", "--json"],
     {"d": [100, 1000], "seeds": 5}),
    (["version", "--json"], {}),
]

for args, expected in CASES:
    name = "grassflow " + " ".join(args)
    out = run([GRASSFLOW, *args])
    check(PROVENANCE <= set(out), f"{name}: carries {sorted(PROVENANCE)}")
    check(out["version"] in version_text and out["commit"] in version_text,
          f"{name}: version {out['version']} and commit agree with `grassflow version`")
    if head.returncode == 0:
        check(out["commit"].split("-")[0] == head.stdout.strip(), f"{name}: commit is the checkout's HEAD")
    check(out["build"]["target"] == "native" and out["build"]["simd"], f"{name}: build {out['build']}")
    # The command line, run again by a shell, gives the same output.
    words = shlex.split(out["command_line"])
    check(words[0] == "grassflow" and words[1:] == args, f"{name}: command_line {out['command_line']!r} quotes argv")
    again = run([GRASSFLOW, *words[1:]])
    check(without_provenance(again) == without_provenance(out), f"{name}: command_line reproduces the output")
    given = {a[2:] for a in args if a.startswith("--")}
    check(set(out["params"]) == given, f"{name}: params are the flags given ({sorted(out['params'])})")
    for key, value in expected.items():
        got = out["resolved"].get(key)
        check(got == value and type(got) is type(value), f"{name}: resolved {key} = {got!r} (expected {value!r})")

flow = run([GRASSFLOW, "flow", "--link", "z1", "--objective", "joint", "--d", "1e3", "--json"])
check(type(flow["d"]) is int and flow["d"] == 1000, "flow: d is written as the integer 1000")
sweep = run([GRASSFLOW, "sweep", "--link", "z1", "--objective", "joint", "--d", "100,1e3", "--json"])
check(all(type(row["d"]) is int and type(row["seed"]) is int for row in sweep["rows"]), "sweep: d and seed are integers")

finish()
