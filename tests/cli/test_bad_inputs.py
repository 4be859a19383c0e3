#!/usr/bin/python3
"""The error contract of docs/errors.md at the command line, as one table (issue 7): every bad invocation exits
with status 2 within its timeout, writes exactly one line "grassflow: error: ..." on stderr containing the
expected words (the flag or input named, and the fix), nothing that is NaN on stdout, and no crash (a signal
or an "internal error"). Then extreme but valid settings: each ends with status 0 or 2 and never prints NaN.
Usage: /usr/bin/python3 tests/cli/test_bad_inputs.py path/to/grassflow"""
import json
import os
import re
import subprocess
import sys
import tempfile

GRASSFLOW = sys.argv[1]
TIMEOUT = 60
failures = []

TMP = tempfile.mkdtemp(prefix="grassflow-bad-inputs-")


def data_file(name, text):
    path = os.path.join(TMP, name)
    with open(path, "w") as f:
        f.write(text)
    return path


RAGGED = data_file("ragged.csv", "x1,x2,y\n1,2,3\n4,5\n")
WITH_NAN = data_file("nan.csv", "1,2,3\n4,nan,6\n7,8,9\n")
HEADER_ONLY = data_file("header.csv", "x1,x2,y\n# no rows\n")
GOOD = data_file("good.csv", "".join(f"{i % 7 - 3},{(i * 5) % 11 - 5},{i % 3}\n" for i in range(40)))
NOT_A_NUMBER = data_file("text.csv", "1,2,3\n4,five,6\n")

T = ["train", "--link", "preset:parity2", "--d", "10", "--n", "100", "--steps", "3"]
H = ["hermite", "--link"]
P9 = "+".join(f"z{i}" for i in range(1, 10))

