"""A bad CAVEAT_* setting stops `caveat` with one clear line, never a traceback."""

import subprocess
import sys
from pathlib import Path

import pytest

CAVEAT = Path(sys.executable).with_name("caveat")


@pytest.mark.parametrize(
    "name, value, expected",
    [
        ("CAVEAT_DATABASE_URL", "nonsense", "bad CAVEAT_DATABASE_URL"),
        ("CAVEAT_DATABASE_URL", "foo://x", "bad CAVEAT_DATABASE_URL"),
        ("CAVEAT_WORKERS", "abc", "CAVEAT_WORKERS='abc': expected a whole number"),
        ("CAVEAT_REPORTS_RATE_LIMIT", "-3", "must not be negative"),
    ],
)
def test_bad_setting_is_one_clear_line(tmp_path, name, value, expected):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), name: value}
    result = subprocess.run([str(CAVEAT), "warnings", "list"], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 1
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
