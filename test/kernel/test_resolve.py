"""A notebook outside the checkout: adlab, its types and Node's types come from the kernel's own
packages (kernel/resolve.js), while the folder's own node_modules still resolve as usual."""

import json
import tempfile
from pathlib import Path

import pytest
from kernel_client import ROOT, TENSOR_MIME, run, start_kernel, stop_kernel


@pytest.fixture(scope="module")
def outside():
    """A kernel started in a temporary folder that holds a local package `localpkg`."""
    folder = Path(tempfile.mkdtemp(prefix="adlab-outside-"))
    package = folder / "node_modules" / "localpkg"
    package.mkdir(parents=True)
    (package / "package.json").write_text('{"name": "localpkg", "main": "index.js"}')
    (package / "index.js").write_text("exports.answer = 42;")
    km, kc = start_kernel(cwd=folder)
    yield folder, kc
    stop_kernel(km, kc)


def test_library_and_types_resolve_from_the_kernel(outside):
    folder, kc = outside
    got = run(kc, "console.log(JSON.stringify([require.resolve('adlab'), process.cwd()]))")
    assert got.reply["status"] == "ok", got.summary()
    library, cwd = json.loads(got.of_type("stream")[0]["text"])
    assert Path(cwd) == folder
    assert Path(library).resolve().is_relative_to(ROOT / "kernel-lib" / "dist")


def test_cells_are_type_checked_against_adlab(outside):
    _, kc = outside
    got = run(kc, "const s: string = np.array([1]);")
    assert got.reply["status"] == "error"
    assert "Type 'Tensor' is not assignable to type 'string'" in got.error["evalue"]
    rich = run(kc, "grad((x: Tensor) => x.mul(x).sum())(np.array([1, 2, 3]))")
    assert rich.result["data"][TENSOR_MIME]["view"]["values"] == [2, 4, 6]


def test_node_types_and_the_folders_own_packages_resolve(outside):
    _, kc = outside
    got = run(kc, "const b: Buffer = Buffer.from('hi'); b.length + require('localpkg').answer")
    assert got.reply["status"] == "ok", got.summary()
    assert got.result["data"]["text/plain"] == "44"
