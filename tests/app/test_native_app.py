"""Native app test: the real GLFW/OpenGL 3.3 app under Xvfb runs a URL state with a fixed dt, writes a
screenshot and a state dump; the dump must show the core's escape times (docs/theory.md §6 reference values for
staircase2, joint, C(0) = I/d, d = 1000), and the landscape must change with the objective.
usage: test_native_app.py PATH/TO/grassflow-app OUT_DIR"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from pngcheck import not_blank, read_png  # noqa: E402

app, out_dir = sys.argv[1], sys.argv[2]
os.makedirs(out_dir, exist_ok=True)
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def run(state, name, frames=90):
    shot, dump = os.path.join(out_dir, f"{name}.png"), os.path.join(out_dir, f"{name}.json")
    for f in (shot, dump):
        if os.path.exists(f):
            os.remove(f)
    cmd = ["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", app, "--screenshot", shot, "--state-dump", dump,
           "--frames", str(frames), "--state", state]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    if result.returncode != 0:
        print(result.stdout, result.stderr, file=sys.stderr)
        sys.exit(f"FAIL: grassflow-app exited with {result.returncode}")
    img = read_png(shot)
    ok, colours = not_blank(img)
    check(ok, f"screenshot {shot}: {img.shape[1]}x{img.shape[0]}, {colours} colours, not blank")
    return json.load(open(dump))


base = "link=preset%3Astaircase2&d=1000&init=isotropic&dt=0.1&panels=controls,cosines,loss,landscape,link,matrix"
joint = run(base, "native")
reference = [3.449434632, 6.900705689]
got = joint["escape_times"]
check(len(got) == 2 and all(g is not None and abs(g - r) <= 1e-8 * r for g, r in zip(got, reference)),
      f"escape times {got} match the reference {reference}")
check(joint["t"] > 8.9 and joint["cosines"][0] > 0.999, f"the flow reached t = {joint['t']:.3g} with cosines {joint['cosines']}")
planted = run(base + "&objective=planted", "native-planted", frames=10)
check(planted["landscape"]["for"].startswith("planted") and joint["landscape"]["for"].startswith("joint"),
      "each run's landscape belongs to its objective")
check(planted["landscape"]["max"] != joint["landscape"]["max"],
      f"the landscape changes with the objective (max {joint['landscape']['max']:.4g} vs {planted['landscape']['max']:.4g})")
bad = run("d=-3&objective=banana&" + base.split("&", 1)[1], "native-bad-state", frames=3)
check(len(bad["problems"]) == 2 and bad["objective"] == "joint", f"bad URL values reported: {bad['problems']}")
# The example URL reproduces `grassflow flow` with the same flags (same start, same flow).
state = "link=preset%3Astaircase2&r=2&d=1000&objective=planted&init=equator&seed=3&dt=0.05&panels=cosines"
app_run = run(state, "native-equator", frames=60)
cli = os.path.join(os.path.dirname(app), "grassflow")
flow = json.loads(subprocess.run([cli, "flow", "--link", "preset:staircase2", "--r", "2", "--d", "1000", "--objective",
                                  "planted", "--init", "equator", "--seed", "3", "--json"],
                                 capture_output=True, text=True, check=True).stdout)
check(all(a is not None and abs(a - b) <= 1e-10 * b for a, b in zip(app_run["escape_times"], flow["escape_times"])),
      f"the URL state reproduces `grassflow flow`: escapes {app_run['escape_times']} vs {flow['escape_times']}")

samples = run("link=preset%3Astaircase2&d=100&n=20000&init=isotropic&dt=0.1&panels=cosines,loss", "native-samples",
              frames=120)["samples"]
population = [2.2703893804, 4.5582676220]  # docs/theory.md §6, d = 100
check(all(e is not None and abs(e - p) < 0.15 * p for e, p in zip(samples["escape_times"], population)),
      f"training on n = 20000 samples escapes near the population flow: {samples['escape_times']} vs {population}")
check(samples["subspace_error"] < 1e-2, f"and recovers span W* (sin θ_max = {samples['subspace_error']:.2g})")
# Links whose dynamics cannot be trusted are refused with the reason; the page opened with them shows the
# default experiment rather than empty panels:
# exp(z1^2/4) is not square-integrable (its coefficients do not converge), He(150, z1) has E f^2 = 150! ≈ 6e262.
for link, words in (("exp(z1%5E2%2F4)", "did not converge"), ("He(150%2Cz1)", "exceeds 1e+100")):
    odd = run(f"link={link}&d=100&dt=1&panels=cosines,link", "native-odd-link", frames=5)
    check(any(words in p for p in odd["problems"]) and odd["status"] == "running" and odd["r"] == 2,
          f"link={link} is refused ({odd['problems']}); the default experiment (staircase2) runs instead")
if failures:
    sys.exit(f"FAIL native app: {len(failures)} problem(s)")
print("PASS native app test")
