"""The shared matching vectors (tests/vectors/matching.json), run against the server's matcher.

tests/js/matcher.test.js runs the same file against the extension's matcher,
so the two can never disagree.
"""

import json
from pathlib import Path

import pytest

from server.domains import site_key
from server.matching import WarningIndex

VECTORS = json.loads((Path(__file__).parent / "vectors" / "matching.json").read_text(encoding="utf-8"))


def test_vectors_are_not_empty():
    assert len(VECTORS["cases"]) >= 20
    assert len(VECTORS["site_keys"]) >= 5


@pytest.mark.parametrize("case", VECTORS["cases"], ids=lambda c: c["host"] or "<empty>")
def test_matching_case(case):
    index = WarningIndex(VECTORS["entries"])
    found = index.match(case["host"])
    assert (found["domain"] if found else None) == case["match"], case["why"]


@pytest.mark.parametrize("case", VECTORS["site_keys"], ids=lambda c: c["host"])
def test_site_key_case(case):
    assert site_key(case["host"]) == case["key"], case["why"]


def test_match_returns_the_entry_itself():
    entry = {"domain": "allofmp3.com", "include_subdomains": True, "name": "AllOfMP3"}
    assert WarningIndex([entry]).match("www.allofmp3.com") is entry


def test_include_subdomains_defaults_to_true():
    assert WarningIndex([{"domain": "allofmp3.com"}]).match("shop.allofmp3.com")["domain"] == "allofmp3.com"


def test_exact_only_entry_falls_back_to_a_covering_parent():
    index = WarningIndex([
        {"domain": "example.com", "include_subdomains": True},
        {"domain": "shop.example.com", "include_subdomains": False},
    ])
    assert index.match("shop.example.com")["domain"] == "shop.example.com"
    assert index.match("eu.shop.example.com")["domain"] == "example.com"
