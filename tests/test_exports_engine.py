"""The uBlock Origin and hosts exports, loaded into a real filter engine.

`adblock` is the Python binding of Brave's adblock-rust engine, which reads
the ABP/uBlock Origin filter syntax (and hosts files). The engine silently
drops lines it cannot parse, so each test asserts what must be blocked AND
what must not: a dropped filter, a filter too broad or a wrong scope fails.
"""

from __future__ import annotations

from datetime import datetime, timezone

import adblock

from server import exports
from server.curated import load_curated
from server.entries import validate_list_document

NOW = datetime(2026, 11, 28, 10, 30, tzinfo=timezone.utc)


def engine_for(text: str, fmt: str = "standard") -> adblock.Engine:
    filters = adblock.FilterSet(debug=True)
    filters.add_filter_list(text, format=fmt)
    return adblock.Engine(filter_set=filters, optimize=False)


def blocks(engine: adblock.Engine, url: str, request_type: str = "document") -> bool:
    return engine.check_network_urls(url=url, source_url=url, request_type=request_type).matched


def document():
    return validate_list_document({"format": 1, "version": 3, "entries": [
        {"domain": "store.example", "name": "Store", "status": "disputed",
         "summary": "Its licences are disputed.", "reviewed": "2026-11-01",
         "sources": [{"title": "Report", "url": "https://news.example/1"}]},
        {"domain": "shop.platform.example", "name": "Shop on a platform", "status": "unlawful",
         "summary": "A court ruled against it.", "reviewed": "2026-11-01", "include_subdomains": False,
         "sources": [{"title": "Ruling", "url": "https://court.example/1"}]},
        {"domain": "bücher.example", "name": "Bücher", "status": "defunct",
         "summary": "Closed.", "reviewed": "2026-11-01",
         "sources": [{"title": "Closure", "url": "https://news.example/2"}]},
    ]})


def test_ubo_export_blocks_listed_pages_and_their_subdomains():
    engine = engine_for(exports.to_ubo(document(), NOW, homepage="https://caveat.example/"))
    assert blocks(engine, "https://store.example/checkout")
    assert blocks(engine, "http://store.example/")
    assert blocks(engine, "https://www.store.example/")
    assert blocks(engine, "https://deep.shop.store.example/basket?x=1")
    assert blocks(engine, "https://xn--bcher-kva.example/")


def test_ubo_export_respects_label_boundaries_and_exact_hosts():
    engine = engine_for(exports.to_ubo(document(), NOW, homepage="https://caveat.example/"))
    assert not blocks(engine, "https://notstore.example/")
    assert not blocks(engine, "https://store.example.net/")
    # exact-host entry: the host itself, on either scheme and any port ...
    assert blocks(engine, "https://shop.platform.example/item")
    assert blocks(engine, "http://shop.platform.example:8080/")
    # ... but not its neighbours on the platform, its subdomains, or a mention in a query string
    assert not blocks(engine, "https://platform.example/")
    assert not blocks(engine, "https://other.platform.example/")
    assert not blocks(engine, "https://sub.shop.platform.example/")
    assert not blocks(engine, "https://news.example/?u=https://shop.platform.example/")


def test_ubo_export_only_acts_on_pages_not_on_resources():
    # $document: a listed store's image embedded elsewhere is not this list's business.
    engine = engine_for(exports.to_ubo(document(), NOW, homepage="https://caveat.example/"))
    assert not blocks(engine, "https://store.example/logo.png", request_type="image")


def test_every_filter_of_the_curated_list_is_understood():
    doc = load_curated()
    engine = engine_for(exports.to_ubo(doc, NOW, homepage="https://caveat.example/"))
    for entry in doc["entries"]:
        assert blocks(engine, f"https://{entry['domain']}/"), entry["domain"]
        assert blocks(engine, f"https://www.{entry['domain']}/") == entry["include_subdomains"], entry["domain"]


def test_hosts_export_blocks_exactly_the_listed_hosts():
    engine = engine_for(exports.to_hosts(document()), fmt="hosts")
    assert blocks(engine, "https://store.example/")
    assert blocks(engine, "https://shop.platform.example/")
    assert not blocks(engine, "https://notstore.example/")
    assert not blocks(engine, "https://platform.example/")
