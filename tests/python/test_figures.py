"""Tests of ``python3 -m grassflow.figures DIR`` on a small fake reproduce folder.

The folder mimics what ``grassflow reproduce --out DIR`` writes (docs/cli.md,
"reproduce"): CSVs opening with ``# name: value`` provenance lines, the same
column names, and trajectories/*.csv with t, loss, cos_1..cos_r.  Checks: every
figure exists as non-empty PNG and PDF, one "FILE: caption" line per figure on
stdout (with the commit), captions.md, nothing on stderr (no warnings), and
exit status 2 with one clear error line for a missing folder, a file, and a
folder that is not a reproduce folder.  """

import math
import os
import subprocess
import sys

import numpy as np
import pytest


COMMIT = "0123456789abcdef0123456789abcdef01234567-dirty"
PROVENANCE = (
    '# build: {"simd":"AVX2","target":"native"}\n'
    "# command_line: grassflow reproduce --out fake\n"
    "# commit: %s\n"
    '# params: {"out":"fake"}\n'
    '# resolved: {"dimensions":[100,1000,10000,100000]}\n'
    "# version: 0.1.0\n" % COMMIT
)
HINT = "give the folder written by grassflow reproduce --out DIR"


def _env():
    env = dict(os.environ)  # PYTHONPATH reaches the built package (./scripts/python, ./scripts/test)
    env["MPLBACKEND"] = "Agg"
    env.pop("PYTHONWARNINGS", None)
    return env


CMD = [sys.executable, "-m", "grassflow.figures"]


def _run(*args):
    return subprocess.run(CMD + [str(a) for a in args], env=_env(), capture_output=True, text=True,
                          timeout=300)


def _write(path, header, rows):
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(PROVENANCE)
        fh.write(",".join(header) + "\n")
        for row in rows:
            fh.write(",".join(str(v) for v in row) + "\n")


def _trajectory(path, escapes, r, t_end):
    t = np.concatenate(([0.0], np.geomspace(1e-3, t_end, 60)))
    cos = np.empty((t.size, r))
    for k in range(r):
        te = escapes[k]
        cos[:, k] = 1e-3 + (1 - 1e-3) * t ** 4 / (t ** 4 + te ** 4) if math.isfinite(te) else 1e-3
    cos = -np.sort(-cos, axis=1)
    loss = 0.5 * (r - (cos ** 2).sum(axis=1))
    rows = [[repr(a), repr(b)] + [repr(c) for c in cs] for a, b, cs in zip(t, loss, cos)]
    _write(path, ["t", "loss"] + ["cos_%d" % (k + 1) for k in range(r)], rows)


EXP_HEADER = ["preset", "objective", "stage", "leap", "model", "slope", "intercept", "r2", "rule", "measured",
              "predicted", "tolerance", "r2_min", "criterion", "prediction", "verdict", "failure"]
DS = [100, 1000, 10000, 100000]