# (arguments, words every one of which the stderr line must contain)
BAD = [
    # The command line itself.
    ([], ["a command is required", "hermite", "train"]),
    (["bogus"], ["unknown command 'bogus'", "version, hermite, train, predict, loss, flow, sweep, reproduce"]),
    (["--nope"], ["unknown option '--nope'", "give a command first"]),
    (["version", "extra"], ["extra"]),
    # hermite: the link expression.
    (["hermite"], ["--link is required", "grassflow hermite --help"]),
    (["hermite", "--link"], ["--link"]),
    (H + [""], ["--link", "empty link expression", "preset:NAME"]),
    (H + ["z1*"], ["--link", "\"z1*\"", "end of expression", "position 4"]),
    (H + ["foo(z1)"], ["--link", "unknown function 'foo' at position 1", "relu"]),
    (H + ["preset:nope"], ["--link", "unknown preset 'nope'", "staircase3"]),
    (H + ["He(200,z1)"], ["--link", "He(k, x)", "0..150"]),
    (H + ["z40"], ["--link", "z40", "at most 32"]),
    (H + ["z1,z2"], ["--link", "one value", "max(z1, z2)"]),
    (H + ["z1=3"], ["--link", "'=' would assign", "=="]),
    (H + ["sum()"], ["--link", "too few parameters", "position 6;"]),
    (H + ["x + z1"], ["--link", "unknown name 'x'", "z1, z2, ..., zr"]),
    (H + ["(" * 3000 + "z1"], ["--link", "...\"", "position"]),
    (H + ["z1+" * 7000 + "1"], ["--link", "21001 characters are too many", "shorten"]),
    (H + ["z1*z3", "--r", "2"], ["--r", "z3 exceeds r = 2", "r >= 3"]),
    (H + ["preset:parity3", "--r", "2"], ["--r", "needs r >= 3, got r = 2"]),
    # hermite: links that are not (numerically) square-integrable.
    (H + ["1/z1"], ["--link", "infinite at z =", "finite on R^r"]),
    (H + ["préset"], ["--link", "a non-ASCII character at position 3", "ASCII"]),
    (H + ["sqrt(z1)"], ["--link", "NaN at z ="]),
    (H + ["1e200*z1"], ["--link", "too large", "overflows", "rescale"]),
    # hermite: sizes.
    (H + ["z1", "--r", "40"], ["--r", "'40'", "from 0 to 32"]),
    (H + ["z1", "--r", "2.5"], ["--r"]),
    (H + ["z1", "--degree", "-1"], ["--degree", "0 to 99"]),
    (H + ["z1", "--degree", "abc"], ["--degree"]),
    (H + ["z1", "--degree", "100"], ["--degree", "0 to 99"]),
    (H + [P9, "--degree", "8"], ["--degree/--r", "r = 9", "lower the degree to K <= 2 or lower r"]),
    # train: the model and the sizes.
    (["train"], ["--link", "--data FILE"]),
    (["train", "--link", "preset:parity2"], ["--d", "d >= 1"]),
    (["train", "--link", "preset:parity2", "--d", "1", "--n", "10"], ["r = 2 exceeds d = 1", "r <= d"]),
    (["train", "--link", "preset:parity2", "--d", "10", "--n", "0"], ["--n", "n >= 1"]),
    (["train", "--link", "z1*", "--d", "10", "--n", "10"], ["--link", "end of expression"]),
    (["train", "--link", "preset:parity2", "--d", "1e12", "--n", "10"], ["--d", "largest dimension", "lower d"]),
    (["train", "--link", "preset:parity2", "--d", "2.5", "--n", "10"], ["--d", "'2.5' is not a whole number"]),
    (["train", "--link", "preset:parity2", "--d", "10", "--n", "1e40"], ["--n", "'1e40' is not a whole number"]),
    (["train", "--link", "preset:parity2", "--d", "1000000000000", "--n", "10"], ["--d", "largest dimension", "lower d"]),
    (["train", "--link", "preset:parity2", "--d", "10", "--n", "1000000000"], ["--n/--d", "GiB", "online"]),
    # train: the optimiser.
    (T + ["--lr", "0"], ["--lr", "eta = 0", "> 0"]),
    (T + ["--lr", "-1"], ["--lr", "eta = -1"]),
    (T + ["--lr", "nan"], ["--lr", "eta = nan"]),
    (T + ["--lr", "inf"], ["--lr", "eta = inf"]),
    (T + ["--lr", "1e300"], ["--lr", "diverged", "smaller step size (lr)"]),
    (T[:-2] + ["--steps", "-3"], ["--steps", "T = -3", "T >= 0"]),
    (T + ["--degree", "13"], ["--degree", "K = 13", "K <= 12"]),
    (["train", "--link", "preset:he3sum", "--r", "20", "--d", "30", "--n", "100", "--degree", "4"],
     ["--degree", "10626 Hermite features", "limited to 2000", "lower K"]),
    (T + ["--schedule", "foo"], ["--schedule", "'foo'", "cosine"]),
    (T + ["--schedule", "inverse:0"], ["--schedule", "tau > 0"]),
    (T + ["--features", "relu:0"], ["--features", "relu:100"]),
    (T + ["--features", "splines"], ["--features", "unknown 'splines'"]),
    (T + ["--noise", "-1"], ["--noise", "'-1' is not a label-noise standard deviation >= 0"]),
    (T + ["--ridge", "-1"], ["--ridge", "lambda = -1"]),
    (T + ["--batch", "1000"], ["--batch", "B = 1000", "B <= n"]),
    (T + ["--batch", "-1"], ["--batch", "B >= 0"]),
    (T + ["--every", "0"], ["--every"]),
    (T + ["--seed", "-1"], ["--seed", "'-1' is not a whole number from 0"]),
    (T + ["--threads", "0"], ["--threads"]),
    (T + ["--online", "--lagged"], ["--lagged", "online"]),
    (T + ["--online", "--batch", "10", "--ratio", "0"], ["--ratio", "rho = 0"]),
    # train: flags missing, repeated, or too small for what they drive.
    (["train", "--link", "preset:staircase2", "--d", "20"], ["--n is required", "n >= 1"]),
    (["train", "--link", "preset:staircase2", "--n", "100"], ["--d is required", "--data"]),
    (T + ["--steps", "5"], ["--steps", "given 2 times", "give it once"]),
    (T + ["--seed", "18446744073709551616"], ["--seed", "to 2^64 - 1 = 18446744073709551615"]),
    (T + ["--online"], ["--n", "online sample budget n = 100", "below one batch of B = 256"]),
    (["train", "--link", "preset:staircase2", "--d", "50", "--n", "20000", "--online", "--ratio", "1e6"],
     ["--lr/--ratio: training diverged", "smaller step size (lr/ratio)"]),
    # train: CSV files.
    (["train", "--data", "/nonexistent.csv", "--r", "1"], ["--data", "cannot open '/nonexistent.csv'"]),
    (["train", "--data", "/dev/zero", "--r", "1"], ["--data", "'/dev/zero' is not a regular file"]),
    (["train", "--data", TMP, "--r", "1"], ["--data", "not a regular file"]),
    (["train", "--data", GOOD], ["--r", "r >= 1"]),
    (["train", "--data", GOOD, "--r", "1", "--online"], ["--online", "--data"]),
    (["train", "--data", RAGGED, "--r", "1"], ["ragged.csv line 3", "2 columns, expected 3"]),
    (["train", "--data", WITH_NAN, "--r", "1"], ["nan.csv line 2, column 2", "NaN", "finite"]),
    (["train", "--data", HEADER_ONLY, "--r", "1"], ["header.csv", "no data rows"]),
    (["train", "--data", NOT_A_NUMBER, "--r", "1"], ["text.csv line 2, column 2", "'five' is not a number"]),
    (["train", "--data", GOOD, "--r", "1", "--d", "3"], ["good.csv line 1", "expected 4"]),
]

