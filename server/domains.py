"""Host and domain rules, used by the API, the CLI, the importer and build.py.

Pure: no network, no files. The Public Suffix List comes from the snapshot
bundled with tldextract (private section included, so ``github.io`` and
``blogspot.com`` are suffixes); tldextract is configured so that it can never
fetch a newer list or write a cache.

Internationalized names are mapped with UTS 46 (non-transitional, STD3 rules)
and encoded to IDNA 2008 A-labels (``xn--``), the form browsers report in
``location.hostname``.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from urllib.parse import urlsplit

import idna
import tldextract

MAX_HOST_LENGTH = 253
MAX_LABEL_LENGTH = 63
# Longest text we even try to parse: a URL may carry a long path we discard.
MAX_INPUT_LENGTH = 4096

_LDH_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
_NUMERIC_LABEL = re.compile(r"^(?:[0-9]+|0x[0-9a-f]*)$")
# Already canonical: lowercase LDH labels, 2+ labels, the last starting with a
# letter (so never an IP address), 253 characters at most. Such input (the
# common case: entries read back, bulk imports) skips the full pipeline.
_CANONICAL = re.compile(
    r"^(?=.{1,253}\Z)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?\Z"
)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


class DomainError(ValueError):
    """A host or domain that cannot be used; ``code`` is machine-readable."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@lru_cache(maxsize=1)
def _extractor() -> tldextract.TLDExtract:
    # suffix_list_urls=() and cache_dir=None: bundled snapshot only, no
    # network, no cache files.
    return tldextract.TLDExtract(
        suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True
    )


def _is_ip_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _host_part(text: str) -> str:
    """The host out of a hostname, ``host:port`` or a full URL."""
    if _SCHEME.match(text) or text.startswith("//"):
        try:
            netloc = urlsplit(text if not text.startswith("//") else "http:" + text).netloc
        except ValueError:  # e.g. an unclosed "[" ("Invalid IPv6 URL")
            raise DomainError("invalid_domain", f"{text[:100]!r} is not a valid URL") from None
    else:
        # "example.com/path?q" without a scheme: cut at the first delimiter.
        netloc = re.split(r"[/?#]", text, maxsplit=1)[0]
    host = netloc.rpartition("@")[2]  # drop user:password@
    if host.startswith("["):
        raise DomainError("ip_address", "IP addresses cannot be listed; use a domain name")
    if host.count(":") > 1:
        if _is_ip_address(host):
            raise DomainError("ip_address", "IP addresses cannot be listed; use a domain name")
        raise DomainError("invalid_domain", f"{host[:100]!r} is not a host name (too many ':')")
    if ":" in host:
        host, _, port = host.partition(":")
        if port and not port.isdigit():
            raise DomainError("invalid_domain", f"invalid port in {text!r}")
    return host


def _to_ascii_labels(host: str) -> list[str]:
    """UTS 46 map and IDNA-encode ``host``; returns its lowercase labels."""
    try:
        mapped = idna.uts46_remap(host, std3_rules=True, transitional=False)
    except idna.IDNAError as exc:
        raise DomainError("invalid_characters", f"invalid characters in {host!r}: {exc}") from None
    if mapped.endswith("."):
        mapped = mapped[:-1]  # one trailing dot is the DNS root
    if not mapped:
        raise DomainError("empty", "the domain is empty")
    labels = []
    for label in mapped.split("."):
        if not label:
            raise DomainError("invalid_domain", f"{host!r} has an empty label")
        if label.isascii():
            if len(label) > MAX_LABEL_LENGTH:
                raise DomainError("label_too_long", f"label {label[:20]!r}... is longer than 63 characters")
            if not _LDH_LABEL.match(label):
                raise DomainError(
                    "invalid_characters",
                    f"label {label!r} may contain only letters, digits and inner hyphens",
                )
            if label.startswith("xn--"):
                try:
                    idna.decode(label)  # a punycode label must decode to a valid U-label
                except (idna.IDNAError, UnicodeError) as exc:
                    raise DomainError("invalid_characters", f"invalid punycode label {label!r}: {exc}") from None
        else:
            try:
                label = idna.alabel(label).decode("ascii")
            except (idna.IDNAError, UnicodeError) as exc:
                message = str(exc) or "not a valid internationalized label"
                if "too long" in message.lower():
                    raise DomainError("label_too_long", f"a label of {host!r} is longer than 63 characters") from None
                raise DomainError("invalid_characters", f"invalid label in {host!r}: {message}") from None
            if len(label) > MAX_LABEL_LENGTH:
                raise DomainError("label_too_long", f"a label of {host!r} is longer than 63 characters")
        labels.append(label)
    return labels


