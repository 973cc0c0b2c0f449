"""Polling for a condition, for the end-to-end tests of both browsers."""

from __future__ import annotations

import time


def wait_until(condition, *, timeout: float = 10.0, interval: float = 0.1, message: str = "condition"):
    """Poll ``condition()`` until it returns something truthy and return that value;
    fail the test (AssertionError) after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)
