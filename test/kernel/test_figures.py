"""Figures in the real kernel: the display bundle carries a PNG, fig.save writes print-ready files.

The PDF is checked with poppler-utils (Debian): pdffonts (every font embedded), pdftotext (the
log-axis tick labels keep their exponents, Greek survives) and pdftoppm (the page is not blank).
"""

import base64
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from kernel_client import ROOT, run

FIGURE_MIME = "application/vnd.adlab.figure.v1+json"
EXPORT_DIR = ROOT / "test-results" / "figures"

pytestmark = pytest.mark.skipif(
    shutil.which("pdffonts") is None, reason="poppler-utils (pdffonts) is not installed"
)

FIGURE = """
const p = optim.problems.rosenbrock();
const runs = [minimize(p.f, p.x0, { method: 'lbfgs', name: 'L-BFGS' }),
              minimize(p.f, p.x0, { method: 'newton', name: 'Newton' })];
const fig = plot.grid([
  plot.line(runs, { title: 'Rosenbrock, $\\\\kappa$ large', yLabel: '$f(x_k)$' }),
  plot.contour(p.f, { xRange: [-2, 2], yRange: [-1, 3], grid: 40, paths: runs }),
], { columns: 2 });
"""


def test_figure_display_has_the_figure_json_and_a_png(kc):
    assert run(kc, FIGURE, timeout=120).reply["status"] == "ok"
    ex = run(kc, "fig", timeout=60)
    data = ex.result["data"]
    assert FIGURE_MIME in data
    panels = data[FIGURE_MIME]["panels"]
    assert [p["y"]["scale"] for p in panels] == ["log", "linear"]
    png = base64.b64decode(data["image/png"])
    assert png[1:4] == b"PNG"
    assert len(json.dumps(data)) < 200_000


def test_save_pdf_embeds_fonts_and_keeps_exponents(kc):
    EXPORT_DIR.mkdir(parents=True, exist_ok=True)
    out = EXPORT_DIR / "rosenbrock.pdf"
    code = f"fig.save({json.dumps(str(out))}, {{ width: 'double', fontSize: 8 }})"
    ex = run(kc, code, timeout=120)
    assert ex.reply["status"] == "ok", ex.summary()
    assert out.read_bytes()[:5] == b"%PDF-"

    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True)
    rows = fonts.stdout.strip().splitlines()[2:]
    assert rows, fonts.stdout
    assert all(row.split()[-5] == "yes" for row in rows), fonts.stdout  # the 'emb' column
    assert any("DejaVuSans" in row for row in rows), fonts.stdout

    text = subprocess.run(
        ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "10⁻" in text, text  # log ticks with their exponents, not a bare "10"
    assert "κ" in text and "?" not in text, text
    assert "x₁" in text, text

    stem = EXPORT_DIR / "rosenbrock-page"
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(out), str(stem)], check=True)
    page = next(EXPORT_DIR.glob("rosenbrock-page*.png"))
    assert not _is_blank(page.read_bytes())


def test_save_svg_and_png(kc):
    svg = EXPORT_DIR / "rosenbrock.svg"
    png = EXPORT_DIR / "rosenbrock.png"
    ex = run(kc, f"fig.save({json.dumps(str(svg))}); fig.save({json.dumps(str(png))})", timeout=120)
    assert ex.reply["status"] == "ok", ex.summary()
    body = svg.read_text(encoding="utf-8")
    assert "<text" in body and "10⁻" in body
    assert png.read_bytes()[1:4] == b"PNG"


def test_save_rejects_an_unknown_extension(kc):
    ex = run(kc, "fig.save('figure.gif')")
    assert ex.reply["status"] == "error"
    assert "unknown file type '.gif'" in ex.summary()


def _is_blank(png: bytes) -> bool:
    """True when a PNG decodes to a single colour (Pillow-free: decode with zlib)."""
    import struct
    import zlib

    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind = png[pos + 4 : pos + 8]
        body = png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    row = len(raw) // height
    pixels = {raw[r * row + 1 : (r + 1) * row] for r in range(height)}
    flat = set(b"".join(pixels))
    return len(flat) <= 1


GRAPH_MIME = "application/vnd.adlab.graph.v1+json"


def test_graph_display_has_a_png_laid_out_by_graphviz(kc):
    """The kernel loads Graphviz at start, so the first graph's picture is laid out as the view's."""
    code = "const gg = makeGraph(grad((x: Tensor) => np.sum(np.tanh(x))))(np.ones([3]));"
    assert run(kc, code, timeout=60).reply["status"] == "ok"
    data = run(kc, "gg", timeout=60).result["data"]
    assert GRAPH_MIME in data and "text/html" not in data
    png = base64.b64decode(data["image/png"])
    assert png[1:4] == b"PNG"
    assert data["text/plain"].startswith("Computational graph of grad(")
    engine = run(kc, "graphPicture(gg).engine", timeout=60).result["data"]["text/plain"]
    assert "graphviz" in engine