def make_fake_reproduce(root):
    os.makedirs(os.path.join(root, "trajectories"))
    exp_rows = [
        ["he2", "joint", 1, 2, "power", 0.9986, -1.3662, 0.99999, "exponent", 0.9986, 1, 0.1, 0.999,
         '"|slope − 1| ≤ 0.1, r² ≥ 0.999"', '"joint, leap 2: T = Θ(d^1)"', "pass", '""'],
        ["staircase2", "joint", 1, 1, "log", 0.5016, -0.0243, 0.99998, "log coefficient", 0.5016, 0.5, 0.05,
         0.999, '"|b − 0.5| ≤ 5% of it, r² ≥ 0.999"', '"joint, leap 1: T = Θ(log d)"', "pass", '""'],
        ["staircase2", "joint", 2, 1, "log", 1.0024, -0.0357, 0.99999, "log coefficient", 1.0024, 1, 0.05,
         0.999, '"|b − 1| ≤ 5% of it, r² ≥ 0.999"', '"joint, leap 1: T = Θ(log d)"', "pass", '""'],
        ["he2", "planted", 1, 2, "log", 0.2501, -0.0018, 0.99999, "log coefficient", 0.2501, 0.25, 0.05, 0.999,
         '"|b − 0.25| ≤ 5% of it, r² ≥ 0.999"', '"planted, s = 2: T = Θ(log d)"', "pass", '""'],
        ["staircase2", "planted", 1, 1, "power", 0.0119, -0.404, 0.61, "flat", 1.23, 1, 2, "-",
         '"1/2 ≤ T(d_max)/T(d_min) ≤ 2"', '"planted, s = 1: T = Θ(1)"', "pass", '""'],
        ["he3", "joint", 1, 3, "power", 1.7, -2.47, 0.99, "exponent", 1.7, 2, 0.1, 0.999,
         '"|slope − 2| ≤ 0.1, r² ≥ 0.999"', '"joint, leap 3: T = Θ(d^2)"', "fail", '"slope 1.7 off by 0.3"'],
    ]
    _write(os.path.join(root, "exponents.csv"), EXP_HEADER, exp_rows)
    esc = []
    laws = {("he2", "joint", 1): lambda d: math.exp(-1.3662) * d ** 0.9986,
            ("staircase2", "joint", 1): lambda d: -0.0243 + 0.5016 * math.log(d),
            ("staircase2", "joint", 2): lambda d: -0.0357 + 1.0024 * math.log(d),
            ("he2", "planted", 1): lambda d: -0.0018 + 0.2501 * math.log(d),
            ("staircase2", "planted", 1): lambda d: math.exp(-0.404) * d ** 0.0119,
            ("he3", "joint", 1): lambda d: math.exp(-2.47) * d ** 1.7}
    for (preset, obj, stage), law in laws.items():
        model = "log" if (preset, obj) in (("staircase2", "joint"), ("he2", "planted")) else "power"
        for d in DS:
            t = law(d)
            time = "inf" if (preset == "he3" and d == DS[-1]) else repr(t)
            esc.append([preset, obj, stage, 2, stage, model, d, 0, time, time])
    _write(os.path.join(root, "escape_times.csv"),
           ["preset", "objective", "stage", "leap", "direction", "model", "d", "seed", "time", "median_time"], esc)
    _write(os.path.join(root, "stages.csv"),
           ["preset", "leaps", "stage_dimensions", "stage_times", "plateaus_measured", "plateaus_predicted",
            "status", "criterion", "verdict", "failure"],
           [["he2", "2", "1", "250002.95", "0.5 2.3e-11", "0.5 0", "converged", '"stage times in order"', "pass",
             '""'],
            ["staircase2", "1 1", "1 1", "6.9077474 13.815497", "0.9999995 0.49998513 7.0e-11", "1 0.5 0",
             "converged", '"stage times in order"', "pass", '""']])
    _write(os.path.join(root, "convergence.csv"),
           ["preset", "starts", "converged", "stalled", "t_max", "diverged", "median_time", "max_final_loss",
            "criterion", "verdict", "failure"],
           [["he2", 200, 200, 0, 0, 0, 53.07, 6.6e-11, '"all 200 starts converge"', "pass", '""']])
    _write(os.path.join(root, "planted.csv"),
           ["family", "r", "starts", "planted_success", "planted_stalled", "theory_success", "theory_starts",
            "tolerance", "joint_converged", "criterion", "verdict", "failure"],
           [["trap", 1, 200, 0.46, 108, 0.52, 100, 0.1836, 200, '"3 s.e."', "pass", '""'],
            ["trap", 2, 200, 0.425, 115, 0.43, 100, 0.1819, 200, '"3 s.e."', "pass", '""'],
            ["he3sum", 1, 200, 0.46, 108, 0.49, 200, 0.15, 200, '"3 s.e."', "pass", '""']])
    tdir = os.path.join(root, "trajectories")
    _trajectory(os.path.join(tdir, "he2_joint.csv"), [2.5e5], 1, 1e6)
    _trajectory(os.path.join(tdir, "he2_planted.csv"), [3.45], 1, 10.0)
    _trajectory(os.path.join(tdir, "staircase2_joint.csv"), [6.9, 13.8], 2, 40.0)
    _trajectory(os.path.join(tdir, "haar_staircase2_joint_seed0.csv"), [3.0, 9.0], 2, 40.0)
    _trajectory(os.path.join(tdir, "trap_trap_r2_planted_seed0.csv"), [1.0, float("nan")], 2, 50.0)
    _trajectory(os.path.join(tdir, "trap_trap_r2_joint_seed0.csv"), [10.0, 100.0], 2, 500.0)


