"""Property tests of host and domain normalization (server/domains.py).

Whatever text arrives (a shopper's URL, a maintainer's typo, an attacker's
payload), ``normalize_host``/``normalize_domain`` either return a valid
lowercase ASCII hostname or raise ``DomainError`` -- never another exception,
never a half-normalized string -- and normalizing twice changes nothing.

``CAVEAT_FUZZ_EXAMPLES`` raises the number of examples per property for the
long run (``make reliability``).
"""

from __future__ import annotations

import os
import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from server.domains import (
    DomainError,
    is_public_suffix,
    normalize_domain,
    normalize_host,
    registrable_domain,
    site_key,
)

EXAMPLES = int(os.environ.get("CAVEAT_FUZZ_EXAMPLES", "300"))
fuzz = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

LDH_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")

# Characters that trip host parsers: separators, URL syntax, IDNA edge cases
# (sharp s, final sigma, dotless i, Turkish I, ZWJ/ZWNJ, full-width and
# ideographic dots, RTL marks, combining marks), controls and surrogates' neighbours.
TRICKY = list("abcxyzAZ09-._:/@[]?#%\\ \t\n")
TRICKY += ["ä", "ß", "ς", "ı", "İ", "\u200d", "\u200c", "。", "．", "｡", "ｅ", "\u202e", "\u0301",
           "\x00", "\x7f", "\ufeff", "ǅ", "ﬀ", "Ⅻ", "①", "\U0001f600", "xn--", "..", "://"]
tricky_text = st.lists(st.sampled_from(TRICKY), max_size=40).map("".join)

label = st.from_regex(r"\A[a-z0-9](?:[a-z0-9-]{0,20}[a-z0-9])?\Z")
unicode_label = st.text(st.characters(codec="utf-8", categories=("Ll", "Lu", "Lo", "Nd", "Mn")),
                        min_size=1, max_size=12)
hostnames = st.lists(st.one_of(label, unicode_label), min_size=1, max_size=6).map(".".join)
urls = st.builds(
    lambda scheme, user, host, port, path: f"{scheme}{user}{host}{port}{path}",
    st.sampled_from(["", "http://", "https://", "//", "ftp://", "HTTP://", "javascript://"]),
    st.sampled_from(["", "user@", "user:pw@", "a@b@"]),
    hostnames,
    st.sampled_from(["", ":80", ":8443", ":", ":x", ":99999"]),
    st.sampled_from(["", "/", "/path?q=1#f", "?x", "#y", "/\u00e4"]),
)
anything = st.one_of(st.text(max_size=300), tricky_text, hostnames, urls)


def assert_ldh_name(host: str) -> None:
    """Lowercase ASCII letter-digit-hyphen labels, at least two, within DNS limits."""
    assert isinstance(host, str)
    assert host == host.strip() and host.isascii() and host == host.lower()
    assert 3 <= len(host) <= 253
    labels = host.split(".")
    assert len(labels) >= 2, host
    for part in labels:
        assert LDH_LABEL.match(part), (host, part)


def assert_valid_hostname(host: str) -> None:
    """What every normalized host must be: the form browsers put in location.hostname."""
    assert_ldh_name(host)
    labels = host.split(".")
    assert not re.fullmatch(r"[0-9]+|0x[0-9a-f]*", labels[-1]), host


def normalized_or_error(function, text):
    """The result of ``function(text)``, or the DomainError it raised (any other exception fails)."""
    try:
        return function(text)
    except DomainError as exc:
        assert exc.code and isinstance(exc.code, str), "a DomainError must carry a machine-readable code"
        assert str(exc), "a DomainError must carry a message"
        return exc


@fuzz
@given(anything)
@example("xn--")
@example("xn--a.com")
@example("a." * 127 + "com")
@example("[::1]:80")
@example("http://[::1]/")
@example("0x7f.1")
@example("example.0x")
@example("ǅ.com")
@example("\u200d.com")
def test_normalize_host_returns_a_hostname_or_refuses(text):
    result = normalized_or_error(normalize_host, text)
    if not isinstance(result, DomainError):
        assert_valid_hostname(result)


@fuzz
@given(anything)
def test_normalize_host_is_idempotent(text):
    result = normalized_or_error(normalize_host, text)
    if not isinstance(result, DomainError):
        assert normalize_host(result) == result


@fuzz
@given(anything)
@example("com")
@example("co.uk")
@example("github.io")
@example("xn--fiqs8s")
def test_normalize_domain_never_yields_a_public_suffix(text):
    result = normalized_or_error(normalize_domain, text)
    if isinstance(result, DomainError):
        return
    assert_valid_hostname(result)
    assert normalize_domain(result) == result
    assert not is_public_suffix(result)
    assert registrable_domain(result) is not None


@fuzz
@given(anything)
def test_a_domain_accepted_for_a_list_is_a_valid_host(text):
    """normalize_domain accepts a subset of what normalize_host accepts, with the same result."""
    domain = normalized_or_error(normalize_domain, text)
    if not isinstance(domain, DomainError):
        assert normalize_host(text) == domain


@fuzz
@given(st.one_of(anything, st.none(), st.integers(), st.binary(max_size=20)))
def test_registrable_domain_never_raises(value):
    result = registrable_domain(value)
    assert result is None or isinstance(result, str)
    if result is not None:
        # Not assert_valid_hostname: registrable_domain("0.0") is "0.0" (a name
        # browsers read as an IPv4 address); harmless, normalize_host refuses it first.
        assert_ldh_name(result)
        assert registrable_domain(result) == result


@fuzz
@given(st.lists(label, min_size=2, max_size=5))
def test_plain_lowercase_hostnames_pass_unchanged(labels):
    host = ".".join(labels)
    result = normalized_or_error(normalize_host, host)
    if isinstance(result, DomainError):
        # The only reasons to refuse an LDH name: numeric TLD, or too long.
        assert result.code in ("ip_address", "too_long"), (host, result.code)
    else:
        assert result == host
        assert normalize_host(host.upper()) == host
        assert normalize_host(f"https://{host.upper()}:443/x") == host


@fuzz
@given(st.one_of(st.integers(), st.floats(), st.binary(), st.lists(st.text()), st.dictionaries(st.text(), st.text())))
def test_non_strings_are_refused_cleanly(value):
    for function in (normalize_host, normalize_domain):
        result = normalized_or_error(function, value)
        assert isinstance(result, DomainError)


@fuzz
@given(hostnames)
def test_www_and_the_bare_domain_are_one_site(host):
    host = normalized_or_error(normalize_host, host)
    if isinstance(host, DomainError) or host.startswith("www."):
        return
    assert site_key(f"www.{host}") == site_key(host) == host
