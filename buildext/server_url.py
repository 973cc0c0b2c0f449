"""The list server URL rule, the same one extension/lib/hosts.js normalizeServerUrl follows.

A server URL is http or https, a host, an optional port and an optional path
prefix (a static mirror often lives under a path, e.g.
https://cdn.example.org/caveat); no credentials, query, fragment, backslash,
whitespace or control character. The extension appends /api/v1/... to it,
so the path must not already end in /api or hold /api/v1.

The result is normalized: lowercase scheme and host, the host in punycode
without a trailing dot, no default port, no trailing slash. The shared cases
are in tests/vectors/server_urls.json (run by pytest and by node).
"""

from __future__ import annotations

import ipaddress
import re

_SCHEME = re.compile(r"(https?)://", re.I | re.A)
_PORT = re.compile(r"[0-9]+")
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)", re.A)
# RFC 3986 path characters; anything else must be percent-encoded, so the
# text the extension fetches is exactly the text given.
_SEGMENT = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})+", re.A)
_DOT_SEGMENT = re.compile(r"(?:\.|%2e)+", re.I | re.A)
# A host that ends in a number is an IPv4 address to a browser (even 127.1 or 0x7f.1).
_NUMERIC_LABEL = re.compile(r"[0-9]+|0x[0-9a-f]*", re.I | re.A)
# Full stops browsers read as "." in a host (UTS 46), stripped from its end like "."
_TRAILING_DOTS = re.compile("[.\u3002\uff0e\uff61]+$")
DEFAULT_PORTS = {"http": 80, "https": 443}


def parse_server_url(text: str) -> str:
    """Validate a list server URL and return it normalized; ValueError says what is wrong."""
    if not isinstance(text, str) or not text or any(ord(c) < 0x21 or c == "\x7f" for c in text):
        raise ValueError("must be a URL without spaces or control characters")
    if "?" in text or "#" in text:
        raise ValueError("must not have a query or fragment")
    if "\\" in text:
        raise ValueError("must not contain backslashes")
    scheme = _SCHEME.match(text)
    if not scheme:
        raise ValueError("must start with http:// or https://")
    authority, slash, path = text[scheme.end():].partition("/")
    if "@" in authority:
        raise ValueError("must not contain a user name or password")
    host, port = _split_authority(authority)
    protocol = scheme.group(1).lower()
    port_part = f":{port}" if port is not None and port != DEFAULT_PORTS[protocol] else ""
    return f"{protocol}://{_normalize_host(host)}{port_part}{_normalize_path(slash + path)}"


def _split_authority(authority: str) -> tuple[str, int | None]:
    if authority.startswith("["):
        end = authority.find("]")
        if end < 0:
            raise ValueError(f"has an invalid host (no closing ] in {authority!r})")
        host, rest = authority[:end + 1], authority[end + 1:]
        if rest and not rest.startswith(":"):
            raise ValueError(f"has an invalid host ({rest!r} after the IPv6 address)")
        port_text = rest[1:] if rest else None
    else:
        host, colon, port_text = authority.partition(":")
        port_text = port_text if colon else None
    if not host:
        raise ValueError("must have a host name")
    if port_text is None:
        return host, None
    if not port_text:
        raise ValueError("has an empty port")
    if not _PORT.fullmatch(port_text) or int(port_text) > 65535:
        raise ValueError(f"has an invalid port {port_text!r}")
    return host, int(port_text)


def _normalize_host(host: str) -> str:
    if host.startswith("["):
        try:
            if "%" in host:  # a zone id means nothing to another machine; browsers refuse it
                raise ValueError
            return f"[{ipv6_text(ipaddress.IPv6Address(host[1:-1]))}]"
        except ValueError:
            raise ValueError(f"has an invalid host: {host} is not an IPv6 address") from None
    if "%" in host:  # browsers decode %41 in a host; the rule takes the host as written
        raise ValueError(f"has an invalid host name {host!r}")
    host = _TRAILING_DOTS.sub("", host)
    if not host.isascii():
        host = _TRAILING_DOTS.sub("", _to_punycode(host))
        if _NUMERIC_LABEL.fullmatch(host.rsplit(".", 1)[-1]):
            raise ValueError(f"has an invalid IPv4 address {host!r} (write it as four ASCII numbers)")
    elif _NUMERIC_LABEL.fullmatch(host.rsplit(".", 1)[-1]):
        try:
            return str(ipaddress.IPv4Address(host))  # four decimal numbers, no leading zeros
        except ValueError:
            raise ValueError(f"has an invalid IPv4 address {host!r} (four numbers 0-255, e.g. 192.0.2.1)") from None
    host = host.lower()
    if len(host) > 253 or not all(_LABEL.fullmatch(label) for label in host.split(".")):
        raise ValueError(f"has an invalid host name {host!r}")
    return host


def _to_punycode(host: str) -> str:
    import idna  # a declared dependency; only needed for Unicode host names

    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError as exc:
        raise ValueError(f"has an invalid host name ({exc})") from None


def ipv6_text(address: ipaddress.IPv6Address) -> str:
    """The URL form of an IPv6 address (WHATWG URL): lowercase hex, the first
    longest run of two or more zero pieces as "::", never a dotted IPv4 tail."""
    pieces = [format(int(piece, 16), "x") for piece in address.exploded.split(":")]
    best_start, best_length, start = -1, 1, None
    for i, piece in enumerate([*pieces, "end"]):
        if piece == "0" and start is None:
            start = i
        elif piece != "0" and start is not None:
            if i - start > best_length:
                best_start, best_length = start, i - start
            start = None
    if best_start < 0:
        return ":".join(pieces)
    return ":".join(pieces[:best_start]) + "::" + ":".join(pieces[best_start + best_length:])


def _normalize_path(path: str) -> str:
    """'' or '/segment/...' without the trailing slash."""
    trimmed = path[:-1] if path.endswith("/") else path
    if not trimmed:
        return ""
    segments = trimmed[1:].split("/")
    for segment in segments:
        if not segment:
            raise ValueError("has an empty path segment (//)")
        if _DOT_SEGMENT.fullmatch(segment):
            raise ValueError("must not have . or .. in its path")
        if not _SEGMENT.fullmatch(segment):
            raise ValueError(f"has a path segment {segment!r} with characters to percent-encode")
    lowered = [segment.lower() for segment in segments]
    if lowered[-1] == "api" or ("api", "v1") in zip(lowered, lowered[1:]):
        raise ValueError("must be the server's base URL, without /api/v1 (the extension adds it)")
    return trimmed
