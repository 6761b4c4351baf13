"""Jupyter Server configuration for the browser tests (Galata). Never use it to serve anything real."""

import os

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821  (`c` is provided by Jupyter's config loader)

c.ServerApp.port = int(os.environ.get("ADLAB_E2E_PORT", "8899"))  # noqa: F821
c.ServerApp.allow_root = True  # noqa: F821
c.ServerApp.root_dir = os.environ["ADLAB_E2E_ROOT_DIR"]  # noqa: F821
c.LabApp.workspaces_dir = os.environ["JUPYTERLAB_WORKSPACES_DIR"]  # noqa: F821
