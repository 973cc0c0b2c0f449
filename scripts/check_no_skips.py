"""Fail the test run when any test was skipped.

A skipped end-to-end test would let `make test` pass without a browser ever
loading the extension, so CI treats every skip as a failure.
"""
import sys
import xml.etree.ElementTree as ET


def main(path: str) -> int:
    root = ET.parse(path).getroot()
    skipped = [
        f"{case.get('classname')}::{case.get('name')}: {skip.get('message', '')}"
        for case in root.iter("testcase")
        for skip in case.findall("skipped")
    ]
    total = sum(1 for _ in root.iter("testcase"))
    if total == 0:
        print("check_no_skips: no tests ran", file=sys.stderr)
        return 1
    if skipped:
        print(f"check_no_skips: {len(skipped)} of {total} tests were skipped:", file=sys.stderr)
        for line in skipped:
            print(f"  {line}", file=sys.stderr)
        return 1
    print(f"check_no_skips: {total} tests ran, none skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "test-results/pytest.xml"))