# The population-flow commands (issue 4), checked when this build has them.
F = ["flow", "--link", "preset:staircase2", "--objective", "joint"]
L = ["loss", "--link", "preset:staircase2", "--objective", "joint"]
S = ["sweep", "--link", "preset:he3", "--objective", "joint"]
BAD_DYNAMICS = [
    (F + ["--d", "1"], ["--r", "r = 2 exceeds d = 1"]),
    (F + ["--d", "1000", "--r", "33"], ["--r", "'33'", "from 0 to 32"]),
    (F + ["--d", "0"], ["--d", "'0'", "whole number"]),
    (F + ["--d", "-5"], ["--d", "'-5'"]),
    (F + ["--d", "2.5"], ["--d", "whole number"]),
    (F + ["--d", "1e300"], ["--d", "1e15"]),
    (F + ["--d", "1000", "--M0", "1.5,0;0,0.1"], ["--M0", "singular value", "> 1"]),
    (F + ["--d", "2", "--M0", "0.5,0;0,0.5"], ["--M0", "cannot realise", "increase d"]),
    (F + ["--d", "1000", "--M0", "1,2;3"], ["--M0", "row 2 has 1 entries"]),
    (F + ["--d", "1000", "--M0", "0.1,0"], ["--M0", "expected 2x2"]),
    (F + ["--d", "1000", "--t-max", "0"], ["--t-max", "'0' is not a positive number"]),
    (F + ["--d", "1000", "--t-max", "-1"], ["--t-max", "'-1' is not a positive number"]),
    (["flow", "--link", "preset:staircase2", "--objective", "banana", "--d", "1000"],
     ["--objective", "'banana'", "joint or planted"]),
    (F + ["--d", "1000", "--init", "foo"], ["--init", "'foo'"]),
    (F + ["--d", "1000", "--degree", "100"], ["--degree", "0 to 99"]),
    (F + ["--d", "2", "--init", "isotropic"], ["--d", "too small for the isotropic start", "d >= 2r = 4"]),
    (F + ["--d", "3", "--init", "equator"], ["--d", "equator start", "d >= 2r = 4"]),
    (F + ["--d", "100", "--seed", "99999999999999999999999999"], ["--seed", "from 0 to 2^64 - 1 = 18446744073709551615"]),
    # Links whose coefficients cannot be trusted for dynamics (docs/errors.md, "Link expressions").
    (["flow", "--link", "exp(z1^2/4)", "--objective", "joint", "--d", "1000"],
     ["--link", "exp(z1^2/4) did not converge", "square-integrable"]),
    (["loss", "--link", "exp(z1^2/3)", "--objective", "joint", "--M", "0.5"], ["--link", "did not converge"]),
    (["flow", "--link", "He(150,z1)", "--objective", "joint", "--d", "1000"],
     ["--link", "E[f*(z)^2] = 5.71e+262 exceeds 1e+100", "h(k,z1)"]),
    (["flow", "--link", "z1*", "--objective", "joint", "--d", "100"], ["--link", "end of expression"]),
    (L + ["--M", "1.5,0;0,0"], ["--M", "singular value"]),
    (L + ["--M", "nan,0;0,0"], ["--M", "'nan'", "finite"]),
    (L + ["--M", ""], ["--M", "empty matrix"]),
    (L + ["--M", "0.1,0;0,0.1;0,0"], ["--M", "expected 2x2"]),
    (["loss", "--link", "preset:he3", "--objective", "planted", "--M", "0.5", "--r", "2"], ["--M", "expected 2x2"]),
    (S + ["--d", "100,abc"], ["--d", "'abc'"]),
    (S + ["--d", "100", "--seeds", "0"], ["--seeds"]),
    (["reproduce"], ["--out is required"]),
    (["reproduce", "--out", "/proc/grassflow-nope"], ["--out", "cannot create"]),
    (["reproduce", "--out", ""], ["--out: empty", "--out results"]),
    (["reproduce", "--out", GOOD], ["--out", "is a file, not a folder"]),
    (F + ["--d", "100", "--init", "equator", "--eps", "1.0000001"], ["--eps", "'1.0000001' is not in (0, 1]"]),
    (F + ["--d", "100", "--eps", "0.1"], ["--eps", "only the equator start takes a scale"]),
    (F + ["--d", "100,1000"], ["--d", "one flow has one dimension", "sweep"]),
    (["flow", "--link", "z1*z2*z3*z4*z5*z6*z7*z8*z9", "--objective", "joint", "--d", "100"],
     ["--degree", "carry none of its energy", "lower r"]),
    (L + ["--M", "0,0;0,0;0,0"], ["--M", "got a 3x2 matrix, expected 2x2", "e.g. \"0.1,0;0,0.2\""]),
]
STRESS_DYNAMICS = [
    F + ["--d", "1e12", "--init", "equator", "--eps", "1e-300", "--t-max", "1e300", "--json"],
    ["flow", "--link", "preset:he3", "--objective", "planted", "--d", "1e12", "--init", "equator", "--eps", "1e-300",
     "--t-max", "1e300", "--json"],
    ["flow", "--link", "preset:he3", "--objective", "joint", "--d", "1e12", "--init", "isotropic", "--json"],
    ["flow", "--link", "preset:he3", "--objective", "joint", "--d", "1000", "--t-max", "1e-300", "--json"],
    ["flow", "--link", "preset:he3", "--objective", "joint", "--d", "1000", "--degree", "99", "--json"],
    ["flow", "--link", "z1*z2 + z3*z4 + z5*z6 + z7*z8", "--objective", "joint", "--d", "1e4", "--degree", "2",
     "--json"],
    S + ["--d", "100,1e12", "--seeds", "2", "--json"],
]

