"""Matplotlib figures for grassflow results.

Every function takes ``ax=None`` (a new figure and axes are made with
``plt.subplots`` when it is None), draws on it and returns the Axes.  Only
matplotlib and numpy are used, and no global style (rcParams) is changed.

Colours follow the Okabe–Ito palette (colour-blind safe): direction k of a
flow (the k-th largest principal cosine) always gets colour k.  Artists carry a
``gid`` that names their role ("cosine", "escape", "theory", "plateau", "fit",
"median", "seeds", "band", "trajectory", "loss", ...), so that tests and
callers can find them.

Curves of a real FlowResult (one with ``at``) are drawn from the integrator's
dense output at 400 geometrically spaced times from the first positive time of
``result.t`` to ``result.span`` (no kinks at the step ends); objects without
``at`` (fakes) are drawn at their ``t``.  Escape markers always sit exactly at
``result.escape_times``.  A result of the wrong kind (e.g. a HermiteResult given
to :func:`cosines`) raises TypeError naming the argument and what it expects.

Conventions (docs/theory.md): time is the gradient-flow time t of §5 (½
convention of the losses), cos θ_k are the principal cosines in descending
order (the singular values of M = WᵀW*), escape k is the first time the k-th
largest cos² reaches ½ (§6), stage times and their fits over d are those of §6
("Fitting time scales over d"), training curves are on the clock t = Σ η of §7.

This module never imports the compiled extension at import time; only
:func:`landscape` needs it (through :func:`_population_loss`).
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "OKABE_ITO",
    "cosines",
    "loss",
    "landscape",
    "escape_scaling",
    "training",
    "hermite_spectrum",
]

#: Okabe–Ito colours, reordered so that the first directions get the most
#: distinct hues on white (yellow last).
OKABE_ITO = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow
)

_THEORY_COLOUR = "0.35"
_ZERO_ENERGY = 1e-20  # relative to the largest degree energy
_THEORY_DASH = "#E69F00"  # Okabe–Ito orange: visible on top of the black fit


def _colour(k):
    """Colour of direction k (0-based)."""
    return OKABE_ITO[k % len(OKABE_ITO)]


def _axes(ax):
    """Return ``ax``, or new axes from ``plt.subplots()`` when it is None."""
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
    return ax


def _get(obj, name, default=None):
    """Attribute or mapping entry ``name`` of ``obj`` (None-safe)."""
    if obj is None:
        return default
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _resolved(result):
    """The ``params["resolved"]`` dict of a result, or {}."""
    params = _get(result, "params") or {}
    return _get(params, "resolved") or {}


def _title(result, default):
    """Short title "link, objective, d = …" from the result's provenance."""
    res = _resolved(result)
    parts = []
    link = res.get("link")
    if link:
        parts.append(str(link).replace("preset:", ""))
    if res.get("objective"):
        parts.append(str(res["objective"]))
    if res.get("d") is not None:
        parts.append("d = %s" % _fmt_num(res["d"]))
    return ", ".join(parts) if parts else default


def _fmt_num(x):
    """Compact number: 1000 → "1000", 1e6 → "1e+06", 0.123456 → "0.123"."""
    try:
        xf = float(x)
    except (TypeError, ValueError):
        return str(x)
    if math.isfinite(xf) and xf == int(xf) and abs(xf) < 1e5:
        return str(int(xf))
    return "%.3g" % xf


def _positive_time_mask(t):
    """Mask of the finite, strictly positive times (t = 0 has no log position)."""
    t = np.asarray(t, dtype=float)
    return np.isfinite(t) & (t > 0)


def _guard_log_limits(ax, x_has_data=True, y_has_data=True):
    """Give a log axis without positive data fixed limits (else drawing raises)."""
    if not x_has_data and ax.get_xscale() == "log":
        ax.set_xlim(1e-3, 1.0)
    if not y_has_data and ax.get_yscale() == "log":
        ax.set_ylim(1.0, 10.0)


def _require(func, argname, obj, attrs, expected):
    """TypeError naming ``func``'s argument unless ``obj`` has every attribute of ``attrs``.

    ``expected`` says what kind of result is needed, e.g. "a FlowResult
    (grassflow.flow(...))".  Duck typing: fakes with the same attributes pass.
    """
    missing = [a for a in attrs if not hasattr(obj, a)]
    if missing:
        raise TypeError("%s: %s: expected %s, got %s (it has no %s)"
                        % (func, argname, expected, type(obj).__name__,
                           ", ".join(repr(a) for a in missing)))


_FLOW = "a FlowResult (grassflow.flow(...))"
_N_DENSE = 400  # samples of a FlowResult's dense output per curve


