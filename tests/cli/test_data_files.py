#!/usr/bin/python3
"""Real data in and a model out (docs/cli.md, "Data files" and "Model files"): `train --data` on CSV (header
detected, y by name or index, other delimiters) and .npy (one matrix, or X and Y) reads the same numbers;
--w-star gives subspace errors that numpy's principal angles reproduce; --save-model writes W (d rows of r,
orthonormal) and the fitted link, which `predict` evaluates: its predictions are degree-<=2 polynomials of W'x
(checked by least squares in numpy) and its test loss is numpy's; --standardize scale is recorded and applied;
bad files fail with one line naming the input, exit 2, nothing written.
Usage: /usr/bin/python3 tests/cli/test_data_files.py path/to/grassflow"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

import checks
from checks import check, finish

BIN = sys.argv[1]


def run(*args, expect=0):
    return checks.run(BIN, *args, expect=expect)


def train(*args):
    return json.loads(run("train", *args, "--json").stdout)


rng = np.random.default_rng(7)
d, r, n = 12, 2, 3000
X = rng.standard_normal((n, d))
W_star = np.linalg.qr(rng.standard_normal((d, r)))[0]
Z = X @ W_star
y = Z[:, 0] + Z[:, 0] * Z[:, 1]
common = ["--r", "2", "--steps", "150", "--lr", "0.3", "--seed", "1"]

with tempfile.TemporaryDirectory() as tmp:
    path = lambda name: os.path.join(tmp, name)
    np.savetxt(path("plain.csv"), np.column_stack([X, y]), delimiter=",", fmt="%.17g")
    names = ["target"] + [f"x{i}" for i in range(d)]
    np.savetxt(path("named.csv"), np.column_stack([y, X]), delimiter=";", fmt="%.17g", header=";".join(names),
               comments="")
    np.save(path("X.npy"), X)
    np.save(path("Y.npy"), y)
    np.save(path("XY.npy"), np.asfortranarray(np.column_stack([X, y])))
    np.savetxt(path("wstar.csv"), W_star, delimiter=",", fmt="%.17g")
    np.save(path("wstar.npy"), W_star)

    base = train("--data", path("plain.csv"), *common, "--w-star", path("wstar.csv"))
    for label, extra in [("header + y by name + ';'", ["--data", path("named.csv"), "--delimiter", ";",
                                                        "--y-column", "target"]),
                         ("y by index 0", ["--data", path("named.csv"), "--delimiter", ";", "--y-column", "0"]),
                         ("X.npy,Y.npy", ["--data", path("X.npy") + "," + path("Y.npy")]),
                         ("one Fortran-order .npy", ["--data", path("XY.npy")])]:
        other = train(*extra, *common, "--w-star", path("wstar.npy"))
        check(other["records"] == base["records"], f"{label}: the same records as the plain CSV")
    s = base["summary"]
    check(s["subspace_error"] < 0.05, f"staircase2 learned from the file: sin theta_max {s['subspace_error']:.3g}")
    check(all(e is not None for e in s["escape_times"]), "both escapes happen, with --w-star known")

    # The model file, and predict on new rows.
    model_path = path("model.json")
    run("train", "--data", path("plain.csv"), *common, "--baselines", "--save-model", model_path)
    model = json.load(open(model_path))
    W = np.array(model["W"])
    check(W.shape == (d, r) and np.allclose(W.T @ W, np.eye(r), atol=1e-12), "model W: d rows of r, orthonormal")
    sin_max = np.sin(np.arccos(np.clip(np.linalg.svd(W.T @ W_star, compute_uv=False).min(), -1, 1)))
    check(abs(sin_max - s["subspace_error"]) < 1e-9,
          f"numpy's sin theta_max of the model's W and W* ({sin_max:.12g}) is train's ({s['subspace_error']:.12g})")
    for name in ("sir", "save", "phd"):
        B = np.array(model["baselines"][name]["basis"])
        check(B.shape == (d, r) and np.allclose(B.T @ B, np.eye(r), atol=1e-10), f"model keeps {name}'s basis")
    check(model["link"]["features"] == "hermite" and len(model["link"]["coefficients"]) == 6,
          "model link: hermite features, 6 coefficients at K = 2, r = 2")
    check({"version", "commit", "command_line", "params", "resolved"} <= set(model), "model carries its provenance")

    X_new = rng.standard_normal((400, d))
    Zn = X_new @ W_star
    y_new = Zn[:, 0] + Zn[:, 0] * Zn[:, 1]
    np.savetxt(path("new.csv"), np.column_stack([X_new, y_new]), delimiter=",", fmt="%.17g")
    np.savetxt(path("new_x.csv"), X_new, delimiter=",", fmt="%.17g")
    out = json.loads(run("predict", "--model", model_path, "--data", path("new.csv"), "--json").stdout)
    pred = np.array(out["predictions"])
    zw = X_new @ W
    poly = np.column_stack([np.ones(len(zw)), zw[:, 0], zw[:, 1], zw[:, 0] ** 2, zw[:, 0] * zw[:, 1], zw[:, 1] ** 2])
    residual = pred - poly @ np.linalg.lstsq(poly, pred, rcond=None)[0]
    check(np.abs(residual).max() < 1e-9, f"predictions are degree-2 polynomials of W'x (residual {np.abs(residual).max():.1e})")
    loss = 0.5 * np.mean((pred - y_new) ** 2)
    check(abs(out["test_loss"] - loss) < 1e-12 * max(1, loss) and loss < 0.01,
          f"predict's test loss {out['test_loss']:.6g} is numpy's from its predictions")
    no_y = json.loads(run("predict", "--model", model_path, "--data", path("new_x.csv"), "--json").stdout)
    check(no_y["predictions"] == out["predictions"] and no_y["test_loss"] is None, "without a y column: predictions only")

    # predict reads new files as the model's training file was read (y by name, ';'), unless told otherwise.
    np.savetxt(path("named_new.csv"), np.column_stack([y_new, X_new]), delimiter=";", fmt="%.17g",
               header=";".join(names), comments="")
    run("train", "--data", path("named.csv"), "--delimiter", ";", "--y-column", "target", *common, "--save-model",
        path("named.json"))
    inherited = json.loads(run("predict", "--model", path("named.json"), "--data", path("named_new.csv"), "--json").stdout)
    check(inherited["test_loss"] < 0.01 and inherited["resolved"]["y-column"] == "target",
          f"predict takes the model's --y-column and --delimiter: test loss {inherited['test_loss']:.3g}")
    # A W* saved as float32 (orthonormal to ~1e-7) is accepted and gives the same angles.
    np.save(path("wstar32.npy"), W_star.astype(np.float32))
    w32 = train("--data", path("plain.csv"), *common, "--w-star", path("wstar32.npy"))
    check(abs(w32["summary"]["subspace_error"] - s["subspace_error"]) < 1e-5, "a float32 --w-star is accepted")

    # --standardize scale: recorded, and applied by predict (shifted, stretched inputs predict the same).
    shift, stretch = rng.standard_normal(d), np.exp(rng.standard_normal(d))
    np.savetxt(path("moved.csv"), np.column_stack([X * stretch + shift, y]), delimiter=",", fmt="%.17g")
    run("train", "--data", path("moved.csv"), *common, "--standardize", "scale", "--save-model", path("scaled.json"))
    scaled = json.load(open(path("scaled.json")))
    st = scaled["standardization"]
    check(st["method"] == "scale" and np.allclose(st["scale"], X[:2400].std(axis=0) * stretch, rtol=0.1),
          "standardize scale: per-input means and scales recorded")
    np.savetxt(path("moved_new.csv"), np.column_stack([X_new * stretch + shift, y_new]), delimiter=",", fmt="%.17g")
    moved = json.loads(run("predict", "--model", path("scaled.json"), "--data", path("moved_new.csv"), "--json").stdout)
    check(moved["test_loss"] < 0.05, f"predict applies the recorded standardisation: test loss {moved['test_loss']:.3g}")

    # Inputs far from N(0, I) are named, with the fix; once standardised, no advice.
    np.savetxt(path("far.csv"), np.column_stack([X * 50 + 3, y]), delimiter=",", fmt="%.17g")
    far = train("--data", path("far.csv"), "--r", "2", "--steps", "1")
    check(any("far from the theory's N(0, I_d)" in w and "--standardize scale" in w for w in far["warnings"]),
          "inputs with standard deviation 50 get the --standardize advice")
    check(train("--data", path("far.csv"), "--r", "2", "--steps", "1", "--standardize", "scale")["warnings"] == [],
          "no advice once --standardize scale is given")

    # --steps 0 fits the link only (baselines too).
    zero = train("--data", path("plain.csv"), "--r", "2", "--steps", "0", "--baselines", "--w-star", path("wstar.csv"))
    check(zero["summary"]["steps"] == 0 and zero["summary"]["baselines"]["save"]["subspace_error"] < 0.3,
          "--steps 0: the link fit and the baselines only")

    # Bad inputs: one line naming the input, exit 2, no model written.
    np.save(path("complex.npy"), X.astype(np.complex128))
    np.save(path("cube.npy"), np.zeros((3, 3, 3)))
    np.save(path("w_empty.npy"), np.zeros((12, 0)))
    # A header promising 2^40 rows of no columns: refused at once, not read row by row (a fuzzer's timeout).
    with open(path("w_none.npy"), "wb") as f:
        header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1099511627776, 0), }".ljust(117) + "\n"
        f.write(b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode())
    np.savetxt(path("w_rows.csv"), W_star[:-1], delimiter=",")
    np.savetxt(path("w_skew.csv"), W_star * 2, delimiter=",")
    bad_model = dict(model, version="0.0.1")
    json.dump(bad_model, open(path("old.json"), "w"))
    np.savetxt(path("dup.csv"), np.column_stack([X[:50], y[:50], y[:50]]), delimiter=",",
               header=",".join([f"x{i}" for i in range(d)] + ["y", "y"]), comments="")
    np.savetxt(path("wide.csv"), np.column_stack([X_new, X_new[:, :1], y_new]), delimiter=",")
    cases = [
        (["train", "--data", path("named.csv"), "--delimiter", ";", "--y-column", "label", "--r", "2"],
         "--y-column: ", "no column named 'label'"),
        (["train", "--data", path("complex.npy"), "--r", "2"], "--data: ", "dtype <c16"),
        (["train", "--data", path("cube.npy"), "--r", "2"], "--data: ", "3-D"),
        (["train", "--data", path("plain.csv"), "--r", "2", "--w-star", path("w_empty.npy")], "--w-star: ", "no values"),
        (["train", "--data", path("plain.csv"), "--r", "2", "--w-star", path("w_none.npy")], "--w-star: ", "no values"),
        (["train", "--data", path("plain.csv"), "--r", "2", "--w-star", path("w_rows.csv")], "--w-star: ", "d x r = 12 x 2"),
        (["train", "--data", path("plain.csv"), "--r", "2", "--w-star", path("w_skew.csv")], "--w-star: ", "not orthonormal"),
        (["predict", "--model", path("old.json"), "--data", path("new.csv")], "--model: ", "written by grassflow 0.0.1"),
        (["predict", "--model", model_path, "--data", path("wide.csv")], "--data: ", "trained at d = 12"),
        (["predict", "--model", tmp, "--data", path("new.csv")], "--model: ", "is not a file"),
        (["train", "--data", path("dup.csv"), "--y-column", "y", "--r", "2"], "--y-column: ", "both 'y'"),
        (["train", "--data", path("plain.csv"), "--r", "2", "--save-model", path("plain.csv")], "--save-model: ",
         "is an input of this run"),
    ]
    for args, prefix, words in cases:
        target = path("should_not_exist.json")
        extra = ["--save-model", target] if args[0] == "train" and "--save-model" not in args else []
        p = subprocess.run([BIN, *args, *extra], capture_output=True, text=True, timeout=60)
        line = p.stderr.strip()
        check(p.returncode == 2 and line.count("\n") == 0 and line.startswith("grassflow: error: " + prefix)
              and words in line and not os.path.exists(target) and p.stdout == ""
              and os.path.getsize(path("plain.csv")) > 0 and open(path("plain.csv")).read(1) != "{",
              f"{' '.join(args[:3])}...: {line}")

finish()
