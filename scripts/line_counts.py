"""Prints the lines of TypeScript per folder (each folder's own files, and its whole subtree)."""

import sys
from pathlib import Path

SUFFIXES = {".ts", ".tsx"}


def lines(path: Path) -> int:
    with path.open("rb") as f:
        return sum(1 for _ in f)


def report(root: Path) -> None:
    if not root.is_dir():
        print(f"{root}: missing")
        return
    own: dict[Path, int] = {}
    for file in root.rglob("*"):
        if file.suffix in SUFFIXES and file.is_file() and not file.name.endswith(".d.ts"):
            own[file.parent] = own.get(file.parent, 0) + lines(file)
            if lines(file) > 400:
                print(f"  note: {file} has {lines(file)} lines")
    folders = sorted({root, *own, *(d for d in root.rglob("*") if d.is_dir())})
    for folder in folders:
        subtree = sum(n for d, n in own.items() if d == folder or folder in d.parents)
        print(f"  {str(folder) + '/':<45} {own.get(folder, 0):>6} own {subtree:>7} total")


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        report(Path(arg))
