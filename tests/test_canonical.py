"""Canonical list bytes (server/canonical.py) against tests/vectors/canonical.json.

tests/js/canonical.test.js runs the same table against extension/lib/canonical.js.
"""

import json
from pathlib import Path

import pytest

from server.canonical import CanonicalError, canonical_bytes
from server.published import PublishedList

VECTORS = json.loads((Path(__file__).parent / "vectors" / "canonical.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", VECTORS["cases"], ids=[case["name"] for case in VECTORS["cases"]])
def test_canonical_bytes(case):
    assert canonical_bytes(case["document"]) == case["canonical"].encode("utf-8")


@pytest.mark.parametrize("case", VECTORS["refused"], ids=[case["name"] for case in VECTORS["refused"]])
def test_no_canonical_form(case):
    with pytest.raises(CanonicalError):
        canonical_bytes(case["document"])


@pytest.mark.parametrize("case", VECTORS["cases"], ids=[case["name"] for case in VECTORS["cases"]])
def test_canonical_bytes_are_a_fixed_point(case):
    assert canonical_bytes(json.loads(case["canonical"])) == case["canonical"].encode("utf-8")


def test_the_published_body_is_the_canonical_bytes():
    case = next(c for c in VECTORS["cases"] if c["name"].startswith("unsorted entries"))
    document = case["document"]
    published = PublishedList.build(document["version"], document["generated"], document["entries"])
    assert published.body == case["canonical"].encode("utf-8")


def test_canonical_text_is_what_json_dumps_gives_for_an_ordered_document():
    # The published bytes did not change: a validated, ordered document serializes as before.
    case = VECTORS["cases"][0]
    ordered = json.loads(case["canonical"])
    assert canonical_bytes(ordered) == json.dumps(ordered, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