# Extreme but valid settings: status 0 or 2 (a clear refusal), never NaN, never a crash or a hang.
STRESS = [
    H + ["He(150,z1)", "--degree", "2", "--json"],
    H + ["h(1000,z1)", "--degree", "3"],
    H + ["z1", "--degree", "99", "--json"],
    H + ["exp(z1^2)"],
    H + ["1e150*z1", "--json"],
    H + ["z1 > 0 ? 1e-300 : -1e-300", "--json"],
    T + ["--lr", "1e6"],
    T + ["--lr", "1e6", "--lagged"],
    T + ["--lr", "1e6", "--online", "--batch", "10", "--json"],
    T + ["--lr", "1e150", "--json"],
    T + ["--noise", "1e150", "--json"],
    ["train", "--link", "1e150*z1*z2", "--d", "10", "--n", "100", "--steps", "3", "--json"],
    ["train", "--data", GOOD, "--r", "2", "--lr", "1e200", "--json"],
]

# JSON has no NaN (nlohmann writes null): null is allowed only where a quantity does not exist (an escape not
# reached, a test loss without test data, angles without W*, the batch loss before the first online step, a sweep
# fit through fewer than three dimensions and its interval, the quantiles of runs that never ended a stage).
MAY_BE_NULL = {"escape_times", "test_loss", "cosines", "subspace_error", "train_loss", "exponent", "intercept", "r2",
               "ci", "25", "50", "75"}


