"""Starts the kernel: ``python -m adlab.launch CONNECTION_FILE`` (the kernelspec's argv).

Replaces this process with ``node adlab/kernel/launcher.js CONNECTION_FILE``, so the kernel keeps
the pid Jupyter started (interrupts by SIGINT reach Node directly).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from adlab.node import NodeNotFound, node_executable

LAUNCHER = Path(__file__).resolve().parent / "kernel" / "launcher.js"


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.exit("usage: python -m adlab.launch CONNECTION_FILE")
    try:
        node = node_executable()
    except NodeNotFound as err:
        sys.exit(str(err))
    if not LAUNCHER.is_file():
        sys.exit(f"adlab: the bundled kernel is missing ({LAUNCHER}); reinstall adlab")
    command = [str(node), str(LAUNCHER), args[0]]
    if os.name == "nt":  # no exec on Windows: run Node as a child and pass its exit status on
        import subprocess

        sys.exit(subprocess.call(command))
    os.execv(command[0], command)


if __name__ == "__main__":
    main()
