"""Every notebooks/*.ipynb runs top to bottom through the real adlab kernel, without error output;
its outputs stay lean, and its figures survive as pictures in nbconvert's static HTML."""

import json
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbconvert import HTMLExporter

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


# A cast of a transform's result (`grad(f)(x) as Tensor`): the typed transforms make them needless,
# and a cast would hide the type error a wrong use should show at the cell.
CAST = re.compile(r"\bas\s+(Tensor|any|unknown)\b|<Tensor>")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_code_has_no_casts(path):
    nb = nbformat.read(path, as_version=4)
    casts = [
        f"cell {i}: {line.strip()}"
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
        for line in cell.source.splitlines()
        if CAST.search(line)
    ]
    assert not casts, "casts in notebook code:\n" + "\n".join(casts)


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
    check_static_html(path, nb)


OPTIMIZER_MIME = "application/vnd.adlab.optimizer-run.v1+json"
FIGURE_MIME = "application/vnd.adlab.figure.v1+json"
GRAPH_MIME = "application/vnd.adlab.graph.v1+json"
HTML_DIR = ROOT / "test-results" / "notebooks-html"


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


def check_static_html(path, nb):
    """Each figure (plotting API or compareRuns) and each graph (makeGraph) carries a kernel-made
    PNG, and nbconvert's HTML, made with no JupyterLab extension at all, shows it as an <img>: as
    GitHub and nbviewer would."""
    figures = []
    graphs = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if FIGURE_MIME in data or OPTIMIZER_MIME in data:
                has_png = "image/png" in data or "data:image/png;base64," in str(data.get("text/html", ""))
                assert has_png, f"cell {i}: a figure output without a PNG fallback"
                figures.append(i)
            if GRAPH_MIME in data:
                assert "image/png" in data, f"cell {i}: a graph output without a PNG picture"
                # nbconvert prefers text/html to image/png: a table there would hide the picture.
                assert "text/html" not in data, f"cell {i}: a graph output whose HTML hides its picture"
                assert data["text/plain"].startswith("Computational graph of"), f"cell {i}: no caption"
                graphs.append((i, data["image/png"].replace("\n", "")))
    html, _ = HTMLExporter().from_notebook_node(nb)
    HTML_DIR.mkdir(parents=True, exist_ok=True)
    (HTML_DIR / f"{path.stem}.html").write_text(html, encoding="utf-8")
    images = re.findall(r'<img[^>]+src="data:image/png;base64,[A-Za-z0-9+/=]{200,}', html)
    assert len(images) >= len(figures) + len(graphs), (
        f"{path.name}: {len(figures)} figures and {len(graphs)} graphs but {len(images)} PNG <img>"
        " in the static HTML"
    )
    for i, png in graphs:
        assert f'src="data:image/png;base64,{png[:200]}' in html, f"cell {i}: graph picture not in the HTML"
    if path.name[:2] in {"02", "06", "07", "09", "10"}:
        assert figures, f"{path.name}: its charts should come from the plotting API"
