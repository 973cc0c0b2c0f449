"""Normalizing and refusing hosts and entry domains (server/domains.py)."""

import pytest

from server.domains import (
    DomainError,
    is_public_suffix,
    normalize_domain,
    normalize_host,
    registrable_domain,
    site_key,
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("allofmp3.com", "allofmp3.com"),
        ("AllOfMP3.COM", "allofmp3.com"),
        ("allofmp3.com.", "allofmp3.com"),
        ("allofmp3.com:8443", "allofmp3.com"),
        ("  allofmp3.com \n", "allofmp3.com"),
        ("allofmp3.com\n", "allofmp3.com"),  # the canonical fast path must not keep a newline
        ("www.allofmp3.com", "www.allofmp3.com"),
        ("https://www.AllOfMP3.com/buy?album=1#top", "www.allofmp3.com"),
        ("http://user:secret@shop.allofmp3.com:8080/", "shop.allofmp3.com"),
        ("//allofmp3.com/path", "allofmp3.com"),
        ("allofmp3.com/path/to?x=1", "allofmp3.com"),
        ("bücher.de", "xn--bcher-kva.de"),
        ("BÜCHER.de", "xn--bcher-kva.de"),
        ("https://bücher.de/", "xn--bcher-kva.de"),
        ("xn--bcher-kva.de", "xn--bcher-kva.de"),
        # UTS 46 mapping: full-width letters and the ideographic full stop.
        ("ＡＬＬＯＦＭＰ３。ＣＯＭ", "allofmp3.com"),
        # IDNA 2008, non-transitional: ß stays ß (not "ss").
        ("faß.de", "xn--fa-hia.de"),
        ("食狮.中国", "xn--85x722f.xn--fiqs8s"),
        ("evil.github.io", "evil.github.io"),
    ],
)
def test_normalize_domain_accepts_and_normalizes(text, expected):
    assert normalize_domain(text) == expected


@pytest.mark.parametrize(
    "text, code",
    [
        ("", "empty"),
        ("   ", "empty"),
        ("https://", "empty"),
        ("a" * 64 + ".com", "label_too_long"),
        (".".join(["a" * 63] * 4) + ".com", "too_long"),
        ("a_b.com", "invalid_characters"),
        ("exa mple.com", "invalid_characters"),
        ("-shop.com", "invalid_characters"),
        ("shop-.com", "invalid_characters"),
        ("sh*p.com", "invalid_characters"),
        ("xn--abc.com", "invalid_characters"),  # punycode that decodes to nothing valid
        ("ex\u200dample.com", "invalid_characters"),  # zero-width joiner
        ("foo..com", "invalid_domain"),
        (".com", "invalid_domain"),
        ("example.com:http", "invalid_domain"),
        ("http://[", "invalid_domain"),  # urllib's "Invalid IPv6 URL" becomes a DomainError
        ("http://exa[mple.com/", "invalid_domain"),
        ("a:b:c", "invalid_domain"),
        ("127.0.0.1", "ip_address"),
        ("http://192.168.1.1:8080/", "ip_address"),
        ("::1", "ip_address"),
        ("[2001:db8::1]", "ip_address"),
        ("http://[2001:db8::1]/shop", "ip_address"),
        ("1.2.3", "ip_address"),  # browsers read a numeric last label as IPv4
        ("localhost", "single_label"),
        ("shop", "single_label"),
        ("com", "single_label"),
        ("co.uk", "public_suffix"),
        ("github.io", "public_suffix"),
        ("blogspot.com", "public_suffix"),
        ("GITHUB.IO.", "public_suffix"),
        ("https://co.uk/", "public_suffix"),
        ("公司.cn", "public_suffix"),
        (None, "invalid_domain"),
        (42, "invalid_domain"),
    ],
)
def test_normalize_domain_rejects_with_a_code_and_message(text, code):
    with pytest.raises(DomainError) as info:
        normalize_domain(text)
    assert info.value.code == code
    assert len(str(info.value)) > 10  # a sentence a person can act on


def test_normalize_host_allows_public_suffixes_but_normalize_domain_does_not():
    assert normalize_host("github.io") == "github.io"
    with pytest.raises(DomainError):
        normalize_domain("github.io")


def test_domain_error_is_a_value_error():
    assert issubclass(DomainError, ValueError)


@pytest.mark.parametrize(
    "host, suffix",
    [("com", True), ("co.uk", True), ("github.io", True), ("blogspot.com", True),
     ("evil.github.io", False), ("example.com", False), ("shop.example.co.uk", False)],
)
def test_is_public_suffix(host, suffix):
    assert is_public_suffix(host) is suffix


def test_private_section_suffix_siblings_have_their_own_registrable_domain():
    assert registrable_domain("cdn.evil.github.io") == "evil.github.io"
    assert registrable_domain("good.github.io") == "good.github.io"


def test_registrable_domain_of_unicode_host_is_punycode():
    assert registrable_domain("www.bücher.de") == "xn--bcher-kva.de"


@pytest.mark.parametrize(
    "host, key",
    [("www.example.com", "example.com"), ("example.com", "example.com"),
     ("WWW.Example.com.", "example.com"), ("www.example", "www.example"),
     ("www2.example.com", "www2.example.com")],
)
def test_site_key(host, key):
    assert site_key(host) == key
