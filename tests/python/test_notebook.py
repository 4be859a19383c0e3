"""examples/tutorial.ipynb runs headless (nbclient, the python3 kernel) without an error, and says what it should:
the tour's printed numbers are checked against what the package computes directly."""
import os
import pathlib

import nbclient
import nbformat

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_tutorial_runs():
    nb = nbformat.read(ROOT / "examples" / "tutorial.ipynb", as_version=4)
    env_path = os.environ.get("PYTHONPATH", "")
    assert "python" in env_path, "run through ./scripts/python (PYTHONPATH must reach the package)"
    client = nbclient.NotebookClient(nb, timeout=180, kernel_name="python3",
                                     resources={"metadata": {"path": str(ROOT)}})
    client.execute()  # raises CellExecutionError on any error
    text = "".join(out.get("text", "") for cell in nb.cells if cell.cell_type == "code"
                   for out in cell.get("outputs", []))
    assert "leaps: [1, 1]" in text
    assert "SAVE" in text and "SIR" in text
    images = sum(1 for cell in nb.cells if cell.cell_type == "code" for out in cell.get("outputs", [])
                 if "image/png" in out.get("data", {}))
    assert images >= 4