EXPECTED = ["escape_scaling_joint", "escape_scaling_planted", "exponents_measured_vs_predicted",
            "trajectories_joint", "trajectories_planted", "trajectories_haar", "trajectories_traps",
            "planted_traps"]


@pytest.fixture(scope="module")
def fake_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("repro")
    make_fake_reproduce(str(root))
    return root


def test_figures_written_with_captions(fake_dir):
    proc = _run(fake_dir)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # no warnings, no errors
    outdir = os.path.join(str(fake_dir), "figures")
    lines = [ln for ln in proc.stdout.splitlines() if ln.strip()]
    assert len(lines) == len(EXPECTED)
    printed = {}
    for ln in lines:
        path, sep, caption = ln.partition(": ")
        assert sep and caption.strip()
        printed[os.path.splitext(os.path.basename(path))[0]] = caption
        assert os.path.isfile(path)
        assert "commit 0123456789ab-dirty" in caption and "grassflow 0.1.0" in caption
    assert sorted(printed) == sorted(EXPECTED)
    for name in EXPECTED:
        for ext in ("png", "pdf"):
            f = os.path.join(outdir, name + "." + ext)
            assert os.path.isfile(f) and os.path.getsize(f) > 1000, f
        with open(os.path.join(outdir, name + ".png"), "rb") as fh:
            assert fh.read(8) == b"\x89PNG\r\n\x1a\n"
        with open(os.path.join(outdir, name + ".pdf"), "rb") as fh:
            assert fh.read(5) == b"%PDF-"
    with open(os.path.join(outdir, "captions.md"), encoding="utf-8") as fh:
        md = fh.read()
    for name in EXPECTED:
        assert name + ".png" in md and name + ".pdf" in md
    assert printed["escape_scaling_joint"].endswith("(grassflow 0.1.0, commit 0123456789ab-dirty)")
    assert "1 FAIL" in printed["escape_scaling_joint"]  # the failing he3 row is reported