def _dense_flow(result):
    """``(t, cosines, loss)`` of a flow for drawing curves on a log time axis.

    A real FlowResult (it has ``at`` and ``span``) is sampled from its dense
    output at ``_N_DENSE`` geometrically spaced times from the first positive
    time of ``result.t`` to ``result.span``, so that curves have no kinks at
    the integrator's step ends; anything else (a fake, a result whose ``at``
    fails) gives ``result.t``, ``result.cosines``, ``result.loss`` (None when
    absent) as they are.  t = 0 is never sampled (it has no log position).
    """
    t = np.asarray(result.t, dtype=float).ravel()
    c = np.asarray(result.cosines, dtype=float) if hasattr(result, "cosines") else None
    y = np.asarray(result.loss, dtype=float).ravel() if hasattr(result, "loss") else None
    at = getattr(result, "at", None)
    pos = t[_positive_time_mask(t)]
    span = _get(result, "span")
    if span is None and pos.size:
        span = pos.max()
    if callable(at) and pos.size and math.isfinite(float(span)) and float(span) > pos.min():
        times = np.geomspace(pos.min(), float(span), _N_DENSE)
        times[-1] = float(span)  # geomspace may round past the end of the flow
        try:
            dense = at(times)
        except Exception:  # noqa: BLE001 - fall back to the step ends
            return t, c, y
        td = np.asarray(dense.t, dtype=float).ravel()
        cd = np.asarray(dense.cosines, dtype=float) if c is not None else None
        yd = np.asarray(dense.loss, dtype=float).ravel() if y is not None else None
        return td, cd, yd
    return t, c, y


class _Stagger:
    """Initial vertical positions (axes fraction) for labels of vertical lines.

    Successive labels step down from the top (``bottom=True``: up from the
    bottom).  These are only the positions before the first draw:
    :class:`_LabelLayout` places the labels at draw time.
    """

    def __init__(self, top=0.97, step=0.075, levels=6, bottom=False):
        self.top, self.step, self.levels, self.bottom = top, step, levels, bottom
        self.i = 0

    def next(self):
        k = self.i % self.levels
        self.i += 1
        if self.bottom:
            return 1.0 - self.top + k * self.step
        return self.top - k * self.step


