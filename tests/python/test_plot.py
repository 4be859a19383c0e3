"""Tests of grassflow.plot on fake results.

Every plot function draws on the Agg backend with warnings turned into errors
(including at draw time), and the drawn content is checked against the known
values of the fake result: number of lines, escape markers at the escape times,
the fitted line's log-log slope, the landscape against the (monkeypatched)
population loss, log scales.  Conventions: docs/theory.md §5–§7.
"""

import types
import warnings

import numpy as np
import pytest

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.collections import PolyCollection  # noqa: E402
from matplotlib.image import AxesImage  # noqa: E402

from grassflow import plot as P  # noqa: E402


@pytest.fixture(autouse=True)
def strict_warnings():
    """Every warning is an error, while drawing and while rendering; figures closed after."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield
    plt.close("all")


def _render(ax):
    ax.figure.canvas.draw()  # draw-time warnings (layout, log of non-positive data) become errors


def _gid(ax, gid):
    return [ln for ln in ax.lines if ln.get_gid() == gid]


def _texts(ax, gid=None):
    return [t for t in ax.texts if gid is None or t.get_gid() == gid]


def _flow(r=3, with_theory=True):
    t = np.concatenate(([0.0], np.geomspace(1e-3, 1e5, 120)))
    esc = np.array([2.0, 300.0, np.nan, 5e4, 7.0, 8.0])[:r]
    c = np.empty((t.size, r))
    for k in range(r):
        centre = esc[k] if np.isfinite(esc[k]) else 1e9
        c[:, k] = t ** 2 / (t ** 2 + centre ** 2)  # cos² = ½ ... at t = centre (cos = 1/√2·…)
    c = -np.sort(-c, axis=1)
    M = np.zeros((t.size, r, r))
    for k in range(r):
        M[:, k, k] = c[:, k]
    theory = None
    if with_theory:
        theory = {"time_scales": [3.0, float("nan"), 250.0], "plateaus": [1.5, 1.0, 0.5, 0.0],
                  "leaps": [1, 2]}
    return types.SimpleNamespace(
        t=t, M=M, cosines=c, loss=0.5 * (r - (c ** 2).sum(axis=1)), escape_times=esc,
        final_cosines=c[-1], final_loss=0.0, status="converged", warnings=[], theory=theory,
        params={"version": "0.1.0", "commit": "abc",
                "resolved": {"link": "preset:fake", "objective": "joint", "d": 1000, "r": r, "degree": 4}})


def _assert_labels_clear(ax, labels):
    """Label boxes pairwise disjoint, each clear of its own vertical line, inside the figure."""
    renderer = ax.figure.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in labels]
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            a, b = boxes[i], boxes[j]
            overlap = min(a.x1, b.x1) > max(a.x0, b.x0) and min(a.y1, b.y1) > max(a.y0, b.y0)
            assert not overlap, (labels[i].get_text(), labels[j].get_text(), a, b)
    for gid, line_gid in (("escape_label", "escape"), ("theory_label", "theory")):
        mine = [(t, b) for t, b in zip(labels, boxes) if t.get_gid() == gid]
        own_lines = _gid(ax, line_gid)  # made in the same order as their labels
        assert len(own_lines) == len(mine)
        for (txt, box), ln in zip(mine, own_lines):
            x = ax.transData.transform((ln.get_xdata()[0], 1.0))[0]
            # beside its own line, never on it (at least a pixel away)
            assert box.x0 >= x + 1 or box.x1 <= x - 1, (txt.get_text(), box, x)
    for txt, box in zip(labels, boxes):
        assert ax.bbox.x0 <= box.x0 and box.x1 <= ax.bbox.x1 and ax.bbox.y0 <= box.y0 and box.y1 <= ax.bbox.y1


# --------------------------------------------------------------------------- cosines


def test_cosines_lines_escapes_theory():
    res = _flow(r=3)
    ax = P.cosines(res)
    assert isinstance(ax, Axes)
    _render(ax)
    lines = _gid(ax, "cosine")
    assert len(lines) == 3  # one line per direction
    colours = {ln.get_color() for ln in lines}
    assert len(colours) == 3
    for k, ln in enumerate(lines):
        x, y = ln.get_xdata(), ln.get_ydata()
        assert np.all(x > 0)  # t = 0 skipped on the log axis
        np.testing.assert_array_equal(x, res.t[1:])
        np.testing.assert_array_equal(y, res.cosines[1:, k])
    assert ax.get_xscale() == "log"
    # escape markers: at the finite escape times only, in the direction's colour
    esc = _gid(ax, "escape")
    assert [ln.get_xdata()[0] for ln in esc] == [2.0, 300.0]
    assert esc[0].get_color() == lines[0].get_color()
    assert esc[1].get_color() == lines[1].get_color()
    assert all(ln.get_linestyle() == "--" for ln in esc)
    labels = _texts(ax, "escape_label")
    assert [t.get_text() for t in labels] == ["escape 1", "escape 2"]  # numbered from 1, no padding
    # theory time scales: finite ones only, dotted, labelled "theory"
    th = _gid(ax, "theory")
    assert [ln.get_xdata()[0] for ln in th] == [3.0, 250.0]
    assert all(ln.get_linestyle() == ":" for ln in th)
    th_labels = _texts(ax, "theory_label")
    assert [t.get_text() for t in th_labels] == ["theory", "theory"]
    _assert_labels_clear(ax, labels + th_labels)
    assert ax.get_xlabel() == "flow time t"
    assert "cos" in ax.get_ylabel()


def test_cosines_without_theory_and_given_axes():
    res = _flow(r=2, with_theory=False)
    fig, ax0 = plt.subplots()
    ax = P.cosines(res, ax=ax0)
    assert ax is ax0
    _render(ax)
    assert len(_gid(ax, "cosine")) == 2
    assert _gid(ax, "theory") == []
    res.theory = {"time_scales": [1.0], "plateaus": [0.5]}
    ax = P.cosines(res, theory=False)
    assert _gid(ax, "theory") == []


def test_cosines_labels_disjoint_for_close_escapes():
    """Escapes and theory times close together (factor < 1.5 on the log axis) still give clear labels."""
    res = _flow(r=3)
    res.escape_times = np.array([2.0, 2.6, 3.3])
    res.theory = {"time_scales": [2.1, 2.7, 3.2], "plateaus": [1.0]}
    fig, ax = plt.subplots(figsize=(4.0, 3.0))
    P.cosines(res, ax=ax)
    _render(ax)
    labels = _texts(ax, "escape_label") + _texts(ax, "theory_label")
    assert [t.get_text() for t in labels] == ["escape 1", "escape 2", "escape 3", "theory", "theory", "theory"]
    _assert_labels_clear(ax, labels)
    # the layout follows the figure: still clear in a short figure (fixed label steps overlapped there)
    fig.set_size_inches(3.0, 1.8)
    _render(ax)
    _assert_labels_clear(ax, labels)


def test_cosines_labels_disjoint_real_flow_r3():
    import grassflow
    f = grassflow.flow("preset:staircase3", "joint", d=1000, init="isotropic")
    assert np.all(np.isfinite(f.escape_times)) and len(f.escape_times) == 3
    ax = P.cosines(f)  # default figure size
    _render(ax)
    esc = _texts(ax, "escape_label")
    th = _texts(ax, "theory_label")
    assert [t.get_text() for t in esc] == ["escape 1", "escape 2", "escape 3"]
    assert len(th) == 3
    _assert_labels_clear(ax, esc + th)
    # escape k and theory time k are 0.1% apart here: a label must not sit on the other line either
    renderer = ax.figure.canvas.get_renderer()
    xs = [ax.transData.transform((ln.get_xdata()[0], 1.0))[0] for ln in _gid(ax, "escape") + _gid(ax, "theory")]
    own = [ax.transData.transform((ln.get_xdata()[0], 1.0))[0] for ln in _gid(ax, "escape") + _gid(ax, "theory")]
    for txt, x_own in zip(esc + th, own):
        box = txt.get_window_extent(renderer)
        near = [x for x in xs if abs(x - x_own) < 3]
        assert len(near) == 2  # its own line and the other one
        assert all(not (box.x0 - 1 < x < box.x1 + 1) for x in near), (txt.get_text(), box, near)
    # markers exactly at the escape times, although the curves are densely sampled
    assert [ln.get_xdata()[0] for ln in _gid(ax, "escape")] == list(f.escape_times)


class HermiteResult:  # a result of the wrong kind, named as grassflow's
    degree_energy = np.array([0.0, 1.0])


class FlowResult:
    t = np.array([0.0, 1.0])
    cosines = np.array([[0.1], [0.9]])
    loss = np.array([0.5, 0.1])
    escape_times = np.array([0.5])


@pytest.mark.parametrize("call, message", [
    (lambda: P.cosines(HermiteResult()), r"^cosines: result: expected a FlowResult \(grassflow\.flow\(\.\.\.\)\), got HermiteResult"),
    (lambda: P.loss(HermiteResult()), r"^loss: result: expected a FlowResult .*, got HermiteResult"),
    (lambda: P.landscape(HermiteResult()), r"^landscape: result: expected a FlowResult .*, got HermiteResult"),
    (lambda: P.escape_scaling(FlowResult()), r"^escape_scaling: sweep: expected a SweepResult .*, got FlowResult"),
    (lambda: P.training(FlowResult()), r"^training: train_result: expected a TrainResult .*, got FlowResult"),
    (lambda: P.training(types.SimpleNamespace(records={"t": [1.0], "cosines": [[0.5]]}), HermiteResult()),
     r"^training: flow_result: expected a FlowResult .*, got HermiteResult"),
    (lambda: P.hermite_spectrum(FlowResult()), r"^hermite_spectrum: h: expected a HermiteResult .*, got FlowResult"),
])
def test_wrong_result_kind_raises_type_error(call, message):
    n_before = len(plt.get_fignums())
    with pytest.raises(TypeError, match=message):
        call()
    assert len(plt.get_fignums()) == n_before  # rejected before a figure is made


def test_cosines_real_hermite_result_type_error():
    import grassflow
    h = grassflow.hermite("preset:he2")
    with pytest.raises(TypeError, match="cosines: result: expected a FlowResult .*got HermiteResult"):
        P.cosines(h)


class _DenseFake:
    """A flow with ``at``: cos_k(t) = t/(t + k + 1) exactly, step ends far apart."""

    def __init__(self):
        self.t = np.array([0.0, 0.5, 4.0, 30.0, 200.0])
        self.span = 200.0
        self.escape_times = np.array([2.0, 3.0])
        self.theory = None
        self.params = {}
        self.calls = []
        s = self._at(self.t)
        self.cosines, self.loss = s.cosines, s.loss

    @staticmethod
    def _at(t):
        t = np.asarray(t, dtype=float)
        c = np.stack([t / (t + 1.0), t / (t + 2.0)], axis=1)
        return types.SimpleNamespace(t=t, cosines=c, loss=0.5 * (2 - (c ** 2).sum(axis=1)))

    def at(self, t):
        self.calls.append(np.array(t, dtype=float))
        assert np.min(t) >= 0 and np.max(t) <= self.span
        return self._at(t)


def test_flow_curves_use_dense_output():
    res = _DenseFake()
    expect_t = np.geomspace(0.5, 200.0, 400)
    ax = P.cosines(res)
    _render(ax)
    lines = _gid(ax, "cosine")
    for k, ln in enumerate(lines):
        np.testing.assert_allclose(ln.get_xdata(), expect_t, rtol=1e-14)
        np.testing.assert_allclose(ln.get_ydata(), expect_t / (expect_t + k + 1), rtol=1e-14)
    assert ln.get_xdata()[-1] == 200.0  # ends exactly at the span
    assert [ln.get_xdata()[0] for ln in _gid(ax, "escape")] == [2.0, 3.0]  # not moved to samples
    ax = P.loss(res)
    (curve,) = _gid(ax, "loss")
    c = np.stack([expect_t / (expect_t + 1), expect_t / (expect_t + 2)], axis=1)
    np.testing.assert_allclose(curve.get_ydata(), 0.5 * (2 - (c ** 2).sum(axis=1)), rtol=1e-14)
    tr = types.SimpleNamespace(records={"t": np.array([0.0, 1.0, 2.0]), "cosines": np.full((3, 2), 0.5)},
                               params={})
    ax = P.training(tr, res)
    for k, ln in enumerate(_gid(ax, "population")):
        np.testing.assert_allclose(ln.get_xdata(), expect_t, rtol=1e-14)
        np.testing.assert_allclose(ln.get_ydata(), expect_t / (expect_t + k + 1), rtol=1e-14)
    assert len(res.calls) == 3


def test_real_flow_curves_are_dense_and_smooth():
    import grassflow
    f = grassflow.flow("preset:staircase2", "joint", d=1000, init="isotropic")
    t_first = f.t[f.t > 0][0]
    ax = P.cosines(f)
    lines = _gid(ax, "cosine")
    expect = f.at(np.geomspace(t_first, f.span, 400))
    for k, ln in enumerate(lines):
        assert len(ln.get_xdata()) == 400
        np.testing.assert_allclose(ln.get_xdata(), expect.t, rtol=1e-12)
        np.testing.assert_allclose(ln.get_ydata(), expect.cosines[:, k], rtol=1e-12, atol=1e-15)
    # the sampled curve agrees with the step ends it passes (dense output is exact there)
    mid = f.t[(f.t > t_first) & (f.t < f.span)]
    np.testing.assert_allclose(np.interp(np.log(mid), np.log(expect.t), expect.cosines[:, 0]),
                               f.at(mid).cosines[:, 0], atol=5e-3)


def test_cosines_rejects_bad_shape():
    res = _flow(r=2)
    res.cosines = res.cosines[:-1]
    with pytest.raises(ValueError):
        P.cosines(res)


# --------------------------------------------------------------------------- loss


def test_loss_curve_plateaus_escapes():
    res = _flow(r=3)
    ax = P.loss(res)
    _render(ax)
    (curve,) = _gid(ax, "loss")
    np.testing.assert_array_equal(curve.get_xdata(), res.t[1:])
    np.testing.assert_array_equal(curve.get_ydata(), res.loss[1:])
    assert ax.get_xscale() == "log"
    plateaus = sorted(ln.get_ydata()[0] for ln in _gid(ax, "plateau"))
    assert plateaus == [0.0, 0.5, 1.0, 1.5]
    assert all(ln.get_linestyle() == ":" for ln in _gid(ax, "plateau"))
    assert [ln.get_xdata()[0] for ln in _gid(ax, "escape")] == [2.0, 300.0]
    assert ax.get_ylabel() == "population loss"
    ax = P.loss(res, theory=False)
    assert _gid(ax, "plateau") == []


# --------------------------------------------------------------------------- landscape


def test_landscape_r1(monkeypatch):
    calls = []

    def fake_loss(link, M, objective, r=None, degree=None):
        M = np.asarray(M, dtype=float)
        assert M.shape == (1, 1)
        calls.append((link, objective, r, degree))
        m = M[0, 0]
        return 0.5 * (1.0 - m ** 4), np.array([[-2.0 * m ** 3]])

    monkeypatch.setattr(P, "_population_loss", fake_loss)
    res = _flow(r=1)
    res.params["resolved"].update(link="preset:he2", objective="planted", r=1, degree=6)
    res.M[:, 0, 0] = np.linspace(-0.1, -0.99, res.t.size)
    ax = P.landscape(res, grid=33)
    _render(ax)
    assert calls and set(calls) == {("preset:he2", "planted", 1, 6)}
    (curve,) = _gid(ax, "landscape")
    m = np.linspace(-1, 1, 33)
    np.testing.assert_allclose(curve.get_xdata(), m)
    np.testing.assert_allclose(curve.get_ydata(), 0.5 * (1 - m ** 4))
    (traj,) = _gid(ax, "trajectory")
    x = np.asarray(traj.get_xdata())
    np.testing.assert_allclose(x, res.M[:, 0, 0])  # the trajectory's M(t) values
    np.testing.assert_allclose(traj.get_ydata(), 0.5 * (1 - x ** 4))  # sitting on the curve
    assert ax.get_xlim() == (-1.0, 1.0)


def test_landscape_r2_slice(monkeypatch):
    def fake_loss(link, M, objective, r=None, degree=None):
        M = np.asarray(M, dtype=float)
        assert M.shape == (3, 3)
        c = np.diag(M)
        assert c[2] == pytest.approx(0.25)  # the rest of the final cosines
        return float(0.5 * (3 - (c ** 2).sum()) + 0.1 * c[0]), np.zeros((3, 3))

    monkeypatch.setattr(P, "_population_loss", fake_loss)
    res = _flow(r=3)
    res.cosines[-1, 2] = 0.25
    ax = P.landscape(res, grid=9)
    _render(ax)
    images = [im for im in ax.images if isinstance(im, AxesImage)]
    assert len(images) == 1
    Z = np.asarray(images[0].get_array())
    g = np.linspace(0, 1, 9)
    c1, c2 = np.meshgrid(g, g)  # rows: c2, columns: c1 (origin lower)
    np.testing.assert_allclose(Z, 0.5 * (3 - c1 ** 2 - c2 ** 2 - 0.0625) + 0.1 * c1)
    (path,) = _gid(ax, "trajectory")
    np.testing.assert_array_equal(path.get_xdata(), res.cosines[:, 0])
    np.testing.assert_array_equal(path.get_ydata(), res.cosines[:, 1])
    assert ax.get_xlim() == (0.0, 1.0) and ax.get_ylim() == (0.0, 1.0)


def test_landscape_rejects_small_grid():
    with pytest.raises(ValueError):
        P.landscape(_flow(r=2), grid=1)


# --------------------------------------------------------------------------- escape_scaling


def _sweep(model="power"):
    d = np.array([100.0, 300.0, 1000.0, 3000.0])
    rng = np.random.default_rng(3)
    st = np.empty((4, 5, 2))
    st[:, :, 0] = d[:, None] * rng.lognormal(0.0, 0.2, (4, 5))
    st[:, :, 1] = 5.0 + 2.0 * np.log(d)[:, None] + rng.normal(0, 0.1, (4, 5))
    st[1, 2, 0] = np.nan  # one seed never escaped
    fits = [
        {"model": "power", "exponent": 1.0234, "intercept": 0.0123, "ci": [0.97, 1.08],
         "band": {"d": list(d), "lo": list(0.8 * d), "hi": list(1.25 * d)},
         "predicted_exponent": 1.0, "label": "joint, leap 2: T = Θ(d^1)"},
        {"model": "log", "exponent": 2.01, "intercept": 4.9, "ci": [1.9, 2.1],
         "predicted_coefficient": 2.0, "label": "joint, leap 1: T = Θ(log d)"},
    ]
    return types.SimpleNamespace(d=d, seeds=np.arange(5), stage_times=st, fits=fits,
                                 escape_times=st, status=np.full((4, 5), "converged"), params={})


def _loglog_slope(line):
    x = np.log10(np.asarray(line.get_xdata(), dtype=float))
    y = np.log10(np.asarray(line.get_ydata(), dtype=float))
    return (y[-1] - y[0]) / (x[-1] - x[0]), x, y


def test_escape_scaling_power_fit_band_theory():
    sw = _sweep()
    ax = P.escape_scaling(sw)
    _render(ax)
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    (seeds,) = _gid(ax, "seeds")
    assert len(seeds.get_xdata()) == 19  # 20 runs, one never escaped
    (med,) = _gid(ax, "median")
    times = np.where(np.isnan(sw.stage_times[:, :, 0]), np.inf, sw.stage_times[:, :, 0])
    np.testing.assert_allclose(med.get_ydata(), np.median(times, axis=1))
    (fit,) = _gid(ax, "fit")
    slope, x, y = _loglog_slope(fit)
    assert abs(slope - 1.0234) < 1e-12
    np.testing.assert_allclose(y * np.log(10), 0.0123 + 1.0234 * x * np.log(10), rtol=0, atol=1e-12)  # ln T = a + b ln d
    assert x[0] == 2.0 and x[-1] == pytest.approx(np.log10(3000.0), abs=1e-15)
    bands = [c for c in ax.collections if isinstance(c, PolyCollection) and c.get_gid() == "band"]
    assert len(bands) == 1
    (th,) = _gid(ax, "theory")
    slope, x, y = _loglog_slope(th)
    assert abs(slope - 1.0) < 1e-12
    assert th.get_xdata()[0] == 100.0
    assert th.get_ydata()[0] == pytest.approx(np.median(times[0]))  # through the median at the smallest d
    assert th.get_linestyle() in ("--", "-.") or th.get_dashes() is not None
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("1.023" in s and "[0.970, 1.080]" in s for s in legend)


def test_escape_scaling_log_model():
    sw = _sweep()
    ax = P.escape_scaling(sw, stage=1)
    _render(ax)
    (fit,) = _gid(ax, "fit")
    x = np.asarray(fit.get_xdata())
    np.testing.assert_allclose(fit.get_ydata(), 4.9 + 2.01 * np.log(x), rtol=1e-13)
    (th,) = _gid(ax, "theory")
    xt = np.asarray(th.get_xdata())
    med0 = np.median(sw.stage_times[0, :, 1])
    np.testing.assert_allclose(th.get_ydata(), med0 + 2.0 * np.log(xt / 100.0), rtol=1e-13)
    assert _gid(ax, "band") == [] and not [c for c in ax.collections if c.get_gid() == "band"]


def test_escape_scaling_without_fits_or_prediction():
    sw = _sweep()
    sw.fits[0]["predicted_exponent"] = None
    del sw.fits[0]["band"]
    ax = P.escape_scaling(sw)
    _render(ax)
    assert _gid(ax, "theory") == [] and len(_gid(ax, "fit")) == 1
    sw.fits = []
    ax = P.escape_scaling(sw)
    _render(ax)
    assert _gid(ax, "fit") == [] and len(_gid(ax, "median")) == 1
    sw.stage_times[:] = np.nan  # nothing escaped: still draws, no warnings
    ax = P.escape_scaling(sw)
    _render(ax)
    with pytest.raises(IndexError):
        P.escape_scaling(sw, stage=5)


# --------------------------------------------------------------------------- training


def test_training_with_population():
    fl = _flow(r=2)
    t = np.concatenate(([0.0], np.linspace(0.1, 30.0, 300)))
    cos = np.stack([np.tanh(t / 3), np.tanh(t / 20)], axis=1)
    tr = types.SimpleNamespace(
        W=np.eye(50, 2), escape_times=np.array([3.0, 20.0]), baselines={}, link=None, params={},
        records={"t": t, "train_loss": np.exp(-t), "test_loss": np.exp(-t) + 0.01, "cosines": cos,
                 "subspace_error": 1 - cos[:, 1]})
    ax = P.training(tr, fl)
    _render(ax)
    samples = _gid(ax, "samples")
    pop = _gid(ax, "population")
    assert len(samples) == 2 and len(pop) == 2
    for k in range(2):
        np.testing.assert_array_equal(samples[k].get_xdata(), t[1:])
        np.testing.assert_array_equal(samples[k].get_ydata(), cos[1:, k])
        np.testing.assert_array_equal(pop[k].get_ydata(), fl.cosines[1:, k])
        assert samples[k].get_color() == pop[k].get_color()
        assert samples[k].get_linestyle() == "-" and pop[k].get_linestyle() == "--"
    assert ax.get_xscale() == "log"
    texts = [x.get_text() for x in ax.get_legend().get_texts()]
    assert "samples" in texts and "population" in texts
    ax = P.training(tr)
    _render(ax)
    assert _gid(ax, "population") == []
    assert "population" not in [x.get_text() for x in ax.get_legend().get_texts()]


# --------------------------------------------------------------------------- hermite_spectrum


def _hermite(E, s, leaps):
    return types.SimpleNamespace(degree_energy=np.asarray(E, dtype=float), information_exponent=s,
                                 leap_exponent=max(leaps) if leaps else 0, leaps=leaps,
                                 coefficients={}, norm2=float(np.sum(E)), truncation_residual=0.0,
                                 converged=True, params={"link": "preset:fake"}, warnings=[])


def test_hermite_spectrum_linear():
    h = _hermite([0.0, 1.0, 0.5, 0.0, 0.25], 1, [1, 1])
    ax = P.hermite_spectrum(h)
    _render(ax)
    bars = ax.patches
    assert len(bars) == 3  # zeros are absent bars
    assert [b.get_x() + b.get_width() / 2 for b in bars] == [1.0, 2.0, 4.0]
    assert [b.get_height() for b in bars] == [1.0, 0.5, 0.25]
    assert ax.get_yscale() == "linear"
    (s_lab,) = _texts(ax, "information_exponent")
    assert s_lab.get_text() == "s = 1" and s_lab.xy == (1, 1.0)
    (leaps,) = _texts(ax, "leaps")
    assert "leaps (1, 1)" in leaps.get_text() and "s = 1" in leaps.get_text()


def test_hermite_spectrum_quadrature_zeros_absent():
    h = _hermite([0.16, 0.25, 0.08, 3e-31, 0.0066, 2e-32], 1, [1])  # relu-like: odd degrees ≥ 3 are rounding
    ax = P.hermite_spectrum(h)
    _render(ax)
    assert [b.get_x() + b.get_width() / 2 for b in ax.patches] == [0.0, 1.0, 2.0, 4.0]
    assert ax.get_yscale() == "linear"  # 0.0066 .. 0.25 spans < 3 decades


def test_hermite_spectrum_log_when_spanning_decades():
    h = _hermite([0.0, 0.0, 1.0, 1e-5, 0.0, 1e-7], 2, [2])
    ax = P.hermite_spectrum(h)
    _render(ax)
    assert ax.get_yscale() == "log"
    bars = ax.patches
    assert len(bars) == 3
    tops = [b.get_y() + b.get_height() for b in bars]
    np.testing.assert_allclose(tops, [1.0, 1e-5, 1e-7], rtol=1e-12)
    assert ax.get_ylim()[0] > 0
    (s_lab,) = _texts(ax, "information_exponent")
    assert s_lab.get_text() == "s = 2"
    with pytest.raises(ValueError):
        P.hermite_spectrum(_hermite([0.0, -1.0], 1, [1]))


def test_every_plot_draws_real_results_without_warnings():
    import grassflow
    f = grassflow.flow("preset:staircase2", "joint", d=1000, init="isotropic")
    s = grassflow.sweep("preset:he2", "joint", d=[100, 1000, 10000], seeds=3)
    t = grassflow.train(link="preset:staircase2", d=20, n=2000, steps=50, seed=1)
    h = grassflow.hermite("preset:staircase2")
    g = grassflow.flow("z1", "planted", d=100)
    for ax in (P.cosines(f), P.loss(f), P.landscape(f, grid=16), P.landscape(g, grid=16), P.escape_scaling(s),
               P.training(t, f), P.hermite_spectrum(h)):
        assert isinstance(ax, Axes)
        _render(ax)
    # The escape markers of the real flow sit at its escape times.
    ax = P.cosines(f)
    xs = sorted(line.get_xdata()[0] for line in _gid(ax, "escape"))
    assert xs == pytest.approx(sorted(f.escape_times), rel=1e-12)
