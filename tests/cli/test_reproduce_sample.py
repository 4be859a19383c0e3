#!/usr/bin/python3
"""`grassflow reproduce --sections sample-complexity --scale small` (docs/cli.md, "reproduce"): κ of n* ∝ d^κ for
z1, he2 and he3, exact and online, reported next to the candidates; z1 exact's κ near 1 with an interval around
it; sample_complexity.csv and results.json agree; a grid without a fit says so; runs.jsonl holds one line per
configuration and a re-run with the same --out trains nothing again; a bad --sections is refused.
Usage: /usr/bin/python3 tests/cli/test_reproduce_sample.py path/to/grassflow"""
import csv
import json
import os
import sys
import tempfile

import checks
from checks import PROVENANCE, check, finish

BIN = sys.argv[1]
SECTIONS = ["exponents", "stages", "convergence", "planted", "sample-complexity"]


def csv_rows(path):
    with open(path, newline="") as fh:
        lines = fh.read().splitlines()
    comments = [line for line in lines if line.startswith("# ")]
    return comments, list(csv.DictReader(lines[len(comments):]))


def numbers(text):
    return [None if x == "-" else float(x) for x in text.split()]


with tempfile.TemporaryDirectory() as tmp:
    out_dir = os.path.join(tmp, "small")
    p = checks.run(BIN, "reproduce", "--sections", "sample-complexity", "--scale", "small", "--out", out_dir,
                   "--json", timeout=400)
    printed = json.loads(p.stdout)
    with open(os.path.join(out_dir, "results.json")) as fh:
        results = json.load(fh)
    print(f"      the sample-complexity section took {results['seconds']:.1f} s")
    files = set(os.listdir(out_dir))
    check({"sample_complexity.csv", "results.json", "summary.md", "runs.jsonl", "experiment.json"} <= files
          and not files & {"exponents.csv", "stages.csv", "convergence.csv", "planted.csv", "trajectories"},
          f"writes the sample-complexity files and none of the sections not asked for: {sorted(files)}")
    check(PROVENANCE <= set(results) and results["resolved"]["sections"] == ["sample-complexity"]
          and results["resolved"]["scale"] == "small", "results.json: provenance, the sections run and the scale")
    check({k: v for k, v in printed.items() if k != "seconds"} == {k: v for k, v in results.items() if k != "seconds"},
          "--json prints what results.json holds")
    check("exponents" not in results and results["checks"]["total"] == 0,
          "no checks and no rows of the sections not run")
    rows = results["sample_complexity"]
    check([(r["link"], r["mode"]) for r in rows] ==
          [(link, mode) for link in ("z1", "preset:he2", "preset:he3") for mode in ("exact", "online")]
          and [r["leap_exponent"] for r in rows] == [1, 1, 2, 2, 3, 3],
          "one row per link (s* = 1, 2, 3) and mode (exact, online)")

    z1 = rows[0]
    kappa = z1["kappa"]
    check(kappa is not None and abs(kappa["estimate"] - 1) <= 0.25
          and kappa["ci"][0] <= kappa["estimate"] <= kappa["ci"][1],
          f"z1 exact: κ = {kappa and kappa['estimate']:.3f} within 0.25 of 1, interval {kappa and kappa['ci']} "
          "around it")
    ok = True
    for r in rows:
        laws = r["candidates"]
        s = r["leap_exponent"]
        ok = ok and [c["exponent"] for c in laws] == [s - 1, s / 2, 1] and all(c["law"] for c in laws)
        if r["kappa"]:
            lo, hi = r["kappa"]["ci"]
            ok = ok and all(c["consistent"] == (lo <= c["exponent"] <= hi) for c in laws) and r["verdict"] == "reported"
        else:
            ok = ok and all(c["consistent"] is None for c in laws) and r["verdict"] == "no fit" and r["kappa_note"]
    check(ok, "every row has its three candidates d^(s*-1), d^(s*/2), d, marked consistent iff inside κ's interval")
    no_fit = [r for r in rows if r["kappa"] is None]
    with open(os.path.join(out_dir, "summary.md")) as fh:
        summary = fh.read()
    check(all(f"| {r['link']} | {r['leap_exponent']} | {r['mode']} |" in summary for r in rows)
          and summary.count("**no fit**") == len(no_fit), "summary.md: a row per grid, each missing fit said")
    check(all(f"{r['link']} ({r['mode']}): no kappa" in p.stderr for r in no_fit),
          f"stderr warns of each grid without a fit ({len(no_fit)})")

    comments, table = csv_rows(os.path.join(out_dir, "sample_complexity.csv"))
    check({line[2:].split(":", 1)[0] for line in comments} == PROVENANCE, "the CSV opens with the provenance")
    agree = len(table) == len(rows)
    for row, r in zip(table, rows):
        k = r["kappa"]
        agree = agree and (row["link"], row["mode"], int(row["leap_exponent"])) == (r["link"], r["mode"],
                                                                                     r["leap_exponent"])
        agree = agree and (numbers(row["kappa"]) == [None] if k is None else
                           [float(row["kappa"]), float(row["kappa_lo"]), float(row["kappa_hi"])] ==
                           [k["estimate"], *k["ci"]])
        agree = agree and numbers(row["dimensions"]) == [s["d"] for s in r["n_star"]]
        agree = agree and numbers(row["n_star"]) == [s["estimate"] for s in r["n_star"]]
        agree = agree and row["candidates"].split("; ") == [c["law"] for c in r["candidates"]]
        agree = agree and numbers(row["candidate_exponents"]) == [c["exponent"] for c in r["candidates"]]
        agree = agree and row["consistent"].split() == [{True: "yes", False: "no", None: "n/a"}[c["consistent"]]
                                                        for c in r["candidates"]]
        agree = agree and (int(row["runs"]), int(row["failed_samples"]), int(row["failed_time"]),
                           row["verdict"], row["note"]) == (r["runs"], r["failed_samples"], r["failed_time"],
                                                            r["verdict"], r["kappa_note"])
    check(agree, "sample_complexity.csv and results.json agree row by row")

    with open(os.path.join(out_dir, "runs.jsonl")) as fh:
        lines = fh.read().splitlines()
    runs = [json.loads(line) for line in lines]
    fields = {"section", "link", "mode", "d", "n", "seed", "success", "subspace_error", "escape_times", "budget",
              "steps", "reason"}
    check(all(set(run) == fields and run["section"] == "sample-complexity" for run in runs)
          and len(runs) == sum(r["runs"] for r in rows)
          and len({(r["link"], r["mode"], r["d"], r["n"], r["seed"]) for r in runs}) == len(runs),
          f"runs.jsonl: {len(runs)} lines, one per configuration, with the key and the outcome (no timings)")

    # The same command again: every configuration is in runs.jsonl, nothing is trained or written twice.
    again = checks.run(BIN, "reproduce", "--sections", "sample-complexity", "--scale", "small", "--out", out_dir,
                       "--json", timeout=400)
    with open(os.path.join(out_dir, "runs.jsonl")) as fh:
        check(fh.read().splitlines() == lines, "a re-run with the same --out resumes: runs.jsonl unchanged")
    resumed = json.loads(again.stdout)
    check(resumed["sample_complexity"] == rows and resumed["seconds"] < results["seconds"] / 2,
          f"... with the same results, in {resumed['seconds']:.1f} s")
    refused = checks.run(BIN, "reproduce", "--sections", "sample-complexity", "--out", out_dir, expect=2)
    check("another experiment" in refused.stderr and "scale" in refused.stderr,
          "another --scale in the same --out is refused (exit 2), naming scale")

    for bad in ("sample_complexity", "exponents,bogus", ""):
        p = checks.run(BIN, "reproduce", "--sections", bad, "--out", os.path.join(tmp, "bad"), expect=2)
        lines = p.stderr.strip().splitlines()
        check(len(lines) == 1 and "--sections" in lines[0] and all(name in lines[0] for name in SECTIONS)
              and p.stdout == "" and not os.path.exists(os.path.join(tmp, "bad")),
              f"--sections '{bad}': exit 2, one line naming --sections and the valid names; nothing written")
    p = checks.run(BIN, "reproduce", "--scale", "tiny", "--out", os.path.join(tmp, "bad"), expect=2)
    check("--scale" in p.stderr and "small" in p.stderr, "--scale tiny: exit 2 naming --scale and its values")

finish()