class _LabelLayout:
    """Places the labels of an axes' vertical lines at draw time.

    Each label goes beside its own line (``_PAD_PT`` points to the right, or to
    the left when that is more than a level higher up, or when the right side
    would leave the axes), never on it, at the first level (from the top for escape labels, from the bottom for theory
    labels; one level = the label's height plus a gap) where its bounding box
    is disjoint from every label placed before it; among those, levels that
    also keep clear of the other marker lines, the legend and the axes' other
    texts are preferred.
    The extents are measured with the draw's renderer, so the layout holds for
    the figure size, dpi and layout engine actually drawn.
    """

    _PAD_PT = 3.0  # from the line to the label
    _GAP_PT = 3.0  # between labels, and kept clear around other lines

    def __init__(self, ax):
        self.ax = ax
        self.items = []  # (text, line x in data coordinates, from_top)

    def add(self, text, x, from_top):
        self.items.append((text, x, from_top))

    @staticmethod
    def _disjoint(a, b, gap):
        return (a[2] + gap <= b[0] or b[2] + gap <= a[0]
                or a[3] + gap <= b[1] or b[3] + gap <= a[1])

    def layout(self, renderer):
        """Move the labels (still in ``ax.texts``) to their places; None."""
        ax = self.ax
        items = [(txt, x, top) for txt, x, top in self.items
                 if txt.axes is ax and txt.get_visible()]
        if not items:
            return
        box = ax.bbox
        scale = renderer.points_to_pixels(1.0)
        pad = self._PAD_PT * scale
        gap = self._GAP_PT * scale
        xs_disp = {id(txt): ax.transData.transform((x, 1.0))[0] for txt, x, _ in items}
        lines_x = sorted(xs_disp.values())
        # a line outside the view has its label clipped away: it takes no room
        items = [it for it in items if box.x0 <= xs_disp[id(it[0])] <= box.x1]
        legend = ax.get_legend()
        mine = {id(txt) for txt, _, _ in self.items}
        others = [o for o in ax.texts if id(o) not in mine and o.get_visible()]
        if legend is not None and legend.get_visible():
            others.append(legend)
        obstacles = []
        for o in others:  # the legend, plateau labels, ...: avoided when possible
            ob = o.get_window_extent(renderer)
            obstacles.append((ob.x0, ob.y0, ob.x1, ob.y1))
        placed = []
        order = sorted(items, key=lambda it: (not it[2], xs_disp[id(it[0])]))
        inv = ax.transData.inverted()
        for txt, x, from_top in order:
            xl = xs_disp[id(txt)]
            txt.set_verticalalignment("top" if from_top else "bottom")
            txt.set_horizontalalignment("left")
            ext = txt.get_window_extent(renderer)
            w, h = ext.width, ext.height
            step = h + gap
            levels = max(1, int((box.height - pad) // step))
            # (x0, x1, penalty in levels): the right side is preferred, the
            # left one only when the right is more than a level worse or
            # leaves the axes
            sides = [(xl + pad, xl + pad + w, 0.0)]
            if xl - pad - w >= box.x0:
                sides.append((xl - pad - w, xl - pad, 1.5))
            if sides[0][1] > box.x1 and len(sides) > 1:
                sides = [sides[1][:2] + (0.0,), sides[0][:2] + (1.5,)]

            def candidates(n):
                out = []
                for i in range(n):
                    if from_top:
                        y1 = box.y1 - pad - i * step
                        y0 = y1 - h
                    else:
                        y0 = box.y0 + pad + i * step
                        y1 = y0 + h
                    for x0, x1, penalty in sides:
                        out.append((i + penalty, (x0, y0, x1, y1)))
                out.sort(key=lambda pc: pc[0])
                return [c for _, c in out]

            def clear_of_lines(c):
                return all(not (c[0] - gap < lx < c[2] + gap) for lx in lines_x)

            tests = (
                lambda c: clear_of_lines(c) and all(self._disjoint(c, o, gap) for o in obstacles),
                lambda c: all(self._disjoint(c, o, gap) for o in obstacles),
                lambda c: True,
            )
            chosen = None
            for extra in tests:
                for c in candidates(levels):
                    if extra(c) and all(self._disjoint(c, p, gap) for p in placed):
                        chosen = c
                        break
                if chosen is not None:
                    break
            if chosen is None:  # more labels than levels: continue past the axes
                # (each placed label blocks at most two levels, so one is free)
                for c in candidates(levels + 2 * len(placed) + 1):
                    if all(self._disjoint(c, p, gap) for p in placed):
                        chosen = c
                        break
            placed.append(chosen)
            xd = inv.transform((chosen[0], box.y0))[0]
            yf = ((chosen[3] if from_top else chosen[1]) - box.y0) / box.height
            if txt.get_position() != (xd, yf):
                txt.set_position((xd, yf))


def _layout_artist(ax):
    """The axes' :class:`_LabelLayout`, run at the start of every draw of ``ax``."""
    lay = getattr(ax, "_grassflow_label_layout", None)
    if lay is None:
        from matplotlib.artist import Artist

        class _Runner(Artist):
            """Invisible artist drawn before the labels: runs the layout."""

            def __init__(self, layout):
                super().__init__()
                self.layout_ = layout
                self.set_zorder(-1e9)
                self.set_in_layout(False)

            def draw(self, renderer):
                self.layout_.layout(renderer)
                self.stale = False

            def get_window_extent(self, renderer=None):
                from matplotlib.transforms import Bbox

                return Bbox.null()

        lay = _LabelLayout(ax)
        ax.add_artist(_Runner(lay))
        ax._grassflow_label_layout = lay
    return lay


def _vline(ax, x, label, stagger, colour, style, gid):
    """Vertical line at data x with a text label placed at draw time; returns the line."""
    line = ax.axvline(x, color=colour, linestyle=style, linewidth=1.0, gid=gid,
                      label="_nolegend_")
    y = stagger.next()
    txt = ax.text(x, y, label, transform=ax.get_xaxis_transform(),
                  color=colour, fontsize="x-small", ha="left",
                  va="bottom" if stagger.bottom else "top", gid=gid + "_label",
                  clip_on=True)
    txt.set_in_layout(False)
    _layout_artist(ax).add(txt, x, not stagger.bottom)
    return line


def _escape_markers(ax, escape_times, stagger):
    """Dashed vertical lines "escape k" at the finite positive escape times."""
    lines = []
    if escape_times is None:
        return lines
    for k, te in enumerate(np.asarray(escape_times, dtype=float).ravel()):
        if math.isfinite(te) and te > 0:
            lines.append(_vline(ax, te, "escape %d" % (k + 1), stagger,
                                _colour(k), "--", "escape"))
    return lines


def _theory_time_scales(ax, theory, stagger):
    """Dotted vertical lines "theory" at the theory's stage time scales."""
    lines = []
    scales = _get(theory, "time_scales")
    if scales is None:
        return lines
    for ts in np.asarray(scales, dtype=float).ravel():
        if math.isfinite(ts) and ts > 0:
            lines.append(_vline(ax, ts, "theory", stagger, _THEORY_COLOUR,
                                ":", "theory"))
    return lines


def cosines(result, ax=None, theory=True):
    """Principal cosines of a population flow against flow time (log axis).

    Parameters
    ----------
    result : FlowResult (or any object with the same attributes)
        ``result.t`` shape (T,), flow time t (the clock of docs/theory.md §5);
        ``result.cosines`` shape (T, r), cos θ_k in descending order (with
        ``result.at``, e.g. a real FlowResult, the curves are drawn from
        ``result.at(np.geomspace(t_first, result.span, 400))`` instead, t_first
        the first positive time of ``result.t``);
        ``result.escape_times`` shape (r,), the time at which the k-th largest
        cos² first reaches ½ (NaN: never, §6); optional ``result.theory``, a
        dict (or None) whose ``"time_scales"`` (one float per stage, NaN
        allowed) are the leading-order stage times of (6.5)/(6.3);
        optional ``result.params["resolved"]`` for the title.
    ax : matplotlib Axes, optional
    theory : bool
        Draw the theory's time scales as dotted vertical lines labelled
        "theory".

    Returns
    -------
    matplotlib.axes.Axes
        One solid line per direction (gid "cosine", colour k = Okabe–Ito k),
        one dashed vertical line per finite positive escape exactly at
        ``result.escape_times[k]`` (gid "escape", labelled "escape k+1", gid
        "escape_label"), one dotted line per finite time scale (gid "theory",
        labelled "theory", gid "theory_label").  The labels are placed at
        draw time, measured with the renderer: beside their own line (never on
        it), escape labels stacked down from the top and theory labels up from
        the bottom, with pairwise disjoint bounding boxes.  Points with t ≤ 0
        are skipped (log time axis).

    Raises
    ------
    TypeError
        If ``result`` has no ``t`` or ``cosines`` (not a FlowResult, e.g. a
        HermiteResult or SweepResult).
    ValueError
        If ``result.cosines`` is not T×r with T = len(result.t).

    Source: docs/theory.md §5 (principal cosines), §6 (escapes, (6.5)).
    """
    _require("cosines", "result", result, ("t", "cosines"), _FLOW)
    t = np.asarray(result.t, dtype=float).ravel()
    c = np.asarray(result.cosines, dtype=float)
    if c.ndim == 1:
        c = c[:, None]
    if c.ndim != 2 or c.shape[0] != t.shape[0]:
        raise ValueError("cosines: result.cosines must be T×r with T = len(result.t) = %d, got shape %s"
                         % (t.shape[0], c.shape))
    ax = _axes(ax)
    t, c, _ = _dense_flow(result)
    if c.ndim == 1:
        c = c[:, None]
    mask = _positive_time_mask(t)
    r = c.shape[1]
    for k in range(r):
        ax.plot(t[mask], c[mask, k], color=_colour(k), linewidth=1.6,
                label=r"cos $\theta_{%d}$" % (k + 1), gid="cosine")
    top = _Stagger()
    _escape_markers(ax, _get(result, "escape_times"), top)
    if theory:
        _theory_time_scales(ax, _get(result, "theory"), _Stagger(bottom=True, top=0.97))
    ax.set_xscale("log")
    _guard_log_limits(ax, x_has_data=bool(mask.any()) or bool(ax.lines))
    ax.set_ylim(-0.02, 1.1)  # headroom above cos = 1 for the escape labels
    ax.set_xlabel("flow time t")
    ax.set_ylabel(r"cos $\theta_k$ (principal cosines)")
    ax.set_title(_title(result, "principal cosines"), fontsize="medium")
    if r:
        ax.legend(loc="center left", fontsize="small", ncol=1 if r <= 4 else 2,
                  framealpha=0.8)
    return ax


def loss(result, ax=None, theory=True):
    """Population loss of a flow against flow time (log axis), with plateaus.

    Parameters
    ----------
    result : FlowResult
        ``result.t`` (T,), ``result.loss`` (T,) the population loss of the
        flow's objective (½ convention, docs/theory.md §4) (with ``result.at``
        drawn from its dense output at 400 geometrically spaced times up to
        ``result.span``, as in :func:`cosines`), ``result.escape_times``
        (r,) NaN where none, optional ``result.theory`` dict with
        ``"plateaus"``: the predicted plateau values L(V_j) of (6.4).
    ax : matplotlib Axes, optional
    theory : bool
        Draw the predicted plateaus as horizontal dotted lines (gid "plateau").

    Returns
    -------
    matplotlib.axes.Axes
        The loss curve (gid "loss"), escape markers exactly at the escape
        times (gid "escape", labels "escape k" placed as in :func:`cosines`),
        plateaus (gid "plateau", labels gid "plateau_label").

    Raises
    ------
    TypeError
        If ``result`` has no ``t`` or ``loss`` (not a FlowResult).
    ValueError
        If ``result.loss`` and ``result.t`` differ in length.

    Source: docs/theory.md §4 (losses), §6 (plateaus (6.4), escapes).
    """
    _require("loss", "result", result, ("t", "loss"), _FLOW)
    t = np.asarray(result.t, dtype=float).ravel()
    y = np.asarray(result.loss, dtype=float).ravel()
    if y.shape != t.shape:
        raise ValueError("loss: result.loss has %d points, result.t has %d" % (y.size, t.size))
    ax = _axes(ax)
    t, _, y = _dense_flow(result)
    mask = _positive_time_mask(t)
    ax.plot(t[mask], y[mask], color="black", linewidth=1.6, label="loss", gid="loss")
    _escape_markers(ax, _get(result, "escape_times"), _Stagger())
    if theory:
        plateaus = _get(_get(result, "theory"), "plateaus")
        if plateaus is not None:
            seen = []
            for p in np.asarray(plateaus, dtype=float).ravel():
                if not math.isfinite(p) or any(abs(p - q) <= 1e-12 * max(1.0, abs(q)) for q in seen):
                    continue
                seen.append(p)
                ax.axhline(p, color=_THEORY_COLOUR, linestyle=":", linewidth=1.0,
                           gid="plateau", label="_nolegend_")
            # one label per plateau, at the right edge; values closer than 4% of
            # the range alternate sides so that their labels never overlap
            seen.sort()
            span = max(seen) - min(seen) if len(seen) > 1 else 1.0
            span = span if span > 0 else 1.0
            side_right = True
            for i, p in enumerate(seen):
                if i and (p - seen[i - 1]) < 0.04 * span:
                    side_right = not side_right
                else:
                    side_right = True
                ax.text(0.995 if side_right else 0.005, p, "plateau %s" % _fmt_num(p),
                        transform=ax.get_yaxis_transform(), fontsize="x-small",
                        color=_THEORY_COLOUR, ha="right" if side_right else "left",
                        va="bottom", gid="plateau_label")
    ax.set_xscale("log")
    _guard_log_limits(ax, x_has_data=bool(mask.any()) or bool(_positive_time_mask(
        _get(result, "escape_times") if _get(result, "escape_times") is not None else []).any()))
    ax.set_xlabel("flow time t")
    ax.set_ylabel("population loss")
    ax.set_title(_title(result, "population loss"), fontsize="medium")
    return ax


def _population_loss(link, M, objective, r=None, degree=None):
    """Population loss and its gradient at overlap M (calls ``grassflow.loss``).

    Returns ``(value, gradient)`` with value a float (½ convention) and gradient
    the r×r array dL/dM (docs/theory.md §4–5).  Kept as a module-level function
    so that tests can replace it without the compiled extension.
    """
    import grassflow  # imported lazily: the extension may not be built

    return grassflow.loss(link, np.asarray(M, dtype=float), objective, r=r, degree=degree)


def _loss_value(link, M, objective, r, degree):
    out = _population_loss(link, M, objective, r, degree)
    if isinstance(out, tuple):
        out = out[0]
    return float(out)


def landscape(result, ax=None, grid=64):
    """Population loss on a 1-D or 2-D slice of overlaps, with the trajectory.

    For r = 1 the curve L(m) for M = [[m]], m ∈ [−1, 1] (``grid`` points, gid
    "landscape"), with the trajectory's points (m(t), L(m(t))) taken from
    ``result.M[:, 0, 0]`` (gid "trajectory", at most 256 of them).

    For r ≥ 2 the slice through the final overlap: M = diag(c1, c2, c_3(T),
    …, c_r(T)) with (c1, c2) ∈ [0, 1]² on a ``grid``×``grid`` mesh, where
    c_k(T) are the final principal cosines; drawn with imshow and a colour bar,
    and the path of the two largest cosines ``result.cosines[:, :2]`` (gid
    "trajectory", start ○, end ●; with ``result.at`` the path is M(0)'s
    cosines followed by the dense output at 400 times up to ``result.span``).  Since the joint loss depends on M only
    through C = MᵀM (§4), this diagonal slice is exact for the joint flow; for
    the planted flow it is the slice through diagonal overlaps.

    Parameters
    ----------
    result : FlowResult
        Needs ``params["resolved"]`` with "link", "objective", "r" and
        (optionally) "degree"; ``M`` (T×r×r) for r = 1, ``cosines`` (T×r).
    ax : matplotlib Axes, optional
    grid : int ≥ 2
        Points per axis.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    TypeError
        If ``result`` has no ``t``, ``cosines`` or ``params`` (not a FlowResult).
    ValueError
        If ``grid`` < 2 or ``params["resolved"]`` lacks "link"/"objective".
    Whatever ``grassflow.loss`` raises (e.g. an unknown link).

    Source: docs/theory.md §4 (the losses as functions of M), §5 (the state M).
    """
    _require("landscape", "result", result, ("t", "cosines", "params"), _FLOW)
    grid = int(grid)
    if grid < 2:
        raise ValueError("landscape: grid must be at least 2, got %d" % grid)
    res = _resolved(result)
    link, objective = res.get("link"), res.get("objective")
    if link is None or objective is None:
        raise ValueError('landscape: result.params["resolved"] must give "link" and "objective"')
    c = np.asarray(result.cosines, dtype=float)
    if c.ndim == 1:
        c = c[:, None]
    r = int(res.get("r") or c.shape[1])
    degree = res.get("degree")
    ax = _axes(ax)
    if r == 1:
        m = np.linspace(-1.0, 1.0, grid)
        vals = np.array([_loss_value(link, [[mi]], objective, 1, degree) for mi in m])
        ax.plot(m, vals, color="black", linewidth=1.4, gid="landscape",
                label="population loss")
        traj = np.asarray(result.M, dtype=float).reshape(len(result.M), -1)[:, 0]
        if traj.size > 256:
            traj = traj[np.unique(np.linspace(0, traj.size - 1, 256).round().astype(int))]
        tl = np.array([_loss_value(link, [[mi]], objective, 1, degree) for mi in traj])
        ax.plot(traj, tl, linestyle="none", marker="o", markersize=3.5,
                color=_colour(0), alpha=0.7, gid="trajectory", label="flow M(t)")
        ax.plot(traj[-1:], tl[-1:], linestyle="none", marker="*", markersize=10,
                color=_colour(1), gid="trajectory_end", label="end")
        ax.set_xlim(-1.0, 1.0)
        ax.set_xlabel("overlap m = cos θ (M = [[m]])")
        ax.set_ylabel("population loss")
        ax.legend(fontsize="small", loc="best")
    else:
        final = c[-1]
        g = np.linspace(0.0, 1.0, grid)
        Z = np.empty((grid, grid))
        for i, c2 in enumerate(g):
            for j, c1 in enumerate(g):
                diag = np.concatenate(([c1, c2], final[2:r]))
                Z[i, j] = _loss_value(link, np.diag(diag), objective, r, degree)
        im = ax.imshow(Z, origin="lower", extent=(0.0, 1.0, 0.0, 1.0), aspect="equal",
                       cmap="viridis", interpolation="bilinear", gid="landscape")
        ax.figure.colorbar(im, ax=ax, label="population loss")
        path = c
        if callable(getattr(result, "at", None)):
            # dense output (no kinks at step ends), from the start M(0)
            _, cd, _ = _dense_flow(result)
            path = np.concatenate((c[:1], np.asarray(cd, dtype=float).reshape(-1, c.shape[1])))
        ax.plot(path[:, 0], path[:, 1], color="white", linewidth=1.6, gid="trajectory",
                label="flow (cos θ1, cos θ2)")
        ax.plot(c[:1, 0], c[:1, 1], marker="o", markerfacecolor="none", color="white",
                linestyle="none", gid="trajectory_start")
        ax.plot(c[-1:, 0], c[-1:, 1], marker="o", color="white", linestyle="none",
                gid="trajectory_end")
        ax.set_xlim(0.0, 1.0)
        ax.set_ylim(0.0, 1.0)
        ax.set_xlabel(r"cos $\theta_1$")
        ax.set_ylabel(r"cos $\theta_2$")
    ax.set_title(_title(result, "loss landscape"), fontsize="medium")
    return ax


def _median_inf(times):
    """Median over seeds (last axis) with NaN (never escaped) counted as +inf."""
    a = np.where(np.isnan(times), np.inf, times)
    return np.median(a, axis=-1)


def escape_scaling(sweep, stage=0, ax=None):
    """Escape (stage) time against d on log–log axes, with the fit and theory.

    Parameters
    ----------
    sweep : SweepResult
        ``d`` shape (D,); ``stage_times`` shape (D, S, stages), flow time of
        each stage's end (NaN: never); ``fits[stage]`` a dict with "model"
        ("power": ln T = intercept + exponent·ln d, natural logarithms as in
        the core's fits and the CLI's exponents.csv; "log": T = intercept +
        exponent·ln d), "exponent", "intercept", "ci" [lo, hi] of
        the exponent, optional "band" {"d", "lo", "hi"} (confidence band of
        the fitted median curve), "predicted_exponent" (float or None: the
        theory's slope), "predicted_coefficient" (the theory's b of the log
        model, or None), "label" (or
        "prediction", the core's name for it) for the title.
    stage : int
        0-based stage index.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        Per-seed points (gid "seeds"), medians over seeds with never counted
        as +inf (gid "median"), the fitted curve (gid "fit": for "power" a
        straight segment from min d to max d whose log–log slope is the
        exponent), the band (fill_between, gid "band"), and the theory line
        (gid "theory", dashed) through the median at the smallest d with a
        finite median: slope predicted_exponent in log–log for "power", T =
        T0 + b·ln(d/d0) for "log".

    Raises
    ------
    TypeError
        If ``sweep`` has no ``d`` or ``stage_times`` (not a SweepResult).
    IndexError
        If ``stage`` is outside 0..stages−1.
    ValueError
        If ``stage_times`` is not D×S×stages with D = len(d).

    Source: docs/theory.md §6 ("Fitting time scales over d", (6.2), (6.3), (6.5)).
    """
    _require("escape_scaling", "sweep", sweep, ("d", "stage_times"),
             "a SweepResult (grassflow.sweep(...))")
    d = np.asarray(sweep.d, dtype=float).ravel()
    st = np.asarray(sweep.stage_times, dtype=float)
    if st.ndim == 2:
        st = st[:, :, None]
    if st.ndim != 3 or st.shape[0] != d.size:
        raise ValueError("escape_scaling: stage_times must be D×S×stages with D = %d, got shape %s"
                         % (d.size, st.shape))
    nstages = st.shape[2]
    if not -nstages <= stage < nstages:
        raise IndexError("escape_scaling: stage %d outside 0..%d" % (stage, nstages - 1))
    ax = _axes(ax)
    times = st[:, :, stage]
    colour = _colour(stage)

    # per-seed points
    dd = np.repeat(d[:, None], times.shape[1], axis=1)
    ok = np.isfinite(times) & (times > 0)
    ax.plot(dd[ok], times[ok], linestyle="none", marker="o", markersize=3.5,
            color=colour, alpha=0.35, gid="seeds", label="seeds")
    med = _median_inf(times)
    okm = np.isfinite(med) & (med > 0)
    ax.plot(d[okm], med[okm], linestyle="none", marker="s", markersize=6,
            color=colour, markeredgecolor="black", gid="median", label="median over seeds")

    fits = _get(sweep, "fits")
    fit = None
    if fits is not None and -len(fits) <= stage < len(fits):
        fit = fits[stage]
    title = "stage %d" % (stage + 1)
    if fit:
        model = fit.get("model", "power")
        b = fit.get("exponent")
        a = fit.get("intercept")
        ci = fit.get("ci")
        band = fit.get("band")
        # The theory's slope (power model) or its b of T = a + b ln d (log model, where the theory gives one).
        pred = fit.get("predicted_coefficient" if model == "log" else "predicted_exponent")
        label = fit.get("label") or fit.get("prediction")
        dpos = d[d > 0]
        if band:
            bd = np.asarray(band.get("d", []), dtype=float)
            lo = np.asarray(band.get("lo", []), dtype=float)
            hi = np.asarray(band.get("hi", []), dtype=float)
            okb = np.isfinite(bd) & np.isfinite(lo) & np.isfinite(hi) & (bd > 0) & (lo > 0) & (hi > 0)
            if okb.sum() >= 2:
                ax.fill_between(bd[okb], lo[okb], hi[okb], color=colour, alpha=0.18,
                                linewidth=0, gid="band", label="confidence band")
        if b is not None and a is not None and math.isfinite(b) and math.isfinite(a) and dpos.size:
            if model == "log":
                xs = np.geomspace(dpos.min(), dpos.max(), 64) if dpos.max() > dpos.min() else dpos[:1]
                ys = a + b * np.log(xs)
                keep = ys > 0
                xs, ys = xs[keep], ys[keep]
                fit_txt = "fit: T = %.3g + %.3g ln d" % (a, b)
            else:
                xs = np.array([dpos.min(), dpos.max()])
                ys = np.exp(a + b * np.log(xs))  # ln T = a + b ln d
                fit_txt = "fit: slope %.3f" % b
            if ci is not None and len(ci) == 2 and all(math.isfinite(float(v)) for v in ci):
                fit_txt += " [%.3f, %.3f]" % (float(ci[0]), float(ci[1]))
            if xs.size:
                ax.plot(xs, ys, color="black", linewidth=1.3, gid="fit", label=fit_txt)
        if pred is not None and math.isfinite(float(pred)) and okm.any():
            i0 = np.flatnonzero(okm)[np.argmin(d[okm])]
            d0, t0 = d[i0], med[i0]
            if model == "log":
                xs = np.geomspace(d0, max(d0, dpos.max()), 64)
                ys = t0 + float(pred) * np.log(xs / d0)
                keep = ys > 0
                xs, ys = xs[keep], ys[keep]
                th_txt = "theory: b = %.3g" % float(pred)
            else:
                xs = np.array([d0, max(d0, dpos.max())])
                ys = t0 * (xs / d0) ** float(pred)
                th_txt = "theory: slope %.3g" % float(pred)
            if xs.size:
                ax.plot(xs, ys, color=_THEORY_DASH, linestyle=(0, (4, 3)), linewidth=1.8,
                        gid="theory", label=th_txt, zorder=4)
        if label:
            title += ": " + str(label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    _guard_log_limits(ax, x_has_data=bool((d > 0).any()),
                      y_has_data=any(np.any(np.asarray(ln.get_ydata(), dtype=float) > 0) for ln in ax.lines))
    ax.set_xlabel("dimension d")
    ax.set_ylabel("stage time (flow time t)")
    ax.set_title(title, fontsize="medium")
    ax.legend(fontsize="small", loc="upper left", framealpha=0.8)
    return ax


def training(train_result, flow_result=None, ax=None):
    """Principal cosines during training on samples, optionally with the flow.

    Parameters
    ----------
    train_result : TrainResult
        ``records`` a dict of arrays: "t" (T,) the flow-time clock t = Σ η of
        docs/theory.md §7, "cosines" (T, r) descending principal cosines of
        W against W* (also "train_loss", "test_loss", "subspace_error", not
        drawn here).
    flow_result : FlowResult, optional
        The population flow of the same link and d (§5), e.g.
        ``train_result.population_flow()``: its cosines are drawn dashed in
        the same colours (with ``flow_result.at``, from its dense output at
        400 geometrically spaced times up to ``flow_result.span``).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        Solid lines (gid "samples", one per direction), dashed lines (gid
        "population", one per direction) and a legend with the directions and
        the two styles "samples" / "population".  t ≤ 0 is skipped (log x).

    Raises
    ------
    TypeError
        If ``train_result`` has no ``records`` (not a TrainResult), or
        ``flow_result`` is neither None nor has ``t`` and ``cosines``.
    KeyError
        If ``records`` has no "t" or "cosines".
    ValueError
        If the cosines are not T×r with T = len(t).

    Source: docs/theory.md §7 (two-timescale algorithm, its clock), §5 (flow).
    """
    from matplotlib.lines import Line2D

    _require("training", "train_result", train_result, ("records",),
             "a TrainResult (grassflow.train(...))")
    if flow_result is not None:
        _require("training", "flow_result", flow_result, ("t", "cosines"), _FLOW + " or None")
    rec = train_result.records
    t = np.asarray(rec["t"], dtype=float).ravel()
    c = np.asarray(rec["cosines"], dtype=float)
    if c.ndim == 1:
        c = c[:, None]
    if c.ndim != 2 or c.shape[0] != t.size:
        raise ValueError("training: records['cosines'] must be T×r with T = len(t) = %d, got %s"
                         % (t.size, c.shape))
    ax = _axes(ax)
    mask = _positive_time_mask(t)
    r = c.shape[1]
    handles = []
    for k in range(r):
        (h,) = ax.plot(t[mask], c[mask, k], color=_colour(k), linewidth=1.6,
                       gid="samples", label=r"cos $\theta_{%d}$" % (k + 1))
        handles.append(h)
    style = [Line2D([], [], color="0.3", linestyle="-", label="samples")]
    if flow_result is not None:
        tf, cf, _ = _dense_flow(flow_result)
        if cf.ndim == 1:
            cf = cf[:, None]
        mf = _positive_time_mask(tf)
        for k in range(cf.shape[1]):
            ax.plot(tf[mf], cf[mf, k], color=_colour(k), linewidth=1.4, linestyle="--",
                    gid="population", label="_nolegend_")
        style.append(Line2D([], [], color="0.3", linestyle="--", label="population"))
    ax.set_xscale("log")
    _guard_log_limits(ax, x_has_data=bool(mask.any()) or len(ax.lines) > r)
    ax.set_ylim(-0.02, 1.05)
    ax.set_xlabel(r"flow time t = $\Sigma\,\eta$")
    ax.set_ylabel(r"cos $\theta_k$ (principal cosines)")
    ax.set_title(_title(train_result, "training on samples"), fontsize="medium")
    ax.legend(handles=handles + style, fontsize="small", loc="center left",
              ncol=1 if r + len(style) <= 6 else 2, framealpha=0.8)
    return ax


def hermite_spectrum(h, ax=None):
    """Bar chart of a link's degree energies with s and the leaps annotated.

    Parameters
    ----------
    h : Hermite result
        ``degree_energy`` shape (K+1,), E_k = Σ_{|β|=k} α_β² of (2.6) (index
        k = degree, E_0 = α_0²); ``information_exponent`` s of (2.12) (0 when
        no degree 1..K carries energy); ``leaps`` the leap sequence ℓ_1, ℓ_2, …
        of §6; optional ``leap_exponent`` s* = max ℓ_j.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        One bar per degree with E_k > 1e-20·max E (zeros, and the ~1e-31
        rounding of the quadrature at degrees that carry no energy, are
        absent bars; gid "energy"); the bar at degree s is highlighted and labelled "s = …";
        a text box lists the leaps (gid "leaps").  The y axis is logarithmic
        when the positive energies span more than 3 decades.

    Raises
    ------
    TypeError
        If ``h`` has no ``degree_energy`` (not a HermiteResult).
    ValueError
        If ``degree_energy`` is empty or has negative or non-finite entries.

    Source: docs/theory.md §2 ((2.6), (2.12)), §6 (leaps).
    """
    _require("hermite_spectrum", "h", h, ("degree_energy",),
             "a HermiteResult (grassflow.hermite(...))")
    E = np.asarray(h.degree_energy, dtype=float).ravel()
    if E.size == 0 or not np.all(np.isfinite(E)) or np.any(E < 0):
        raise ValueError("hermite_spectrum: degree_energy must be a non-empty array of finite energies >= 0")
    ax = _axes(ax)
    k = np.arange(E.size)
    # quadrature leaves exact zeros (odd degrees of relu, ...) at ~1e-31: below
    # _ZERO_ENERGY of the largest energy a degree counts as empty
    pos = E > _ZERO_ENERGY * E.max() if E.max() > 0 else E > 0
    s = _get(h, "information_exponent")
    s = int(s) if s is not None else 0
    log_y = bool(pos.any() and E[pos].max() / E[pos].min() > 1e3)
    colours = [_colour(1) if (s and kk == s) else _colour(0) for kk in k[pos]]
    if log_y:
        ax.set_yscale("log")
        floor = E[pos].min() / 10.0
        ax.bar(k[pos], E[pos] - floor, bottom=floor, color=colours, width=0.7, gid="energy")
        # headroom (in decades) for the s label and the leaps box
        ax.set_ylim(floor, E[pos].max() * (E[pos].max() / floor) ** 0.45)
    else:
        ax.bar(k[pos], E[pos], color=colours, width=0.7, gid="energy")
        top = E.max() if E.max() > 0 else 1.0
        ax.set_ylim(0.0, top * 1.5)
    if s and s < E.size and E[s] > 0:
        ax.annotate("s = %d" % s, xy=(s, E[s]), xytext=(0, 4), textcoords="offset points",
                    ha="center", va="bottom", fontsize="small", color=_colour(1),
                    gid="information_exponent")
    leaps = list(_get(h, "leaps") or [])
    lines = ["information exponent s = %d" % s]
    if leaps:
        lines.append("leaps (%s)" % ", ".join(str(int(l)) for l in leaps))
    lexp = _get(h, "leap_exponent")
    if lexp is not None:
        lines.append("leap exponent s* = %d" % int(lexp))
    ax.text(0.98, 0.97, "\n".join(lines), transform=ax.transAxes, ha="right", va="top",
            fontsize="small", gid="leaps",
            bbox=dict(boxstyle="round,pad=0.3", facecolor="white", edgecolor="0.7", alpha=0.9))
    ax.set_xticks(k)
    ax.set_xlim(-0.6, E.size - 0.4)
    ax.set_xlabel("Hermite degree k")
    ax.set_ylabel(r"degree energy $E_k = \Sigma_{|\beta|=k}\,\alpha_\beta^2$")
    link = _get(h, "link") or _get(_get(h, "params") or {}, "link") or _resolved(h).get("link")
    ax.set_title("Hermite spectrum" + (": %s" % str(link).replace("preset:", "") if link else ""),
                 fontsize="medium")
    return ax
