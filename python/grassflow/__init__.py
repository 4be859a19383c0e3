"""grassflow: gradient flow on Gaussian multi-index models y = f*(W*ᵀx), x ~ N(0, I_d), after Bietti, Bruna and
Pillaud-Vivien, "On Learning Gaussian Multi-index Models with Gradient Flow" (arXiv 2310.19793).

The same C++ core as the ``grassflow`` command-line tool and the browser explorer, with numpy in and out. The
functions are named as the CLI's commands and take the experiment keys (docs/experiment.md) as keyword arguments
with the same names (``t-max`` is ``t_max``), defaults, ranges and messages; their results equal the CLI's
``--json`` output to the last bit. Conventions (M = WᵀW*, orthonormal Hermite h_k = He_k/√k!, losses with the ½
factor) follow docs/theory.md; the package is documented in docs/python.md.

Errors: grassflow.InputError (a ValueError) for bad input and grassflow.LimitError (a ValueError) for a request
beyond what grassflow supports, each naming the keyword (``d=: ...``); TypeError for a value of the wrong type.
Long calls release the GIL and stop with KeyboardInterrupt on Ctrl-C.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from . import _arrays, _core, _keys
from ._arrays import aligned_empty
from ._core import InputError, LimitError
from ._results import FittedLink, FlowResult, HermiteResult, SweepResult, TrainResult

__version__ = _core.version()
__all__ = ["hermite", "loss", "flow", "sweep", "train", "sir", "save", "phd", "principal_angles", "haar_stiefel",
           "aligned_empty", "InputError", "LimitError", "FlowResult", "HermiteResult", "SweepResult", "TrainResult",
           "FittedLink", "__version__"]


def __getattr__(name):
    # grassflow.plot and grassflow.figures load matplotlib only when used.
    if name in ("plot", "figures"):
        import importlib
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'grassflow' has no attribute {name!r}")


def _given(**values) -> dict:
    return {k: v for k, v in values.items() if v is not None}


def hermite(link: str, r: int | None = None, degree: int | None = None) -> HermiteResult:
    """The Hermite decomposition of ``link`` (docs/theory.md §2, §6), as ``grassflow hermite --json``.

    link: an expression in z1..zr or "preset:NAME". r: the number of variables (None: the link's own). degree: the
    truncation K (None: 8, lowered for r ≥ 6 to what the quadrature affords). Returns a HermiteResult.
    Raises InputError (link=, r=, degree=), LimitError (degree= beyond the quadrature), TypeError.
    """
    _keys.require(link=link)
    given = _given(link=link, r=r, degree=degree)
    keys = _keys.key_texts(**given)
    raw = _core.hermite(keys)
    resolved = dict(raw["resolved"], r=str(raw["r"]), degree=str(raw["degree"]))
    cli = _keys.command_line("hermite", {"link": link, "r": r, "degree": degree, "json": True})
    return HermiteResult(raw, _keys.provenance(cli, given, resolved))


def loss(link: str, M, objective: str, r: int | None = None, degree: int | None = None):
    """The population loss L(M) and its Euclidean gradient ∂L/∂M at the overlap M = WᵀW* (docs/theory.md §4, §5),
    as ``grassflow loss --json``.

    M: r×r array (singular values ≤ 1), r the link's own unless ``r`` says otherwise (never read off M).
    objective: "joint" (link refitted, Grassmannian) or "planted" (link known, Stiefel). Returns (value: float,
    gradient: ndarray r×r). Raises InputError (M=, link=, objective=, r=, degree=), TypeError.
    """
    _keys.require(link=link, M=M, objective=objective)
    M = _arrays.matrix("M", M)
    keys = _keys.key_texts(link=link, objective=objective, r=r, degree=degree)
    raw = _core.loss(keys, M)
    return raw["loss"], np.asarray(raw["grad_M"])


def flow(link: str, objective: str, d, init: str | None = None, seed: int | None = None, eps: float | None = None,
         M0=None, t_max: float | None = None, degree: int | None = None, t=None, r: int | None = None) -> FlowResult:
    """One population gradient flow in the overlap M (docs/theory.md §5, §6), as ``grassflow flow --json``.

    link, objective as for ``loss``; d: the ambient dimension (a whole number 1..1e15, ≥ r). init: "random"
    (default; Haar W at d, seeded), "equator" (M(0) = εQ) or "isotropic" (M(0) = I/√d). seed: of the random and
    equator starts (default 0). eps: the equator's ε (default 1/√d). M0: an explicit r×r M(0) (overrides init).
    t_max: stop at this flow time (default 1e30). degree: Hermite truncation K. t: times at which to sample the
    dense output exactly (1-D array within the flow's span; default: the integrator's step ends); result.at(t)
    samples again later. Returns a FlowResult. Raises InputError naming the keyword, TypeError.
    """
    _keys.require(link=link, objective=objective, d=d)
    given = _given(link=link, objective=objective, d=d, init=init, seed=seed, eps=eps, M0=M0, t_max=t_max,
                   degree=degree, r=r)
    keys = _keys.key_texts(**given)
    core = _core.Flow(keys)
    core.run()
    summary = core.summary()
    if t is None:
        sample = core.sample(summary["step_times"])
        summary["final_cosines"] = sample["cosines"][-1]
    else:
        sample = core.sample(FlowResult.times(t))
        summary["final_cosines"] = core.sample([summary["time"]])["cosines"][0]
    params = _keys.LazyProvenance(summary["command_line"] + " --json", given, summary["resolved"])
    return FlowResult(core, keys, summary, sample, params)


def _band(fit: dict, dims: np.ndarray):
    """The fitted curve's 95% band over d from the bootstrap resamplings' lines (fit["replicates"]): the 2.5% and
    97.5% percentiles of their curves on a log grid of d. None without resamplings."""
    if not fit["replicates"]:
        return None
    grid = np.geomspace(dims.min(), dims.max(), 50)
    lines = np.array(fit["replicates"])  # (slope, intercept) pairs
    curves = lines[:, 1:2] + lines[:, 0:1] * np.log(grid)
    if fit["model"] == "power":
        curves = np.exp(curves)
    lo, hi = np.percentile(curves, [2.5, 97.5], axis=0)
    return {"d": grid, "lo": lo, "hi": hi}


def sweep(link: str, objective: str, d, seeds: int = 5, seed_start: int = 0, init: str | None = None,
          t_max: float | None = None, degree: int | None = None, r: int | None = None) -> SweepResult:
    """Flows over dimensions ``d`` (a list of whole numbers) and seeds seed_start .. seed_start + seeds − 1, with
    the per-stage fits of escape time against d (docs/theory.md §6), as ``grassflow sweep --json``, plus quantiles
    across seeds, counts of runs that never ended a stage, and 95% bootstrap intervals on every exponent (over
    seeds, as ``grassflow sweep`` reports them; no fit below three dimensions). init: "random" (Haar, default) or "isotropic" (one flow per d).
    Returns a SweepResult. Raises InputError (d=, seeds=, init=, ...), TypeError.
    """
    _keys.require(link=link, objective=objective, d=d)
    if isinstance(d, np.ndarray):
        d = [x.item() for x in d.ravel()] if d.ndim else [d.item()]
    elif isinstance(d, (str, bytes)) or not hasattr(d, "__iter__"):
        d = [d]
    else:
        d = list(d)  # a list, tuple or generator of dimensions
    seeds = _count("seeds", seeds, 1, 100000)
    seed_start = _count("seed_start", seed_start, 0, 2**64 - seeds)
    dims_text = [_keys.key_text("d", x) for x in d]
    if len({float(x) for x in dims_text}) < len(dims_text):
        raise ValueError(f"d=: {[_keys.typed('d', x) for x in dims_text]} names a dimension twice; give each once")
    given = _given(link=link, objective=objective, init=init, t_max=t_max, degree=degree, r=r)
    keys = _keys.key_texts(**given)
    raw = _core.sweep(keys, dims_text, int(seeds), int(seed_start))
    rows = raw["rows"]
    dims = np.array(sorted({row["d"] for row in rows}))
    seed_list = np.array(sorted({row["seed"] for row in rows}), dtype=np.uint64)
    R = raw["r"]
    escape = np.full((len(dims), len(seed_list), R), np.nan)
    status = np.empty((len(dims), len(seed_list)), dtype=object)
    final = np.full((len(dims), len(seed_list)), np.nan)
    d_index = {x: i for i, x in enumerate(dims)}
    s_index = {int(s): j for j, s in enumerate(seed_list)}
    for row in rows:
        i, j = d_index[row["d"]], s_index[row["seed"]]
        escape[i, j] = row["escape_times"]
        status[i, j] = row["status"]
        final[i, j] = row["final_loss"]
    ends = np.cumsum(raw["stage_dimensions"]) - 1
    stage_times = escape[:, :, ends] if len(ends) else np.zeros((len(dims), len(seed_list), 0))
    warnings = list(raw["warnings"])
    fits = []
    for fit in raw["fit"]:
        fit = dict(fit)
        fit["quantiles"] = {q: np.asarray(fit.pop(f"q{q}")) for q in (25, 50, 75)}
        fit["never"] = np.asarray(fit["never"])
        fit["band"] = _band(fit, dims)
        if fit["never"].any():
            warnings.append(f"stage {fit['stage']}: {int(fit['never'].sum())} of {stage_times[:, :, 0].size} runs never "
                            f"ended it (counted as +inf in the medians; a d whose median is infinite is left out of the "
                            f"fit)")
        if fit["note"]:
            warnings.append(f"stage {fit['stage']}: {fit['note']}")
        fits.append(fit)
    resolved = dict(raw["resolved"])
    resolved["d"] = [_keys.typed("d", x) for x in dims_text]
    resolved["seeds"] = int(seeds) if resolved.get("init", "random") == "random" else 1
    resolved["seed-start"] = int(seed_start)
    cli = _keys.command_line("sweep", {"link": link, "objective": objective, "d": d, "seeds": seeds,
                                       "seed_start": seed_start or None, "init": init, "t_max": t_max,
                                       "degree": degree, "r": r, "json": True})
    result = SweepResult()
    result.d, result.seeds, result.escape_times = dims, seed_list, escape
    result.stage_times, result.status, result.final_loss, result.fits = stage_times, status, final, fits
    result.warnings = warnings
    result.params = _keys.provenance(cli, dict(given, d=d, seeds=seeds, seed_start=seed_start), resolved)
    return result


def _sin_theta_max(basis, w_star):
    return float(np.sin(_core.principal_angles(basis, w_star)[-1]))


def _representation_warning(link: str, r: int | None, features: str, degree: int) -> str | None:
    # `train`'s warning when Hermite features of degree K cannot represent the known link (cmd_train.cpp).
    if not features.startswith("hermite"):
        return None
    h = hermite(link, r=r)
    if h.leap_exponent > degree:
        return (f"degree={degree} is below the link's leap {h.leap_exponent} (docs/theory.md §6): features of degree "
                f"<= {degree} cannot represent the part of the link that leads out of that saddle, so training will "
                f"not escape it; use degree={h.leap_exponent} or more")
    above = h.truncation_residual + float(np.sum(h.degree_energy[degree + 1:]))
    if h.norm2 > 0 and above > 1e-3 * h.norm2:
        return (f"degree={degree}: {100 * above / h.norm2:.3g}% of the link's energy lies above degree {degree}, "
                f"which the fitted link cannot represent (the loss stays above it); raise degree=")
    return None


def _count(name: str, value, low: int = 0, high: int = 2**63 - 1):
    """A whole-number argument in [low, high] as an int; TypeError / ValueError naming it otherwise."""
    if value is None:
        return None
    value = _keys.scalar(value)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}=: expected a whole number, got {type(value).__name__} {value!r}")
    if not math.isfinite(value) or not float(value).is_integer():
        raise ValueError(f"{name}=: {value!r} is not a whole number; give a whole number from {low} to {high}")
    if not low <= value <= high:
        raise ValueError(f"{name}=: {int(value)}; need {low} <= {name} <= {high}")
    return int(value)


def _real(name: str, value):
    if value is None:
        return None
    value = _keys.scalar(value)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}=: expected a number, got {type(value).__name__} {value!r}")
    return float(value)


def _choice(name: str, value):
    if not isinstance(value, str):
        raise TypeError(f"{name}=: expected a string, got {type(value).__name__} {value!r}")
    return value


def train(X=None, y=None, *, link=None, d=None, n=None, r=None, noise=None, seed=None, steps=None, lr=0.1,
          ridge=1e-4, degree=2, features="hermite", schedule="constant", batch=0, ratio=None, online=False,
          lagged=False, float32=False, threads=1, test_size=2000, test_fraction=0.2, X_test=None, y_test=None,
          w_star=None, baselines=False) -> TrainResult:
    """Two-timescale training of F(x) = f̂(Wᵀx), W ∈ St(d, r), on samples (docs/theory.md §7), as
    ``grassflow train --json``: on your arrays X (n×d, float32 or float64, any order or stride) and y (n,), or on
    ``n`` samples of ``link`` at dimension ``d`` drawn as the CLI draws them (the same seed gives the same data).

    With X, y: ``r`` is required; a seeded ``test_fraction`` (default 0.2) of the rows is held out for the test
    loss, exactly as ``grassflow train --data FILE`` does (so the same rows in a CSV give the same result); with
    ``test_fraction=0`` or ``X_test, y_test`` given nothing is held out and X is not copied when its rows are
    64-byte aligned and a multiple of 64 bytes apart (``grassflow.aligned_empty`` makes such arrays for any d;
    the result's ``input_copied`` says; docs/python.md). ``w_star`` (d×r, orthonormal to 1e-4) gives every subspace error.
    Synthetic: ``link``, ``d`` and ``n`` are required; ``noise`` σ, ``test_size`` held-out samples.
    Training knobs as the CLI's flags: steps (default 1000; online n // batch), lr η, ridge λ, degree K (Hermite
    features), features ("hermite", "hermite-kernel:q", "relu:M", "mehler:M[:q]"), schedule ("constant",
    "inverse:tau", "cosine"), batch, ratio ρ (online), online, lagged, float32, threads, baselines (SIR, SAVE and
    pHd on the training samples). Returns a TrainResult. Raises InputError / ValueError naming the keyword,
    LimitError beyond the memory cap, TypeError for a wrong type.
    """
    warnings = []
    steps = _count("steps", steps, 0, 10**9)
    batch = _count("batch", batch, 0, 10**9)
    test_size = _count("test_size", test_size, 0, 10**9)
    threads = _count("threads", threads, 1, 1024)
    degree = _count("degree", degree, 0, 99)
    lr, ridge = _real("lr", lr), _real("ridge", ridge)
    ratio = _real("ratio", ratio)
    features, schedule = _choice("features", features), _choice("schedule", schedule)
    if online and lagged:
        raise ValueError("lagged=: the online variant has no stored data to stream once; choose one")
    if ratio is not None and not online:
        warnings.append("ratio= is ignored without online=True (the exact and lagged variants refit the link at every "
                        "step)")
    if degree is not None and not features.startswith("hermite") and degree != 2:
        warnings.append(f"degree= is ignored with features={features!r} (only Hermite features have a degree)")
    options = {"online": bool(online), "lagged": bool(lagged), "features": features, "degree": degree, "ridge": ridge,
               "lr": lr, "schedule": schedule, "batch": batch, "ratio": 10.0 if ratio is None else ratio,
               "threads": threads, "float32": bool(float32), "baselines": bool(baselines)}
    exp = _keys.key_texts(link=link, r=r, d=d, n=n, noise=noise, seed=seed)
    resolved = _core.resolve(exp, "train")
    options["seed"] = int(resolved.get("seed", "0"))
    cli = {}
    if X is not None:
        if online:
            raise ValueError("online=: online SGD draws fresh samples of link=; it cannot train on X")
        if y is None:
            raise ValueError("y=: give the responses y (one per row of X) with X")
        for name, value in (("link", link), ("n", n), ("noise", noise)):
            if value is not None:
                warnings.append(f"{name}= is ignored with X (the data are X and y)")
        X = _arrays.samples("X", X)
        y = _arrays.responses("y", y, X.shape[0])
        if d is not None and int(float(resolved["d"])) != X.shape[1]:
            raise ValueError(f"d=: d = {exp['d']} but X has {X.shape[1]} columns; leave d out or give X's d")
        if r is None:
            raise ValueError("r=: give the rank r >= 1 of the index space to learn from X")
        options["r"] = r_value = int(resolved["r"])
        if r_value < 1 or r_value > X.shape[1]:
            raise ValueError(f"r=: r = {r_value}; need 1 <= r <= d = {X.shape[1]}")
        W_star = np.zeros((0, 0)) if w_star is None else _arrays.orthonormal("w_star", w_star, X.shape[1], r_value)
        options["steps"] = 1000 if steps is None else steps
        _warn_far_from_standard(X, warnings)
        if X_test is not None or y_test is not None:
            if X_test is None or y_test is None:
                raise ValueError("X_test=, y_test=: give both or neither")
            Xt = _arrays.samples("X_test", X_test)
            if Xt.shape[1] != X.shape[1]:
                raise ValueError(f"X_test=: {Xt.shape[1]} columns, X has {X.shape[1]}; give rows of the same d")
            yt = _arrays.responses("y_test", y_test, Xt.shape[0], rows_of="X_test")
            raw = _core.train_arrays(X, y, Xt, yt, W_star, options)
        else:
            fraction = _real("test_fraction", test_fraction)
            if not 0 <= fraction < 1:
                raise ValueError(f"test_fraction=: {fraction}; give a fraction 0 <= f < 1 of the rows to hold out")
            if fraction == 0:
                raw = _core.train_arrays(X, y, np.zeros((0, X.shape[1])), np.zeros(0), W_star, options)
            else:
                raw = _core.train_split(X, y, fraction, W_star, options)
        w_known = None if w_star is None else W_star
        source = "arrays"
        cli = {"data": "DATA.csv", "r": r_value}
    else:
        if y is not None:
            raise ValueError("X=: y was given without X; give both, or neither with link=, d=, n=")
        if link is None:
            raise ValueError("link=: give the target link (an expression or 'preset:NAME'), or train on X, y")
        if d is None:
            raise ValueError("d=: required: give the input dimension d >= 1 (or train on X, y)")
        if n is None:
            raise ValueError("n=: required: give the number of training samples n >= 1")
        d_value, n_value = int(float(resolved["d"])), int(float(resolved["n"]))
        if n_value < 1:
            raise ValueError(f"n=: n = {n_value}; give the number of samples n >= 1")
        _check_frame_memory(d_value, int(resolved.get("r", "0")) or 1)
        if w_star is not None:
            warnings.append("w_star= is ignored without X (the planted W* is known)")
        if online:
            B = batch or 256
            if n_value < B:
                raise ValueError(f"n=: the online sample budget n = {n_value} is below one batch of B = {B} fresh "
                                 f"samples; give n >= {B} or a smaller batch=")
            options["steps"] = max(1, n_value // B) if steps is None else steps
        else:
            options["steps"] = 1000 if steps is None else steps
        options["r"] = 0
        warning = _representation_warning(link, r, features, degree)
        if warning:
            warnings.append(warning)
        raw = _core.train_planted(exp, d_value, n_value, test_size, options)
        warnings = raw["link_warnings"] + warnings
        w_known = raw["w_star"]
        source = raw["link"]
        cli = {"link": link, "d": d, "n": n, "r": r, "noise": noise, "test_size": test_size}
    warnings += raw["warnings"]
    records = raw["records"]
    summary = {"steps": int(records["step"][-1]), "t": float(records["t"][-1])}
    for name in ("subspace_error", "test_loss", "train_loss"):
        v = float(records[name][-1])
        summary[name] = v if math.isfinite(v) else None
    summary["escape_times"] = [None if math.isnan(e) else float(e) for e in raw["escape_times"]]
    report = None
    if raw.get("baselines") is not None:
        report = {}
        for name, basis in raw["baselines"].items():
            if isinstance(basis, str):
                report[name] = {"basis": None, "subspace_error": None, "error": basis}
                warnings.append(f"baselines: {basis}")
            else:
                err = None if w_known is None else _sin_theta_max(basis, w_known)
                report[name] = {"basis": np.asarray(basis), "subspace_error": err, "error": None}
        summary["baselines"] = {k: {"subspace_error": v["subspace_error"], **({"error": v["error"]} if v["error"]
                                                                              else {})} for k, v in report.items()}
    result = TrainResult()
    result.W = np.asarray(raw["W"])
    result.W0 = np.asarray(raw["W0"])
    result.w_star = w_known
    result.target = None if X is not None else {"link": link, "r": r, "d": d}
    result.link = FittedLink(features, degree, options["seed"], raw["coefficients"], raw["ridge"], result.W)
    result.records = records
    result.escape_times = np.asarray(raw["escape_times"])
    result.summary = summary
    result.baselines = report
    result.input_copied = bool(raw.get("copied", True))
    result.source = source
    result.warnings = warnings
    cli.update({"seed": seed, "steps": options["steps"], "lr": lr, "ridge": ridge, "degree": degree,
                "features": features, "schedule": schedule, "batch": batch or None, "ratio": ratio,
                "online": online, "lagged": lagged, "float32": float32, "threads": threads, "baselines": baselines,
                "json": True})
    resolved.update({"r": str(result.W.shape[1]), "d": str(result.W.shape[0]), "steps": str(options["steps"]),
                     "lr": lr, "ridge": ridge, "degree": degree, "features": features, "schedule": schedule,
                     "batch": batch, "online": bool(online), "lagged": bool(lagged), "float32": bool(float32)})
    given = _given(link=link, d=d, n=n, r=r, noise=noise, seed=seed, steps=steps)
    result.params = _keys.provenance(_keys.command_line("train", cli), given, resolved)
    if X is not None:
        result.params["data"] = f"arrays X {X.shape} {X.dtype}, y ({X.shape[0]},)"
    return result


def _warn_far_from_standard(X: np.ndarray, warnings: list) -> None:
    # As `train --data` (model_file.cpp distance_from_standard): inputs far from the theory's N(0, I_d).
    with np.errstate(over="ignore", invalid="ignore"):
        mean = X.mean(axis=0, dtype=np.float64)
        std = X.std(axis=0, dtype=np.float64)
    bad_mean = np.abs(mean) > 1
    with np.errstate(divide="ignore"):
        bad_scale = (std > 3) | (std < 1 / 3)
    if bad_mean.any() or bad_scale.any():
        j = int(np.argmax(np.abs(mean) + np.abs(np.log(np.maximum(std, 1e-300)))))
        warnings.append(f"X: the inputs are far from the theory's N(0, I_d) (column {j}: mean {mean[j]:.3g}, standard "
                        f"deviation {std[j]:.3g}); standardise them first, e.g. (X - X.mean(0)) / X.std(0)")


def _baseline(method: str, X, y, r, slices: int = 10) -> np.ndarray:
    X = _arrays.samples("X", X)
    y = _arrays.responses("y", y, X.shape[0])
    r = _count("r", r, 1, 2**31 - 1)  # the core says when r exceeds d or slices exceed n/2, as the CLI does
    slices = _count("slices", slices, 2, 2**31 - 1)
    return np.asarray(_core.baseline(method, X, y, r, slices))


def sir(X, y, r: int, slices: int = 10) -> np.ndarray:
    """Sliced inverse regression (Li 1991; docs/theory.md §7): an orthonormal d×r basis of the estimated index
    space from X (n×d) and y (n). Needs n > d and n ≥ 2·slices. Raises InputError naming the cause (n=, r=,
    slices=, data= for a singular covariance), TypeError."""
    return _baseline("sir", X, y, r, slices)


def save(X, y, r: int, slices: int = 10) -> np.ndarray:
    """Sliced average variance estimation (Cook & Weisberg 1991; docs/theory.md §7): an orthonormal d×r basis.
    Sees even links (z1², z1z2) that SIR misses. Errors as ``sir``."""
    return _baseline("save", X, y, r, slices)


def phd(X, y, r: int) -> np.ndarray:
    """Principal Hessian directions, y-based (Li 1992; docs/theory.md §7): an orthonormal d×r basis, eigenvectors
    of E[(y − ȳ) z zᵀ] ranked by |eigenvalue|. Errors as ``sir`` (no slices)."""
    return _baseline("phd", X, y, r)


def principal_angles(A, B) -> np.ndarray:
    """The principal angles (radians, ascending) between span A and span B (d×r and d×r', orthonormal columns to
    1e-4; docs/theory.md §3): arccos of the singular values of AᵀB. Raises ValueError for shapes that differ in
    d or columns that are not orthonormal."""
    A = _arrays.orthonormal("A", A)
    B = _arrays.orthonormal("B", B, A.shape[0])
    return np.asarray(_core.principal_angles(A, B))


def haar_stiefel(d: int, r: int, seed: int = 0) -> np.ndarray:
    """A Haar-distributed (uniform) point of the Stiefel manifold St(d, r) (docs/theory.md §5): d×r with
    orthonormal columns, from the seeded stream ``seed`` (the same on every platform). Raises ValueError for
    r < 1 or d < r, TypeError."""
    d, r = _count("d", d, 1, 2**31 - 1), _count("r", r, 1, 2**31 - 1)
    seed = _count("seed", seed, 0, 2**64 - 1)
    if r > d:
        raise InputError(f"d=: d = {d} is below r = {r}; give d >= r")
    _check_frame_memory(d, r)
    return np.asarray(_core.haar_stiefel(d, r, seed))


def _check_frame_memory(d: int, r: int) -> None:
    # A d×r frame of float64 (W*, W(0), the gradient: a few of them) within the samples' memory cap of 2 GiB.
    need = 8 * d * r
    if d > 2**31 - 1 or need > 2**31:
        raise LimitError(f"d=: a {d} x {r} frame of float64 needs {need / 2**30:.3g} GiB, above the cap of 2 GiB; "
                         f"lower d")