def test_figures_out_option(fake_dir, tmp_path):
    out = tmp_path / "elsewhere"
    proc = _run(fake_dir, "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert os.path.isfile(out / "captions.md")
    assert os.path.getsize(out / "escape_scaling_joint.pdf") > 1000
    assert all(ln.startswith(str(out)) for ln in proc.stdout.splitlines() if ln.strip())


def test_figures_partial_folder(tmp_path):
    root = tmp_path / "only_traj"
    os.makedirs(root / "trajectories")
    _trajectory(str(root / "trajectories" / "he2_joint.csv"), [250.0], 1, 1e4)
    proc = _run(root)
    assert proc.returncode == 0, proc.stderr
    assert [os.path.basename(ln.partition(": ")[0]) for ln in proc.stdout.splitlines()] == ["trajectories_joint.png"]


@pytest.mark.parametrize("kind", ["missing", "file", "empty"])
def test_figures_not_a_reproduce_folder(tmp_path, kind):
    target = tmp_path / "nothing_here"
    if kind == "file":
        target.write_text("x\n")
    elif kind == "empty":
        target.mkdir()
    proc = _run(target)
    assert proc.returncode == 2
    assert proc.stdout == ""
    err = proc.stderr.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("grassflow.figures: error: %s" % target)
    assert err[0].endswith("; " + HINT)
    assert not (tmp_path / "nothing_here" / "figures").exists()


@pytest.fixture()
def kept_figures(fake_dir, tmp_path, monkeypatch):
    """make_figures in this process with plt.close disabled: {figure name: Figure}, all drawn."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from grassflow import figures as F

    plt.close("all")
    kept = {}
    orig_savefig = matplotlib.figure.Figure.savefig

    def savefig(self, fname, *args, **kwargs):
        kept[os.path.splitext(os.path.basename(str(fname)))[0]] = self
        return orig_savefig(self, fname, *args, **kwargs)

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", savefig)
    monkeypatch.setattr(plt, "close", lambda *a, **k: None)
    F.make_figures(str(fake_dir), str(tmp_path / "out"))
    monkeypatch.undo()
    yield kept
    plt.close("all")


def _overlap(a, b):
    return min(a.x1, b.x1) > max(a.x0, b.x0) and min(a.y1, b.y1) > max(a.y0, b.y0)


def test_provenance_footer_clear_of_every_axes(kept_figures):
    assert sorted(kept_figures) == sorted(EXPECTED)
    for name, fig in kept_figures.items():
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        (footer,) = [t for t in fig.texts if t.get_gid() == "provenance"]
        assert footer.get_text() == "grassflow 0.1.0, commit 0123456789ab-dirty"
        fb = footer.get_window_extent(renderer)
        assert fig.bbox.x0 <= fb.x0 and fb.x1 <= fig.bbox.x1 and fig.bbox.y0 <= fb.y0 and fb.y1 <= fig.bbox.y1, name
        for ax in fig.axes:
            if ax.get_visible():  # titles, tick labels, axis labels, legends
                assert not _overlap(fb, ax.get_tightbbox(renderer)), (name, ax.get_title())
        for t in fig.texts:
            if t is not footer:
                assert not _overlap(fb, t.get_window_extent(renderer)), (name, t.get_text())


def test_trajectory_panels_show_the_climb(kept_figures):
    fig = kept_figures["trajectories_joint"]
    axes = {ax.get_title(): ax for ax in fig.axes if ax.get_visible()}
    # he2_joint: cos = 1e-3 + (1 - 1e-3) t^4/(t^4 + te^4), te = 2.5e5, sampled to 1e6 (60 log-spaced points):
    # it first moves by 1% of its start near t = te·(1e-5/(1-1e-3))^(1/4) ≈ 1.4e4, and 3 te = 7.5e5 < 1e6
    from grassflow import figures as F

    ax = axes["he2_joint"]
    lo, hi = ax.get_xlim()
    t = np.concatenate(([0.0], np.geomspace(1e-3, 1e6, 60)))
    cos = 1e-3 + (1 - 1e-3) * t ** 4 / (t ** 4 + 2.5e5 ** 4)
    moved = t[np.flatnonzero(cos > 1.01e-3)[0] - 1]
    assert 1e4 < moved < 1.4e4
    esc = F._escapes(t, cos[:, None])[0]
    assert esc == pytest.approx(2.5e5, rel=0.3)  # linear interpolation between coarse samples
    assert ax.get_xscale() == "linear"  # 3 × 2.5e5 / 1.3e4 < 100: under two decades
    m = 0.03 * (3 * esc - moved)
    assert lo == pytest.approx(max(0.0, moved - m), abs=1e-9) and hi == pytest.approx(3 * esc + m, rel=1e-9)
    assert hi < 1e6  # cut at 3 × the escape, not at the end
    # staircase2_joint: escapes 6.9 and 13.8, cos moves by 1% near t ≈ 0.2: log axis to its end 40 < 3 × 13.8
    ax = axes["staircase2_joint"]
    assert ax.get_xscale() == "log"
    lo, hi = ax.get_xlim()
    assert 0.05 < lo < 0.5 and 40.0 < hi < 40.0 * 1.3


def test_time_window_rules():
    from grassflow import figures as F

    t = np.concatenate(([0.0], np.geomspace(1e-3, 1e6, 91)))
    cos = np.full((t.size, 2), 1e-3)
    cos[t >= 1e3, 0] = 1.0  # escapes between 1e2..1e3; both directions' starts 1e-3
    cos[t >= 1e4, 1] = 1.0
    lo, hi, log = F._time_window(t, cos, [500.0, 5000.0])
    assert lo == t[np.flatnonzero(t >= 1e3)[0] - 1]  # the last sample before the first move
    assert hi == 15000.0 and log is False  # 3 × the last escape; 15000/~900 < 100
    lo, hi, log = F._time_window(t, cos, [500.0, float("nan")])  # a direction never escapes: to the end
    assert hi == 1e6 and log is True
    cos[:, 0] = np.linspace(0.2, 1.0, t.size)  # moving from the first sample on
    lo, hi, log = F._time_window(t, cos, [1.0, 5000.0])
    assert lo == 1e-3 and hi == 15000.0 and log is True
