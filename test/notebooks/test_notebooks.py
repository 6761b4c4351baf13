"""Every notebooks/*.ipynb runs top to bottom through the real adlab kernel, without error output."""

import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CELL_TIMEOUT = 120


def error_outputs(nb):
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                yield index, output


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks/*.ipynb found"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_without_errors(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata.get("kernelspec", {}).get("name") == "adlab", "kernelspec must be adlab"
    client = NotebookClient(
        nb,
        kernel_name="adlab",
        timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(path.parent)}},
        allow_errors=True,
    )
    client.execute()
    errors = [
        f"cell {i}: {out['ename']}: {out['evalue']}\n" + "\n".join(out.get("traceback", []))
        for i, out in error_outputs(nb)
    ]
    assert not errors, "\n\n".join(errors)
    stderr = [
        f"cell {i}: {out['text']}"
        for i, cell in enumerate(nb.cells)
        for out in cell.get("outputs", [])
        if out.get("output_type") == "stream" and out.get("name") == "stderr"
    ]
    assert not stderr, "unexpected stderr output:\n" + "\n".join(stderr)
    check_output_sizes(path, nb)


OPTIMIZER_MIME = "application/vnd.adlab.optimizer-run.v1+json"


def check_output_sizes(path, nb):
    """Lean outputs: each compareRuns under 200 KB; the optimizer notebook under 1 MB executed."""
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if OPTIMIZER_MIME in out.get("data", {}):
                size = len(json.dumps(out))
                assert size < 200_000, f"cell {i}: a compareRuns output of {size} bytes"
    if path.name.startswith("06-"):
        size = len(nbformat.writes(nb))
        assert size < 1_000_000, f"{path.name} executed is {size} bytes"
