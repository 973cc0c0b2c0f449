"""The browsers the end-to-end tests drive, behind one interface (``base.BrowserDriver``):
``chromium.ChromiumExtension`` (Playwright) and ``firefox.CaveatFirefox`` (Marionette)."""

from __future__ import annotations

import pytest

BROWSERS = ["chromium", "firefox"]


def only(*browsers: str):
    """Run a test of a cross-browser module for these browsers only (the test says why)."""
    return pytest.mark.parametrize("driver", list(browsers), indirect=True)
