"""Executes one notebook with nbclient, in place: `python run_notebook.py NOTEBOOK`.

Run by test_wheel.py with the fresh environment's Python, so nbclient, jupyter_client and the
kernelspec are the ones the wheel installed, and the kernel starts in the notebook's folder.
"""

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

path = Path(sys.argv[1]).resolve()
nb = nbformat.read(path, as_version=4)
NotebookClient(
    nb, kernel_name="adlab", timeout=120, resources={"metadata": {"path": str(path.parent)}}
).execute()
nbformat.write(nb, path)