def nulls(value, key=None):
    """Keys under which a null (a non-finite or missing number) appears outside MAY_BE_NULL."""
    if value is None:
        return [] if key in MAY_BE_NULL else [key]
    if isinstance(value, dict):
        return [k for name, v in value.items() for k in nulls(v, name)]
    if isinstance(value, list):
        return [k for v in value for k in nulls(v, key)]
    return []


NAN = re.compile(r"\bnan\b|\binf\b", re.IGNORECASE)


def run(args):
    try:
        p = subprocess.run([GRASSFLOW, *args], capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return None
    return p


def shown(args):
    text = " ".join(a if a and " " not in a and len(a) < 60 else repr(a[:57] + "..." if len(a) >= 60 else a)
                    for a in args)
    return "grassflow " + text


def check(condition, what, detail=""):
    print(("ok    " if condition else "FAIL  ") + what + ("" if condition else "\n      " + detail))
    if not condition:
        failures.append(what)


HAS_DYNAMICS = run(["flow", "--help"]).returncode == 0
if HAS_DYNAMICS:
    BAD += BAD_DYNAMICS
    STRESS += STRESS_DYNAMICS
else:
    print(f"note: this build has no flow command: {len(BAD_DYNAMICS) + len(STRESS_DYNAMICS)} flow cases not run")

for args, words in BAD:
    p = run(args)
    if p is None:
        check(False, shown(args), f"no answer within {TIMEOUT} s")
        continue
    # Warnings about the input found before the refusal may precede the one error line.
    lines = [l for l in p.stderr.splitlines() if not l.startswith("grassflow: warning: ")]
    line = lines[0] if lines else ""
    problems = []
    if p.returncode != 2:
        problems.append(f"exit status {p.returncode}, expected 2")
    if len(lines) != 1 or not line.startswith("grassflow: error: ") or not p.stderr.endswith(line + "\n"):
        problems.append(f"stderr does not end with one 'grassflow: error:' line")
    problems += [f"missing {w!r}" for w in words if w not in line]
    if NAN.search(p.stdout):
        problems.append("NaN or inf on stdout")
    check(not problems, f"{shown(args)}  ->  exit 2: {line[:150]}",
          "; ".join(problems)[:300] + f"\n      stderr: {p.stderr[:300]!r}")

for args in STRESS:
    p = run(args)
    if p is None:
        check(False, shown(args), f"no answer within {TIMEOUT} s")
        continue
    problems = []
    if p.returncode not in (0, 2):
        problems.append(f"exit status {p.returncode}")
    if p.returncode == 2 and not p.stderr.startswith("grassflow: error: "):
        problems.append(f"refused without an error line: {p.stderr!r}")
    if NAN.search(p.stdout):
        problems.append("NaN or inf on stdout: " + NAN.search(p.stdout).group(0))
    if p.returncode == 0 and "--json" in args:
        bad_keys = sorted(set(nulls(json.loads(p.stdout))))
        if bad_keys:
            problems.append(f"null (a non-finite number) under {bad_keys}")
    status = f"exit {p.returncode}" + (f": {p.stderr.splitlines()[0][:120]}" if p.returncode else "")
    check(not problems, f"{shown(args)}  ->  {status}", "; ".join(problems))

# Flags that a run ignores are named in a warning, never dropped without a word.
IGNORED = [
    (["train", "--data", GOOD, "--r", "1", "--n", "100", "--steps", "2"], "--n is ignored with --data"),
    (["train", "--data", GOOD, "--r", "1", "--link", "z1", "--steps", "2"], "--link is ignored with --data"),
]
if HAS_DYNAMICS:
    IGNORED.append((S + ["--d", "100,1000", "--init", "isotropic", "--seeds", "3"], "--seeds is ignored with --init isotropic"))
for args, words in IGNORED:
    p = run(args)
    check(p is not None and p.returncode == 0 and f"grassflow: warning: {words}" in p.stderr,
          f"{shown(args)}  ->  exit 0, warns: {words}", "" if p is None else f"exit {p.returncode}, stderr {p.stderr[:200]!r}")

print(f"{len(BAD)} bad invocations, {len(STRESS)} extreme settings, {len(IGNORED)} ignored flags; {len(failures)} failed")
sys.exit(1 if failures else 0)
