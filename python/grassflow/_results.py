"""Result objects of the grassflow package: plain data (numpy arrays, dicts, floats) with the CLI's JSON names,
their provenance in ``params``, ``to_dict()``/``to_json()``, a short ``repr``, and pickling (for process pools
and Dask). A FlowResult keeps the integrator's dense output to sample later (``at``); unpickled, it integrates the
same flow again on the first ``at`` (the flow is deterministic: the same bits)."""

from __future__ import annotations

import json
import math

import numpy as np

from . import _core


def _plain(value):
    """``value`` with numpy arrays as lists and NaN as None: what json.dumps writes (the CLI writes null)."""
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, dict):
        return {(",".join(map(str, k)) if isinstance(k, tuple) else k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (np.floating, float)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


class Result:
    """Common behaviour: ``to_dict()`` (plain Python values, NaN as None), ``to_json()``, pickling of the data."""

    _fields: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        """Every field as plain Python values (arrays as nested lists, NaN as None), ``params`` included."""
        return {name: _plain(getattr(self, name)) for name in self._fields + ("warnings", "params")}

    def to_json(self, **kwargs) -> str:
        """``to_dict()`` as JSON text (``kwargs`` go to json.dumps)."""
        return json.dumps(self.to_dict(), **kwargs)


class HermiteResult(Result):
    """The Hermite decomposition of a link (docs/theory.md §2, §6), with the names of ``grassflow hermite --json``.

    coefficients: {β (tuple of r ints): α_β} for |α_β| > 1e-12, orthonormal Hermite H_β = Π h_{β_i}.
    degree_energy: ndarray (K + 1,), ‖f*_k‖² for k = 0..K. norm2: ‖f*‖² (all degrees). truncation_residual:
    ‖f*‖² − Σ_{|β|≤K} α_β². information_exponent s, leap_exponent s*, leaps (list), stage_dimensions, plateaus
    (the joint loss on each plateau), converged (the quadrature's error estimate met its tolerance).
    """

    _fields = ("link", "r", "degree", "coefficients", "norm2", "truncation_residual", "degree_energy",
               "information_exponent", "leap_exponent", "leaps", "stage_dimensions", "plateaus", "converged")

    def __init__(self, raw: dict, params: dict):
        self.link = raw["link"]
        self.r = raw["r"]
        self.degree = raw["degree"]
        self.coefficients = {tuple(beta): value for beta, value in raw["coefficients"]}
        self.norm2 = raw["norm2"]
        self.truncation_residual = raw["truncation_residual"]
        self.degree_energy = np.asarray(raw["degree_energy"])
        self.information_exponent = raw["information_exponent"]
        leaps = raw["leaps"]
        self.leap_exponent = leaps["leap_exponent"]
        self.leaps = leaps["leaps"]
        self.stage_dimensions = leaps["stage_dimensions"]
        self.plateaus = leaps["plateaus"]
        self.converged = raw["converged"]
        self.warnings = raw["warnings"]
        self.params = params
        self._tensors = raw["tensors"]

    def as_tensors(self) -> list[np.ndarray]:
        """The coefficient tensors T_0..T_K (T_k of shape (r,)*k, symmetric) of f* = Σ_k <T_k, He^{(k)}(z)>
        (docs/theory.md §2: α_β = (k!/√β!) T_k[i] for any index tuple i of multiplicities β)."""
        if self.degree > 32:
            raise ValueError(f"as_tensors: numpy arrays have at most 32 axes, and T_K has K = {self.degree}; use "
                             f"coefficients, or hermite(..., degree=32) or less")
        return [np.array(T).reshape((self.r,) * k) for k, T in enumerate(self._tensors)]

    def __repr__(self):
        return (f"HermiteResult({self.link!r}, r={self.r}, K={self.degree}: s={self.information_exponent}, "
                f"leaps={self.leaps}, s*={self.leap_exponent}, {len(self.coefficients)} coefficients, "
                f"residual {self.truncation_residual:.2g})")


class FlowResult(Result):
    """One population flow sampled from its dense output (docs/theory.md §5, §6).

    t: ndarray (T,), flow time (½-loss convention). M: (T, r, r) overlaps M(t) = W(t)ᵀW*. cosines: (T, r)
    principal cosines, descending. loss: (T,) population loss L(M(t)). escape_times: (r,), escape k = first t with
    the k-th largest cos²θ ≥ ½ (NaN: never). final_cosines (r,), final_loss: at the flow's end. status:
    "converged", "stalled", "t_max" or "diverged". steps: accepted integrator steps. theory: the theory's
    time_scales (predicted escape of each stage's last direction; planted: the first escape's Θ scale), plateaus
    and leaps. warnings, params: as the CLI's JSON.
    """

    _fields = ("t", "M", "cosines", "loss", "escape_times", "final_cosines", "final_loss", "status", "steps",
               "theory")

    def __init__(self, flow, keys: dict, summary: dict, sample: dict, params: dict):
        self._flow, self._keys = flow, keys
        self._summary = summary
        self.t = sample["t"]
        self.M = sample["M"]
        self.cosines = sample["cosines"]
        self.loss = sample["loss"]
        self.escape_times = np.asarray(summary["escape_times"])
        self.status = summary["status"]
        self.steps = summary["steps"]
        self.final_loss = summary["final_loss"]
        self.theory = {"time_scales": list(summary["time_scales"]), "plateaus": summary["leaps"]["plateaus"],
                       "leaps": summary["leaps"]["leaps"], "stage_dimensions": summary["leaps"]["stage_dimensions"],
                       "information_exponent": summary["information_exponent"]}
        self.warnings = list(summary["warnings"])
        self.params = params

    @property
    def final_cosines(self) -> np.ndarray:
        """(r,) the principal cosines at the flow's end (t = span)."""
        return self._summary["final_cosines"]

    @property
    def params(self) -> dict:
        """The provenance (docs/cli.md, "Provenance"), built on first use."""
        if not isinstance(self._params, dict):
            self._params = self._params.build()
        return self._params

    @params.setter
    def params(self, value):
        self._params = value

    @property
    def span(self) -> float:
        """The time the flow reached (its end): ``at`` samples within [0, span]."""
        return self._summary["time"]

    @staticmethod
    def times(t) -> list:
        """``t`` (a scalar or 1-D array of finite times) as a list; ValueError naming ``t=`` otherwise."""
        times = np.atleast_1d(np.asarray(t, dtype=float))
        if times.ndim != 1:
            raise ValueError(f"t=: expected a scalar or a 1-D array of times, got shape {times.shape}")
        if not np.all(np.isfinite(times)):
            raise ValueError("t=: the times hold NaN or infinite values; give finite times in [0, span]")
        return times.tolist()

    def at(self, t) -> "FlowResult":
        """The same flow sampled at the times ``t`` (scalar or 1-D array, each in [0, span]) from the integrator's
        dense output (7th order; exact at step ends). Raises grassflow.InputError (``t=``) outside [0, span]."""
        times = FlowResult.times(t)
        if self._flow is None:  # unpickled: integrate the same (deterministic) flow again
            self._flow = _core.Flow(self._keys)
            self._flow.run()
        return FlowResult(self._flow, self._keys, self._summary, self._flow.sample(times), self._params)

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_flow"] = None
        state["_params"] = self.params
        return state

    def __repr__(self):
        escapes = ", ".join("never" if math.isnan(e) else f"{e:.4g}" for e in self.escape_times)
        resolved = self.params["resolved"]
        return (f"FlowResult({resolved['link']!r}, {resolved['objective']}, d={resolved['d']}: {self.status}, "
                f"escapes [{escapes}], final loss {self.final_loss:.3g}, {len(self.t)} samples)")


class SweepResult(Result):
    """Flows over dimensions and seeds with the per-stage fits (docs/theory.md §6).

    d: (D,) dimensions. seeds: (S,) seeds. escape_times: (D, S, r) (NaN: never). stage_times: (D, S, stages), a
    stage's time being the escape time of its last direction. status: (D, S) flow statuses. final_loss: (D, S).
    fits: one dict per stage with the CLI's names (stage, leap, direction, model "power" (ln T = intercept +
    exponent·ln d) or "log" (T = intercept + exponent·ln d), exponent, intercept, r2, predicted_exponent,
    prediction) plus d and median_time (the medians fitted, runs that never escaped counted as +inf), quantiles
    (25%, 50%, 75% at every swept d), never (runs per d that did not end the stage), ci (the 95% bootstrap interval
    of the exponent over seeds; None below 3 dimensions, with a note), replicates (the resamplings' (slope,
    intercept)) and band (the fitted curve's 95% band), as ``grassflow sweep --json`` (core/sweep.h).
    """

    _fields = ("d", "seeds", "escape_times", "stage_times", "status", "final_loss", "fits")

    def __repr__(self):
        fits = "; ".join(
            f"stage {f['stage']}: {'-' if f['exponent'] is None else format(f['exponent'], '.3f')}"
            f" (predicted {f['prediction']})" for f in self.fits)
        return f"SweepResult({len(self.d)} dimensions x {len(self.seeds)} seeds; {fits})"


class FittedLink:
    """The link f̂ = a·φ fitted by training (docs/theory.md §7): features (the --features spec), degree K, seed of
    random features, coefficients a (p,), ridge λ used, r. ``predict(X)`` evaluates f̂(Wᵀx) on rows of X with
    the training's W; ``hermite(degree)`` its Hermite coefficients by Gauss–Hermite quadrature."""

    def __init__(self, features, degree, seed, coefficients, ridge, W):
        self.features, self.degree, self.seed = features, degree, seed
        self.coefficients = np.asarray(coefficients)
        self.ridge = ridge
        self.W = W
        self.r = W.shape[1]

    def __call__(self, Z) -> np.ndarray:
        """f̂(z) for the rows of Z (m×r): the link itself, without W."""
        from . import _arrays
        Z = _arrays.samples("Z", np.atleast_2d(Z) if np.ndim(Z) == 1 else Z)
        if Z.shape[1] != self.r:
            raise ValueError(f"Z=: expected rows of r = {self.r} entries, got shape {Z.shape}")
        return _core.predict(self.features, self.degree, self.seed, self.coefficients, np.eye(self.r), Z)

    def predict(self, X) -> np.ndarray:
        """f̂(Wᵀx) for each row x of X (n×d, float32 or float64): ndarray (n,). Raises ValueError for rows of
        another d, NaN or infinite entries."""
        from . import _arrays
        X = _arrays.samples("X", X)
        return _core.predict(self.features, self.degree, self.seed, self.coefficients, self.W, X)

    def hermite(self, degree: int | None = None, nodes: int = 24) -> dict:
        """{β: α_β} = E[f̂(z) H_β(z)], z ~ N(0, I_r), for |β| ≤ degree (default: the feature degree K), by a
        tensor Gauss–Hermite rule with ``nodes`` per axis (exact for Hermite features when nodes > K; r ≤ 4)."""
        from itertools import product
        from math import factorial, sqrt
        degree = self.degree if degree is None else degree
        if isinstance(degree, bool) or not isinstance(degree, int) or degree < 0:
            raise ValueError(f"degree=: {degree!r}; give a whole number >= 0")
        if isinstance(nodes, bool) or not isinstance(nodes, int) or nodes < 1:
            raise ValueError(f"nodes=: {nodes!r}; give a whole number >= 1 (exact for Hermite features when > K)")
        if self.r > 4:
            raise ValueError(f"r = {self.r}: the tensor quadrature is for r <= 4")
        x, w = np.polynomial.hermite_e.hermegauss(nodes)
        w = w / w.sum()
        grid = np.array(list(product(x, repeat=self.r)))
        weights = np.prod(np.array(list(product(w, repeat=self.r))), axis=1)
        values = self(grid) * weights
        h = [np.polynomial.hermite_e.hermeval(grid, [0] * k + [1]) / sqrt(factorial(k)) for k in range(degree + 1)]
        out = {}
        for beta in product(range(degree + 1), repeat=self.r):
            if sum(beta) <= degree:
                basis = np.prod([h[b][:, i] for i, b in enumerate(beta)], axis=0)
                out[beta] = float(values @ basis)
        return out

    def __repr__(self):
        return f"FittedLink({self.features!r}, K={self.degree}, {len(self.coefficients)} features, ridge {self.ridge:g})"


class TrainResult(Result):
    """A training run on samples (docs/theory.md §7).

    W: (d, r) learned frame, orthonormal; W0: the start W(0). link: the FittedLink. records: dict of arrays over the recorded steps:
    step, t (gradient-flow time Σ η_s), train_loss, test_loss (NaN without held-out data), cosines (T, r) with W*
    (NaN when W* is unknown), subspace_error (sin θ_max). escape_times (r,): first t with the k-th largest cos²θ
    ≥ ½ (NaN: never or W* unknown). summary: the CLI's summary. baselines: {"sir"|"save"|"phd": {"basis": (d, r)
    or None, "subspace_error", "error"}} when requested. input_copied: whether X was copied (False: trained on a
    view of the caller's array).
    """

    _fields = ("W", "W0", "records", "escape_times", "summary", "baselines", "input_copied")

    def population_flow(self, objective: str = "joint", **keys) -> "FlowResult":
        """The population flow of the same target from the same start, M(0) = W(0)ᵀW* (docs/theory.md §5, §7):
        what training on samples approaches as n grows, on the same clock t = Σ η. Synthetic training only (the
        link must be known); ``keys`` go to grassflow.flow (t_max=, degree=, t=). Raises ValueError for training
        on arrays."""
        if self.target is None:
            raise ValueError("population_flow: the target link of training on arrays is unknown; train with link=, "
                             "d=, n= to compare with the population flow")
        from . import flow
        M0 = self.W0.T @ self.w_star
        return flow(self.target["link"], objective, self.target["d"], M0=M0, r=self.target["r"], **keys)

    def __repr__(self):
        s = self.summary
        err = s["subspace_error"]
        return (f"TrainResult(d={self.W.shape[0]}, r={self.W.shape[1]}, {s['steps']} steps: sin θ_max "
                f"{'unknown' if err is None else format(err, '.3g')}, test loss "
                f"{'-' if s['test_loss'] is None else format(s['test_loss'], '.3g')})")

    def to_dict(self) -> dict:
        out = super().to_dict()
        out["link"] = {"features": self.link.features, "degree": self.link.degree, "seed": self.link.seed,
                       "coefficients": self.link.coefficients.tolist(), "ridge": self.link.ridge}
        return out
