"""The shopper's country, in Chromium and Firefox ESR: a browser whose
preferred language has a region leads the banner with that country's
jurisdiction item (or the EU's, for a member state), the host element says
which (``data-caveat-status``, ``data-caveat-country``), and the popup and
the badge agree; "Don't use my country" shows the entry's own status; a
country chosen in options applies from the next page load.

The browser's language is real, not faked for pages: Chromium takes it from
the environment (``LANGUAGE=de_DE:de``, ``LANG=de_DE.UTF-8``, with Debian's
chromium-l10n), Firefox from its ``intl.accept_languages`` preference (and
``intl.locale.requested`` for its UI); each test reads ``navigator.languages``
in the extension's background to prove it (``language_options`` in the
drivers).

The module's browsers sync from an address where nothing listens, so the
bundled list (with jurisdictions) stays the one in use for the whole module.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from testkit.entries import IDN, LISTED, base_entries, list_document
from testkit.ports import free_port
from tests.e2e.waiting import wait_until

pytestmark = pytest.mark.e2e

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "banner-jurisdiction.png"


def _item(country: str, status: str, note: str, since: str | None = None) -> dict:
    item = {"country": country, "status": status, "note": note,
            "sources": [{"title": f"Decision ({country})", "url": f"https://{country.lower()}.court.example/decision"}]}
    if since:
        item["since"] = since
    return item


# The listed store (status "disputed") with an item for Germany, Russia, the
# United States and the EU; France and Denmark (EU members) have none of their own.
JURISDICTIONS = [
    _item("DE", "unlawful", "A Hamburg court barred the store from selling to German customers.", "2006-03-01"),
    _item("EU", "unlawful", "An EU authority held the store's sales unlawful.", "2007-05-10"),
    _item("RU", "lawful", "A Moscow court acquitted the store's operator.", "2007-08-15"),
    _item("US", "disputed", "Record labels sued the store's operator in New York."),
]


def jurisdiction_entries() -> list[dict]:
    entries = base_entries()
    for entry in entries:
        if entry["domain"] == LISTED:
            entry["jurisdictions"] = JURISDICTIONS
    return entries


@pytest.fixture(scope="module")
def list_server_url():
    """Nothing listens here: a sync fails and the bundled list stays."""
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture(scope="module")
def build_extension(build_extension):
    """conftest's build, with the list with jurisdictions bundled by default."""
    def _build(browser: str, server_url: str, list_doc: dict | None = None, public_keys=()) -> Path:
        doc = list_doc if list_doc is not None else list_document(jurisdiction_entries())
        return build_extension(browser, server_url, doc, public_keys)
    return _build


def languages(browser) -> list[str]:
    """navigator.languages in the extension's background: what the default country comes from."""
    return browser.extension_api("return navigator.languages;")


def ui_language(browser) -> str:
    return browser.extension_api("return api.i18n.getUILanguage();").split("-")[0]


def banner_on_listed(browser) -> dict[str, str]:
    browser.open(f"http://{LISTED}/")
    return browser.wait_for_banner()


def popup_status(browser) -> dict[str, str]:
    """The popup's headline over the current page: its text and data-* attributes."""
    browser.open_popup()
    try:
        browser.wait_for_popup_text(".status", "the popup's status")
        [node] = browser.popup_nodes(".status")
        return {"text": node["text"], **node["attributes"]}
    finally:
        browser.close_popup()


def assert_banner_leads(browser, status: str, country: str | None, headline: str) -> None:
    """The banner, its host attributes, the popup and the badge all lead with the same verdict."""
    host = banner_on_listed(browser)
    assert host["data-caveat-domain"] == LISTED
    assert host["data-caveat-status"] == status, host
    assert host.get("data-caveat-country") == country, host
    text = browser.banner_text()
    assert headline in text, text
    popup = popup_status(browser)
    assert popup["data-status"] == status, popup
    assert popup.get("data-country") == country, popup
    assert headline in popup["text"], popup
    badge_text, badge_title = wait_until(lambda: browser.tab_badges().get(LISTED), message="the badge")
    assert badge_text == "!"
    assert headline in badge_title or country is None, badge_title


@pytest.fixture
def in_language(driver, launch, tmp_path):
    """``in_language("de-DE")``: a further browser of the driver's kind started in that language."""
    started = []

    def _start(language: str):
        browser = launch(driver.name, tmp_path / f"profile-{language}", **type(driver).language_options(language))
        started.append(browser)
        return browser

    yield _start
    for browser in started:
        browser.close()


