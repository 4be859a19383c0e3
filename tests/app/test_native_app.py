"""Native app smoke test: the real GLFW/OpenGL 3.3 app under Xvfb renders frames and writes a screenshot.
usage: test_native_app.py PATH/TO/grassflow-app OUT_DIR"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from pngcheck import not_blank, read_png  # noqa: E402

app, out_dir = sys.argv[1], sys.argv[2]
os.makedirs(out_dir, exist_ok=True)
shot = os.path.join(out_dir, "native.png")
if os.path.exists(shot):
    os.remove(shot)
cmd = ["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", app, "--screenshot", shot, "--frames", "5",
       "--state", "panels=controls,cosines,loss,landscape,link"]
run = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
print(run.stdout.strip())
if run.returncode != 0:
    print(run.stderr, file=sys.stderr)
    sys.exit(f"FAIL: grassflow-app exited with {run.returncode}")
img = read_png(shot)
ok, colours = not_blank(img)
print(f"native screenshot {shot}: {img.shape[1]}x{img.shape[0]}, {colours} colours")
if not ok:
    sys.exit("FAIL: the native screenshot is blank")
print("PASS native app smoke test")
