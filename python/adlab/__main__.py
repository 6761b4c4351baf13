"""``python -m adlab notebooks DEST``: copies the tutorial notebooks (see adlab.notebooks)."""

import sys

from adlab import notebooks


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] != "notebooks":
        sys.exit("usage: python -m adlab notebooks DEST [--overwrite]")
    notebooks.main(sys.argv[2:])


if __name__ == "__main__":
    main()
