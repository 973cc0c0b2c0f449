"""The Public Suffix List's own test cases (tests/psl/test_psl.txt) against registrable_domain.

Each line ``checkPublicSuffix(input, expected)`` says which registrable domain
(eTLD+1) ``input`` has, or null when it has none. Our function returns the
punycode form, so Unicode expectations are compared after IDNA encoding.
The file's first case, ``checkPublicSuffix(null, null)``, is a null *input*,
which Python callers cannot pass as a host; it is checked as ``None -> None``.
"""

import re
from pathlib import Path

import idna
import pytest

from server.domains import registrable_domain

PSL_TESTS = Path(__file__).parent / "psl" / "test_psl.txt"
_LINE = re.compile(r"^checkPublicSuffix\((null|'[^']*'), (null|'[^']*')\);$")


def _value(token):
    return None if token == "null" else token[1:-1]


def _cases():
    cases = []
    for number, line in enumerate(PSL_TESTS.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("//"):
            continue
        found = _LINE.match(line)
        assert found, f"unparsed line {number}: {line}"
        cases.append(pytest.param(_value(found[1]), _value(found[2]), id=f"line{number}"))
    return cases


CASES = _cases()


def test_file_has_all_the_cases():
    # Guards against the parser silently skipping lines.
    lines = [l for l in PSL_TESTS.read_text(encoding="utf-8").splitlines() if l.startswith("checkPublicSuffix(")]
    assert len(CASES) == len(lines) == 78


@pytest.mark.parametrize("host, expected", CASES)
def test_registrable_domain(host, expected):
    if expected is not None and not expected.isascii():
        expected = idna.encode(expected).decode("ascii")
    assert registrable_domain(host) == expected
