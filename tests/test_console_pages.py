"""Console pages (slice c): every page for each role, the entries list at 100,000 entries,
the entry form's inline errors and banner preview, removing with a reason."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from server import maintenance
from tests.console_helpers import entry_form, logged_in, post

ROLES = ("editor", "reviewer", "admin")
EVERYONE = ["/admin/", "/admin/entries", "/admin/entries?q=shop&status=disputed&page=2", "/admin/entries/new",
            "/admin/entries/shop.example", "/admin/entries/shop.example/remove",
            "/admin/entries/shop.example/history", "/admin/proposals", "/admin/proposals?status=rejected",
            "/admin/proposals/1", "/admin/reports", "/admin/reports?status=accepted"]
REVIEWERS = ["/admin/audit"]
ADMINS = ["/admin/import", "/admin/users", "/admin/tokens"]


@pytest.fixture
def listed(storage, make_entry):
    maintenance.add(storage, make_entry("shop.example", name="Shop"), actor="cli:op")
    maintenance.edit(storage, "shop.example", {"name": "Shop Two"}, actor="cli:op")
    maintenance.propose_edit(storage, "shop.example", {"name": "Shop Three"}, actor="someone")
    storage.add_report("mistake", "shop.example", "not a shop", "client")


@pytest.mark.parametrize("role", ROLES)
def test_every_page_renders_for_each_role_and_admin_pages_only_for_admins(app, storage, listed, role):
    client = logged_in(app, storage, f"{role}1", role)
    allowed = EVERYONE + (REVIEWERS if role != "editor" else []) + (ADMINS if role == "admin" else [])
    for path in allowed:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "<h1>" in response.get_data(as_text=True)
    for path in set(EVERYONE + REVIEWERS + ADMINS) - set(allowed):
        assert client.get(path).status_code == 403, path
    nav = client.get("/admin/").get_data(as_text=True)
    assert ('href="/admin/users"' in nav) == (role == "admin")


def test_admin_only_forms_refuse_other_roles(app, storage):
    for role in ("editor", "reviewer"):
        client = logged_in(app, storage, f"{role}1", role)
        response = post(client, "/admin/users", {"action": "add", "name": "mallory", "role": "admin",
                                                 "password": "a long enough password"})
        assert response.status_code == 403 and storage.get_user("mallory") is None
        response = post(client, "/admin/tokens", {"action": "create", "name": "evil", "role": "admin"})
        assert response.status_code == 403 and storage.list_tokens() == []


def test_unknown_entries_and_proposals_are_404_pages(app, storage):
    client = logged_in(app, storage, "ada", "admin")
    for path in ("/admin/entries/nothing.example", "/admin/entries/nothing.example/history",
                 "/admin/proposals/99", "/admin/entries/%20bad%20/remove"):
        response = client.get(path)
        assert response.status_code == 404 and "text/html" in response.content_type


# --- the entries list ------------------------------------------------------------------------

def _fill(storage, count: int, make_entry) -> None:
    """``count`` entries through storage (canonical already: no per-entry validation)."""
    base = maintenance.canonical_entry(make_entry("a.example"))
    batch = []
    for i in range(count):
        status = ("disputed", "unlawful", "defunct")[i % 3]
        batch.append({**base, "domain": f"shop{i:06d}.example", "name": f"Shop {i}", "status": status})
    storage.apply(batch, [], "test")


def test_entries_paging_at_100000_entries_reads_one_page(app, storage, make_entry):
    _fill(storage, 100_000, make_entry)
    client = logged_in(app, storage, "eddie", "editor")
    statements, fetched = [], []

    @sa.event.listens_for(storage.engine, "before_cursor_execute")
    def _seen(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    @sa.event.listens_for(storage.engine, "after_cursor_execute")
    def _rows(conn, cursor, statement, parameters, context, executemany):
        fetched.append(cursor)

    try:
        page = client.get("/admin/entries?page=1001")
        search = client.get("/admin/entries?q=shop09999&status=unlawful")
    finally:
        sa.event.remove(storage.engine, "before_cursor_execute", _seen)
        sa.event.remove(storage.engine, "after_cursor_execute", _rows)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "100000 entries; page 1001 of 2000." in text
    rows = re.findall(r'<td><a href="/admin/entries/(shop\d+\.example)">', text)
    assert rows == [f"shop{i:06d}.example" for i in range(50000, 50050)]
    # Every read of entries takes one page: LIMIT/OFFSET, or the page's domains (IN), or the count.
    entry_reads = [s for s in statements if "FROM entries" in s]
    assert entry_reads and all("LIMIT" in s or "IN (" in s or "count(" in s.lower() for s in entry_reads), entry_reads
    assert any("LIMIT" in s and "OFFSET" in s for s in entry_reads)
    found = search.get_data(as_text=True)
    assert "Matching entries 1 to" in found
    domains = set(re.findall(r'href="/admin/entries/(shop\d+\.example)"', found))
    assert domains and all(d.startswith("shop09999") for d in domains)
    assert all(maintenance.get(storage, d)["status"] == "unlawful" for d in domains)


def test_entries_search_escapes_like_wildcards(app, storage, make_entry):
    _fill(storage, 30, make_entry)
    client = logged_in(app, storage, "eddie", "editor")
    assert "No entries match." in client.get("/admin/entries?q=%25").get_data(as_text=True)
    assert "No entries match." in client.get("/admin/entries?q=_hop").get_data(as_text=True)
    assert "Matching entries 1 to 10." in client.get("/admin/entries?status=defunct").get_data(as_text=True)
    assert "Matching entries 1 to 10." in client.get("/admin/entries?q=SHOP00001").get_data(as_text=True)
    assert "Matching entries 1 to 1." in client.get("/admin/entries?q=Shop 29").get_data(as_text=True)
    assert "Matching entries 1 to 1." in client.get("/admin/entries?q=SHOP000029.EXA").get_data(as_text=True)
    # A domain search matches the start of domains (a range of the index), not the middle.
    assert "No entries match." in client.get("/admin/entries?q=p000029.exa").get_data(as_text=True)
    assert "No entries match." in client.get("/admin/entries?q=s%25p.example").get_data(as_text=True)


def test_the_dashboard_counts_entries_not_reviewed_for_a_year_in_sql(app, storage, make_entry):
    old = maintenance.canonical_entry(make_entry("old.example", reviewed="2001-01-01"))
    fresh = maintenance.canonical_entry(make_entry("fresh.example", reviewed="2026-06-01"))
    storage.apply([old, fresh], [], "test")
    assert storage.count_due("2026-01-01") == 1
    assert storage.count_due("2026-06-02") == 2 and storage.count_due("2000-01-01") == 0
    html = logged_in(app, storage, "eddie", "editor").get("/admin/").get_data(as_text=True)
    assert re.search(r"Due for review \(not checked for 12 months\)</dt><dd>1</dd>", html)


# --- the entry form --------------------------------------------------------------------------

def test_the_entry_form_shows_each_error_next_to_its_field(app, client, storage, make_entry):
    editor = logged_in(app, storage, "eddie", "editor")
    form = entry_form(make_entry("shop.example"))
    form.update({"summary": "<b>bold</b>", "sources": "Report | ftp://bad.example/x", "reviewed": "2026-13-40"})
    response = post(editor, "/admin/entries/new", form, token_from="/admin/entries/new")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    for field in ("summary", "sources", "reviewed"):
        assert re.search(rf'id="{field}"[^>]*aria-describedby="[^"]*{field}-error', html), field
        assert f'<ul class="field-errors" id="{field}-error">' in html
    assert 'id="name-error"' not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "<b>bold</b>" not in html  # the value comes back escaped
    assert storage.get_entry("shop.example") is None
    form.update({"summary": "A fixed summary.", "sources": "Report | https://news.example/r",
                 "reviewed": "2026-01-02"})
    fixed = post(editor, "/admin/entries/new", form, token_from="/admin/entries/new")
    assert fixed.status_code == 303
    assert client.get("/api/v1/list").get_json()["entries"][0]["summary"] == "A fixed summary."


def test_every_input_has_a_label(app, storage, listed):
    client = logged_in(app, storage, "ada", "admin")
    for path in EVERYONE + REVIEWERS + ADMINS:
        html = client.get(path).get_data(as_text=True)
        ids = set(re.findall(r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*id="([^"]+)"', html))
        unlabelled = [i for i in ids if f'for="{i}"' not in html]
        assert not unlabelled, (path, unlabelled)
        assert not re.search(r'<(?:input|select|textarea)(?![^>]*type="hidden")(?![^>]*id=)[^>]*>', html), path


def test_the_banner_preview_shows_the_entry_as_shoppers_will(app, storage, make_entry):
    maintenance.add(storage, make_entry("shop.example", name="Shop", status="unlawful",
                                        related=["shop-two.example"]), actor="cli:op")
    client = logged_in(app, storage, "eddie", "editor")
    html = client.get("/admin/entries/shop.example").get_data(as_text=True)
    preview = html[html.index('class="banner-preview"'):]
    assert 'data-status="unlawful"' in html
    assert "Caveat: Shop has been ruled unlawful" in preview  # the extension's English headline
    assert "sources last checked on 2026-11-01" in preview
    assert 'href="https://news.example/allofmp3"' in preview and "Related sites: shop-two.example" in preview


def test_an_edit_saves_the_fields_and_keeps_the_domain(app, client, storage, make_entry):
    maintenance.add(storage, make_entry("shop.example", name="Shop"), actor="cli:op")
    editor = logged_in(app, storage, "eddie", "editor")
    form = entry_form(make_entry("shop.example", name="Shop Renamed", related=["other.example"]))
    form["domain"] = "hijack.example"  # read-only in the form; the address wins
    del form["include_subdomains"]
    response = post(editor, "/admin/entries/shop.example", form, token_from="/admin/entries/shop.example")
    assert response.status_code == 303
    entry = maintenance.get(storage, "shop.example")
    assert entry["name"] == "Shop Renamed" and entry["related"] == ["other.example"]
    assert entry["include_subdomains"] is False and storage.get_entry("hijack.example") is None
    assert storage.entry_history("shop.example")[0]["actor"] == "eddie"


def test_adding_a_listed_domain_is_an_error_on_the_domain_field(app, storage, make_entry):
    maintenance.add(storage, make_entry("shop.example"), actor="cli:op")
    editor = logged_in(app, storage, "eddie", "editor")
    response = post(editor, "/admin/entries/new", entry_form(make_entry("shop.example", name="Other")),
                    token_from="/admin/entries/new")
    assert response.status_code == 409 and 'id="domain-error"' in response.get_data(as_text=True)
    assert maintenance.get(storage, "shop.example")["name"] != "Other"


# --- removing ------------------------------------------------------------------------------

def test_remove_needs_a_reason_and_records_it(app, client, storage, make_entry):
    maintenance.add(storage, make_entry("shop.example"), actor="cli:op")
    editor = logged_in(app, storage, "eddie", "editor")
    refused = post(editor, "/admin/entries/shop.example/remove", {"reason": ""},
                   token_from="/admin/entries/shop.example/remove")
    assert refused.status_code == 400 and storage.get_entry("shop.example") is not None
    done = post(editor, "/admin/entries/shop.example/remove", {"reason": "The shop closed <for good>"},
                token_from="/admin/entries/shop.example/remove")
    assert done.status_code == 303 and storage.get_entry("shop.example") is None
    assert client.get("/api/v1/list").get_json()["entries"] == []
    row = storage.audit_log()[0]
    assert (row["action"], row["actor"], row["target"], row["detail"]) == (
        "entry.remove", "eddie", "shop.example", "The shop closed <for good>")


def test_dashboard_counts(app, storage, make_entry, listed):
    maintenance.add(storage, make_entry("old.example", reviewed="2020-01-01", status="defunct"), actor="cli:op")
    html = logged_in(app, storage, "eddie", "editor").get("/admin/").get_data(as_text=True)
    def stat(label):
        return re.search(rf"<dt>{re.escape(label)}</dt><dd[^>]*>(?:<a [^>]*>)?(\d+)", html).group(1)
    assert stat("Entries") == "2" and stat("defunct") == "1" and stat("disputed") == "1"
    assert stat("Open reports") == "1" and stat("Proposals waiting") == "1"
    assert stat("Due for review (not checked for 12 months)") == "1"
    assert stat("List version") == str(storage.version())


def test_jurisdictions_are_kept_and_edited_as_json(app, storage, make_entry):
    items = [{"country": "DE", "status": "unlawful", "note": "A court ruled against it.",
              "sources": [{"title": "Ruling", "url": "https://court.example/de"}]}]
    maintenance.add(storage, make_entry("shop.example", jurisdictions=items), actor="cli:op")
    editor = logged_in(app, storage, "eddie", "editor")
    page = editor.get("/admin/entries/shop.example").get_data(as_text=True)
    assert "A court ruled against it." in page
    form = entry_form(maintenance.get(storage, "shop.example"))
    form["jurisdictions"] = re.search(r'<textarea id="jurisdictions"[^>]*>(.*?)</textarea>', page, re.S).group(1) \
        .replace("&#34;", '"').replace("&quot;", '"')
    form["name"] = "Renamed"
    assert post(editor, "/admin/entries/shop.example", form, token_from="/admin/entries/shop.example").status_code == 303
    saved = maintenance.get(storage, "shop.example")
    assert saved["name"] == "Renamed" and saved["jurisdictions"] == items
    form["jurisdictions"] = "[{not json"
    bad = post(editor, "/admin/entries/shop.example", form, token_from="/admin/entries/shop.example")
    assert bad.status_code == 400 and 'id="jurisdictions-error"' in bad.get_data(as_text=True)


@pytest.mark.parametrize("typed", ["www.shop.example", "https://checkout.www.shop.example/basket?x=1",
                                   "WWW.SHOP.EXAMPLE.", "shop.example:8443"])
def test_a_host_or_address_typed_in_the_search_finds_the_entry_that_covers_it(app, storage, make_entry, typed):
    maintenance.add(storage, make_entry("shop.example", name="Shop", include_subdomains=True), actor="cli:op")
    maintenance.add(storage, make_entry("exact.example", include_subdomains=False), actor="cli:op")
    client = logged_in(app, storage, "eddie", "editor")
    page = client.get("/admin/entries", query_string={"q": typed}).get_data(as_text=True)
    covering = re.search(r'<p id="covering">(.*?)</p>', page, re.S)
    assert covering, page
    assert 'href="/admin/entries/shop.example"' in covering.group(1) and "Shop" in covering.group(1)


@pytest.mark.parametrize("typed", ["shop.example",  # the prefix search lists it: no second mention
                                   "www.exact.example",  # exact.example does not cover subdomains
                                   "other.example", "Shop Two", "not a host", "-.example"])
def test_no_covering_entry_line_where_none_covers_or_it_is_already_listed(app, storage, make_entry, typed):
    maintenance.add(storage, make_entry("shop.example", name="Shop", include_subdomains=True), actor="cli:op")
    maintenance.add(storage, make_entry("exact.example", include_subdomains=False), actor="cli:op")
    client = logged_in(app, storage, "eddie", "editor")
    response = client.get("/admin/entries", query_string={"q": typed})
    assert response.status_code == 200
    assert 'id="covering"' not in response.get_data(as_text=True)