def normalize_host(text: str) -> str:
    """Any hostname, URL or Unicode IDN -> lowercase punycode host.

    Raises DomainError for empty input, over-long names or labels, invalid
    characters, IP addresses and single-label names.
    """
    if not isinstance(text, str):
        raise DomainError("invalid_domain", "the domain must be a string")
    if _CANONICAL.match(text) and "xn--" not in text:
        return text
    text = text.strip()
    if not text:
        raise DomainError("empty", "the domain is empty")
    if len(text) > MAX_INPUT_LENGTH:
        raise DomainError("too_long", "the input is too long to be a host name or URL")
    host = _host_part(text)
    if not host.strip():
        raise DomainError("empty", "no host name found in the input")
    if _is_ip_address(host):
        raise DomainError("ip_address", "IP addresses cannot be listed; use a domain name")
    labels = _to_ascii_labels(host)
    result = ".".join(labels)
    if len(result) > MAX_HOST_LENGTH:
        raise DomainError("too_long", f"the domain is {len(result)} characters long; the limit is 253")
    # Browsers treat a numeric last label as an IPv4 address (WHATWG URL).
    if _NUMERIC_LABEL.match(labels[-1]):
        raise DomainError("ip_address", "IP addresses cannot be listed; use a domain name")
    if len(labels) < 2:
        raise DomainError("single_label", f"{result!r} is a single label, not a domain on the internet")
    return result


def registrable_domain(host: str) -> str | None:
    """The PSL registrable domain ("eTLD+1") of ``host``, or None.

    None when ``host`` is itself a public suffix, empty, starts with a dot or
    is not a valid name. Unicode input gives the punycode result. Unlisted
    TLDs follow the PSL default rule ``*`` (the last label is the suffix).
    """
    if not isinstance(host, str) or not host or host.startswith("."):
        return None
    if _CANONICAL.match(host) and "xn--" not in host:
        ascii_host, labels = host, host.split(".")
    else:
        try:
            labels = _to_ascii_labels(host)
        except DomainError:
            return None
        ascii_host = ".".join(labels)
        if _is_ip_address(ascii_host):
            return None
    parts = _extractor()(ascii_host)
    if not parts.suffix:  # unlisted TLD: default rule "*"
        return ".".join(labels[-2:]) if len(labels) >= 2 else None
    if not parts.domain:
        return None
    return f"{parts.domain}.{parts.suffix}"


def is_public_suffix(host: str) -> bool:
    """True when ``host`` is a public suffix (``com``, ``co.uk``, ``github.io``)."""
    return registrable_domain(host) is None


def normalize_domain(text: str) -> str:
    """normalize_host, and the result must not be a public suffix (for entries)."""
    host = normalize_host(text)
    if is_public_suffix(host):
        raise DomainError(
            "public_suffix",
            f"{host!r} is a public suffix (a registry such as com, co.uk or github.io) and cannot be listed",
        )
    return host


def site_key(host: str) -> str:
    """The key of a shopper's "don't warn me again": ``www.`` and the bare domain are one site.

    ``www.`` is stripped only when what remains still has at least two labels.
    """
    host = host.lower().rstrip(".")
    if host.startswith("www.") and host.count(".") >= 2:
        return host[4:]
    return host
