"""What the CLI checks share (imported by tests/cli/test_*.py, which run as scripts from this folder): a tally of
named checks that ends the run with its exit status, the binary run with the exit status expected, and the
provenance fields every JSON output carries (docs/cli.md, "Provenance")."""
import subprocess
import sys

PROVENANCE = {"version", "commit", "build", "command_line", "params", "resolved"}
failures = []


def check(condition, what):
    """Prints `ok` or `FAIL` with `what`; a failure is counted, and the run goes on."""
    print(("ok    " if condition else "FAIL  ") + what)
    if not condition:
        failures.append(what)


def run(binary, *args, expect=0, timeout=300):
    """`binary args...` with its output captured; stops the whole run when the exit status is not `expect`
    (None: any status is returned)."""
    p = subprocess.run([binary, *args], capture_output=True, text=True, timeout=timeout)
    if expect is not None and p.returncode != expect:
        sys.exit(f"FAIL: grassflow {' '.join(args)} exited {p.returncode} (expected {expect})\n{p.stderr}")
    return p


def finish():
    """Prints the number of failures and exits with status 1 when there were any."""
    print(f"\n{len(failures)} failure(s)")
    sys.exit(1 if failures else 0)
