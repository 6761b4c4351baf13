"""Hatch build hook: tags the wheel for the platform of the Node addon it bundles.

python/bundle-kernel.mjs writes python/adlab/kernel/platform.txt (e.g. manylinux_2_28_x86_64)
next to zeromq's prebuilt addon; the wheel is tagged py3-none-<that>, since the Python code is pure
but the addon is not. The hook also checks that the wheel and the npm package share one version.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class PlatformTagHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        platform_file = root / "python" / "adlab" / "kernel" / "platform.txt"
        if not platform_file.is_file():
            raise RuntimeError(f"{platform_file} is missing: run `node python/bundle-kernel.mjs`")
        build_data["pure_python"] = False
        build_data["tag"] = f"py3-none-{platform_file.read_text().strip()}"
        npm_version = json.loads((root / "kernel-lib" / "package.json").read_text())["version"]
        if npm_version != self.metadata.version:
            raise RuntimeError(
                f"version mismatch: pyproject.toml has {self.metadata.version}, "
                f"kernel-lib/package.json has {npm_version}"
            )
