"""The npm package on its own: `npm pack` of kernel-lib, installed into an empty temporary project.

An ES module script and a CommonJS script compute a gradient (on the WebAssembly kernels shipped in
the package), the types compile with `tsc --strict` under Node's ESM and CommonJS resolution, and
the Vite example (examples/browser-vite) bundles it and computes the gradient in Chromium.
"""

from __future__ import annotations

import http.server
import json
import os
import shutil
import subprocess
import tempfile
import threading
from functools import partial
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / "node_modules" / ".bin"

ESM = """import { getBackend, grad, np } from 'adlab';
const dx = grad((x) => x.mul(x).sum())(np.array([1, 2, 3]));
console.log(JSON.stringify({ grad: dx.toArray(), backend: getBackend().name }));
"""
CJS = ESM.replace("import { getBackend, grad, np } from 'adlab';",
                  "const { getBackend, grad, np } = require('adlab');")
TYPED = """import { grad, np, type Tensor } from 'adlab';
const f = (x: Tensor): Tensor => x.mul(x).sum();
const dx: Tensor = grad(f)(np.array([1, 2, 3]));
const values: unknown = dx.toArray();
// @ts-expect-error a Tensor is not a string (fails to compile if the types were missing or any)
const wrong: string = np.array([1]);
export { values, wrong };
"""


def run(cmd: list[str], cwd: Path) -> str:
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{cmd} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def project():
    """An empty npm project (outside the checkout) with only the packed adlab installed."""
    home = Path(tempfile.mkdtemp(prefix="adlab-npm-"))
    packed = json.loads(run(["npm", "pack", "--json", "--pack-destination", str(home)],
                            ROOT / "kernel-lib"))[0]
    tarball = home / packed["filename"]
    print(f"\nnpm package {packed['filename']}: {tarball.stat().st_size / 1e3:.0f} kB packed, "
          f"{packed['unpackedSize'] / 1e3:.0f} kB unpacked, {packed['entryCount']} files")
    app = home / "app"
    app.mkdir()
    (app / "package.json").write_text('{"name": "consumer", "private": true}\n')
    run(["npm", "install", "--no-audit", "--no-fund", "--prefer-offline", str(tarball)], app)
    yield app
    shutil.rmtree(home, ignore_errors=True)


@pytest.mark.parametrize("name, source", [("esm.mjs", ESM), ("cjs.cjs", CJS)])
def test_node_script_computes_a_gradient(project, name, source):
    (project / name).write_text(source)
    result = json.loads(run(["node", name], project))
    assert result == {"grad": [2, 4, 6], "backend": "cpu-wasm"}


TSCONFIG = {
    "compilerOptions": {"strict": True, "noEmit": True, "module": "nodenext", "target": "es2022",
                        "types": []},
    "files": ["check.mts", "check.cts"],
}


def test_types_compile_with_tsc_strict(project):
    """The same typed code as an ES module and as CommonJS (Node's two resolution modes)."""
    (project / "check.mts").write_text(TYPED)
    (project / "check.cts").write_text(TYPED)
    (project / "tsconfig.json").write_text(json.dumps(TSCONFIG))
    run([str(BIN / "tsc"), "-p", "."], project)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_vite_example_bundles_and_runs_in_chromium(project):
    example = project / "browser"
    shutil.copytree(ROOT / "examples" / "browser-vite", example,
                    ignore=shutil.ignore_patterns("node_modules", "dist"))
    os.symlink(project / "node_modules", example / "node_modules")
    run([str(BIN / "vite"), "build", "--logLevel", "warn"], example)
    handler = partial(QuietHandler, directory=str(example / "dist"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        page = json.loads(run(["node", str(ROOT / "test" / "package" / "browser_page.mjs"), url],
                              ROOT).strip().splitlines()[-1])
    finally:
        server.shutdown()
    assert page == {"text": "[2,4,6]", "backend": "cpu", "errors": []}