def test_german_browser_leads_with_the_german_item(driver, in_language):
    german = in_language("de-DE")
    assert languages(german)[0] == "de-DE", languages(german)
    assert ui_language(german) == "de", "the browser's UI is not German: install chromium-l10n / firefox-esr-l10n-de"
    assert_banner_leads(german, "unlawful", "DE", "Deutschland: für rechtswidrig erklärt (2006)")
    text = german.banner_text()
    assert "AllOfMP3 sells music downloads" in text, "the entry's summary follows the lead"
    assert "A Hamburg court barred the store" in text, "the lead's note says who decided"
    # The details list every item: country, what, when, note and sources.
    german.click_in_banner("button", "Details und Quellen")
    details = german.banner_text()
    assert "Nach Ländern" in details
    for line in ("Deutschland: für rechtswidrig erklärt (1. März 2006)", "Russland: für rechtmäßig befunden (15. August 2007)",
                 "Vereinigte Staaten: umstritten", "Europäische Union: für rechtswidrig erklärt (10. Mai 2007)",
                 "A Moscow court acquitted the store's operator.", "Record labels sued the store's operator in New York."):
        assert line in details, line
    links = {node["attributes"]["href"] for node in german.banner_nodes("a")}
    assert {f"https://{c}.court.example/decision" for c in ("de", "eu", "ru", "us")} <= links
    # Options show the country from the language, by its German name, among every country sorted in German.
    options = german.options_tab()
    try:
        assert options.value("#country") == "DE"
        assert options.evaluate("document.querySelector('#country').selectedOptions[0].textContent") == "Deutschland"
        names = options.evaluate("[...document.querySelectorAll('#country option')].map((o) => o.textContent)")
        assert names[0] == "Mein Land nicht verwenden"
        assert len(names) == 1 + 249, len(names)
        assert options.evaluate("(() => { const c = new Intl.Collator('de'); const n = [...document.querySelectorAll('#country option')]"
                                ".slice(1).map((o) => o.textContent); return n.every((x, i) => i === 0 || c.compare(n[i - 1], x) <= 0); })()")
        assert "Österreich" in names and "Vereinigte Staaten" in names
    finally:
        options.close()


# A browser language, the item that leads, and its sentence by the browser's UI
# language (English where the browser has no language pack for it: Firefox here).
LANGUAGE_LEADS = {
    "ru-RU": ("lawful", "RU", {
        "ru": "Россия: суд признал его законным (2007); правообладатели в других странах это оспаривают",
        "en": "A court in Russia found it lawful (2007); rights holders elsewhere dispute it"}),
    # EU membership: France has no item of its own, so the EU's leads.
    "fr-FR": ("unlawful", "EU", {
        "fr": "Union européenne : jugé illégal (2007)",
        "en": "Ruled unlawful in the European Union (2007)"}),
}


@pytest.mark.parametrize("language", list(LANGUAGE_LEADS))
def test_browser_language_picks_the_item(driver, in_language, language):
    browser = in_language(language)
    assert languages(browser)[0] == language, languages(browser)
    status, country, headlines = LANGUAGE_LEADS[language]
    assert_banner_leads(browser, status, country, headlines[ui_language(browser)])


def test_dont_use_my_country_shows_the_entrys_status(driver):
    options = driver.options_tab()
    try:
        options.set_country("")
    finally:
        options.close()
    assert driver.storage("country") == {"country": ""}
    assert_banner_leads(driver, "disputed", None, "Caveat: the legality of AllOfMP3 is disputed")
    # No lead, but the details still list every item (banner_text reads the closed panel too).
    text = driver.banner_text()
    assert "Country by country" in text and "Germany: ruled unlawful (March 1, 2006)" in text, text
    # An entry without jurisdictions is unchanged by any country.
    driver.open(f"http://{IDN}/")
    host = driver.wait_for_banner()
    assert host["data-caveat-status"] == "unlawful" and "data-caveat-country" not in host


def test_changing_the_country_changes_the_banner_on_the_next_load(driver):
    options = driver.options_tab()
    try:
        for code, status, country, headline in [
            ("RU", "lawful", "RU", "A court in Russia found it lawful (2007); rights holders elsewhere dispute it"),
            ("US", "disputed", "US", "Contested in the United States"),
            ("DK", "unlawful", "EU", "Ruled unlawful in the European Union (2007)"),  # an EU member without its own item
            ("CH", "disputed", None, "Caveat: the legality of AllOfMP3 is disputed"),  # not a member, no item
        ]:
            options.set_country(code)
            assert driver.storage("country") == {"country": code}
            assert_banner_leads(driver, status, country, headline)
            if code == "RU":
                driver.click_in_banner("button", "Details and sources")
                assert "Russia: held lawful (August 15, 2007)" in driver.banner_text()
                if driver.name == "chromium":  # the documentation shows Chromium's banner
                    driver.screenshot(str(SCREENSHOT), 1100, 640)
    finally:
        options.close()
