"""JUnit helpers for scripts/test.sh.

  python scripts/junit.py step NAME RC LOGFILE OUT.xml   one test case from a command's exit status
  python scripts/junit.py counts FILE.xml                prints "tests failures" of one JUnit file
  python scripts/junit.py summary DIR                    per-file counts, then "N passed, N failed"
"""

import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from xml.sax.saxutils import escape


ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
NOT_XML = re.compile(r"[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str) -> str:
    """Text safe inside XML: no terminal colours, no characters XML 1.0 forbids."""
    return NOT_XML.sub("", ANSI.sub("", text))


def step(name: str, rc: str, log: str, out: str) -> None:
    text = clean(Path(log).read_text(errors="replace")[-20000:]) if Path(log).exists() else ""
    failure = "" if rc == "0" else f'<failure message="exit status {rc}">{escape(text)}</failure>'
    Path(out).write_text(
        f'<?xml version="1.0" encoding="utf-8"?>\n<testsuites><testsuite name="{escape(name)}" '
        f'tests="1" failures="{0 if rc == "0" else 1}">'
        f'<testcase classname="steps" name="{escape(name)}">{failure}</testcase>'
        "</testsuite></testsuites>\n"
    )


def counts(path: Path) -> tuple[int, int, int]:
    """(passed, failed, skipped) from the test cases of one JUnit file."""
    passed = failed = skipped = 0
    for case in ET.parse(path).getroot().iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
        elif case.find("skipped") is not None:
            skipped += 1
        else:
            passed += 1
    return passed, failed, skipped


def summary(folder: str) -> int:
    total_passed = total_failed = 0
    for path in sorted(Path(folder).glob("*.xml")):
        try:
            passed, failed, skipped = counts(path)
        except ET.ParseError as err:
            passed, failed, skipped = 0, 1, 0
            print(f"  {path.name}: unreadable ({err})")
        else:
            print(f"  {path.name}: {passed} passed, {failed} failed, {skipped} skipped")
        total_passed += passed
        total_failed += failed
    print(f"{total_passed} passed, {total_failed} failed")
    return 1 if total_failed else 0


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "step":
        step(*args)
    elif cmd == "counts":
        p, f, _ = counts(Path(args[0]))
        print(p + f, f)
    elif cmd == "summary":
        sys.exit(summary(args[0]))
    else:
        sys.exit(__doc__)
