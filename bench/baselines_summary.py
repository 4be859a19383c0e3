#!/usr/bin/python3
"""The baselines' part of scripts/bench's summary (issue 13), from the JSON of bench_baselines (run before and
after numpy: baselines_native.json, baselines_native2.json) and baselines_numpy.py (baselines_numpy.json) in
DIR. Prints one JSON object; with --standalone (./scripts/bench --only baselines) it is the whole summary, with
the machine.

Usage: baselines_summary.py DIR [--standalone]
"""
import json
import os
import platform
import sys

directory = sys.argv[1]
native = json.load(open(os.path.join(directory, "baselines_native.json")))
numpy = json.load(open(os.path.join(directory, "baselines_numpy.json")))
# The native fit ran before and after numpy (same data, same seed): their mean is the native time.
after = json.load(open(os.path.join(directory, "baselines_native2.json")))
native_seconds = (native["seconds"] + after["seconds"]) / 2
ratio = numpy["numpy_seconds"] / native_seconds
summary = {
    "problem": {k: native[k] for k in ("n", "d", "r", "slices", "threads")},
    "seconds": {"native": native_seconds, "native_before_numpy": native["seconds"],
                "native_after_numpy": after["seconds"], "numpy": numpy["numpy_seconds"]},
    "native_over_numpy": ratio,
    "max_sin_theta_native_vs_numpy": numpy["max_sin_theta_vs_native"],
    "sin_theta_native_vs_numpy": numpy["sin_theta_max_vs_native"],
    "sin_theta_to_w_star": {m: native[m + "_sin_theta_to_w_star"] for m in ("sir", "save", "phd")},
    "targets_met": {"native_over_numpy >= 2": ratio >= 2.0,
                    "max_sin_theta_native_vs_numpy <= 1e-8": numpy["max_sin_theta_vs_native"] <= 1e-8},
}
if "--standalone" in sys.argv[2:]:
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
               platform.machine())
    summary = {"machine": {"cpu": cpu, "cores": os.cpu_count(), "load_average": os.getloadavg()},
               "baselines": summary}
print(json.dumps(summary, indent=2))
