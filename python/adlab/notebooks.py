"""Copies the tutorial notebooks: ``adlab-notebooks DEST`` or ``python -m adlab notebooks DEST``."""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"


def copy_notebooks(dest: Path, overwrite: bool = False) -> list[Path]:
    """Copies every tutorial into ``dest`` (created if needed); returns the files written.

    Existing files are kept unless ``overwrite`` is set, so a student's edits survive a second run.
    """
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    for source in sorted(NOTEBOOKS.iterdir()):
        if source.suffix not in {".ipynb", ".md"}:
            continue
        target = dest / source.name
        if target.exists() and not overwrite:
            continue
        shutil.copyfile(source, target)
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="adlab-notebooks", description="Copy adlab's tutorial notebooks into DEST."
    )
    parser.add_argument("dest", type=Path, help="folder to copy the notebooks into")
    parser.add_argument("--overwrite", action="store_true", help="replace notebooks already there")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    written = copy_notebooks(args.dest, args.overwrite)
    print(f"adlab: copied {len(written)} file(s) into {args.dest}")


if __name__ == "__main__":
    main()
