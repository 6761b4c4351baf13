"""Points Jupyter at the checkout's data/ folder (kernelspec, extension) for every pytest run.

scripts/setup.sh exports the same variables; this keeps `pytest` usable on its own after setup.
"""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent
DATA = ROOT / "data"

os.environ.setdefault("JUPYTER_PATH", str(DATA))
os.environ.setdefault("JUPYTER_DATA_DIR", str(DATA))
os.environ.setdefault("JUPYTER_CONFIG_DIR", str(DATA / "config"))
os.environ.setdefault("JUPYTER_RUNTIME_DIR", str(DATA / "runtime"))
os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")
