#!/usr/bin/python3
"""Progress of long work on stderr (docs/cli.md, "Progress"): --progress json prints one JSON object per line,
each stage opening at done 0 and closing with finished and done = total, counts as integers; the sweep at depth
0; nothing when stderr is not a terminal (the default) or with --quiet; a bad
--progress value is refused. Usage: /usr/bin/python3 tests/cli/test_progress.py path/to/grassflow"""
import json
import sys

import checks
from checks import check, finish

BIN = sys.argv[1]


def run(*args):
    return checks.run(BIN, *args, expect=None)


sweep = ["sweep", "--link", "preset:he3", "--objective", "joint", "--d", "100,1000", "--seeds", "3", "--json"]
p = run(*sweep, "--progress", "json")
lines = [json.loads(line)["progress"] for line in p.stderr.splitlines()]
outer = [e for e in lines if e["stage"] == "sweep flows"]
check(p.returncode == 0 and json.loads(p.stdout)["rows"], "sweep --progress json: results on stdout as before")
check(len(outer) >= 2 and outer[0]["done"] == 0 and not outer[0]["finished"] and outer[-1]["finished"]
      and outer[-1]["done"] == outer[-1]["total"] == 6 and type(outer[-1]["total"]) is int,
      f"the sweep's stage opens at 0 and closes at 6 of 6 ({len(outer)} lines)")
check(all(e["depth"] == 0 for e in outer), "the sweep is the outermost stage (its flows: tests/core/test_sweep.cpp)")
check(all(set(e) == {"stage", "done", "total", "elapsed_s", "eta_s", "finished", "depth"} for e in lines),
      "every line has the documented fields")
train = run("train", "--link", "z1", "--d", "10", "--n", "500", "--steps", "20", "--json", "--progress", "json")
stages = {json.loads(line)["progress"]["stage"] for line in train.stderr.splitlines()}
check("training steps" in stages, f"train reports its steps ({sorted(stages)})")
check(run(*sweep).stderr == "", "default: nothing on stderr when it is not a terminal")
check(run(*sweep, "--progress", "json", "--quiet").stderr == "", "--quiet: nothing")
before = run("--progress", "json", *sweep)
check(before.returncode == 0 and '"stage":"sweep flows"' in before.stderr, "the global flags may come before the command")
bad = run(*sweep, "--progress", "loud")
check(bad.returncode == 2 and bad.stderr.startswith("grassflow: error: --progress: 'loud'"), bad.stderr.strip())

finish()
