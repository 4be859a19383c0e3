"""Shared fixtures of the Python package's tests: the grassflow CLI (to compare results with its --json output to
the last bit) and a scratch folder. Run by ./scripts/test as `./scripts/python -m pytest tests/python`."""
import json
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
CLI = os.environ.get("GRASSFLOW_CLI", str(ROOT / "build" / "native" / "native" / "grassflow"))


@pytest.fixture(scope="session")
def cli():
    """cli(*args): runs `grassflow args... --json` and returns its JSON output (the run must succeed)."""
    if not os.path.exists(CLI):
        pytest.fail(f"the grassflow CLI is not built at {CLI}; run ./scripts/test (or set GRASSFLOW_CLI)")

    def run(*args):
        p = subprocess.run([CLI, *map(str, args), "--json"], capture_output=True, text=True, timeout=600)
        assert p.returncode == 0, p.stderr
        return json.loads(p.stdout)

    return run
