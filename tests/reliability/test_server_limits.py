"""Malformed HTTP against the real server (``caveat serve``: gunicorn), byte by byte.

Two layers answer hostile requests:

- gunicorn refuses what is not valid HTTP before the app sees it: an
  over-long request line (414), over-long or too many header fields (431), a
  CR or bare LF inside a header (400), a repeated Host, Content-Length and
  Transfer-Encoding together (request smuggling, 400), garbage request lines.
  Those answers are gunicorn's own small HTML pages, not the design's JSON,
  and carry no security headers (a front server such as nginx replaces them;
  docs/reliability.md). What is asserted: a 4xx, the connection closed, and
  any reflected input HTML-escaped.
- the app answers everything else, always JSON with the security headers,
  including a chunked body larger than the limit (413).
"""

from __future__ import annotations

import json
import socket

import pytest

from tests.reliability.live_server import LiveServer


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = LiveServer(tmp_path_factory.mktemp("limits") / "caveat.db", workers=2, threads=2).init().start()
    yield live
    live.stop()


def raw_exchange(port: int, data: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send ``data`` as is; return (status, headers, body) of the answer, read to the close."""
    with socket.create_connection(("127.0.0.1", port), timeout=20) as connection:
        connection.sendall(data)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return status, headers, body


def request_bytes(method: str, target: str, headers: list[tuple[bytes, bytes]] = (), body: bytes = b"") -> bytes:
    lines = [f"{method} {target} HTTP/1.1".encode(), b"Host: caveat.test"]
    lines += [name + b": " + value for name, value in headers]
    lines += [b"Connection: close"]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


GUNICORN_REFUSALS = {
    "request line over 4094 bytes": (request_bytes("GET", "/api/v1/lookup?domain=" + "a" * 8000), 414),
    "header field over 8190 bytes": (request_bytes("GET", "/healthz", [(b"X-Big", b"a" * 9000)]), 431),
    "over 100 header fields": (request_bytes("GET", "/healthz", [(b"X-H%d" % i, b"1") for i in range(150)]), 431),
    "CR inside a header value": (request_bytes("GET", "/healthz", [(b"X-A", b"a\rSet-Cookie: b=1")]), 400),
    "bare LF between headers": (b"GET /healthz HTTP/1.1\r\nHost: x\nX-A: a\nConnection: close\r\n\r\n", 400),
    "two Host headers": (request_bytes("GET", "/healthz", [(b"Host", b"evil.test")]), 400),
    "Content-Length with Transfer-Encoding": (request_bytes(
        "POST", "/api/v1/reports", [(b"Content-Type", b"application/json"), (b"Content-Length", b"5"),
                                    (b"Transfer-Encoding", b"chunked")], b"0\r\n\r\n"), 400),
    "garbage request line": (b"<script>alert(1)</script>\r\n\r\n", 400),
    "unknown HTTP version": (b"GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n", 400),
    "header name with markup": (request_bytes("GET", "/healthz", [(b"<script>x</script>", b"1")]), 400),
}


@pytest.mark.parametrize("case", list(GUNICORN_REFUSALS))
def test_gunicorn_refuses_malformed_http(server, case):
    data, expected = GUNICORN_REFUSALS[case]
    status, headers, body = raw_exchange(server.port, data)
    assert status == expected, (status, body[:200])
    assert headers.get("connection") == "close"
    assert b"<script>" not in body, "reflected input must be escaped"


def test_a_chunked_body_over_the_limit_is_413_json(server):
    """No Content-Length to check up front: the streamed body is cut at the limit and refused."""
    payload = json.dumps({"name": "x" * 200_000}).encode()
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(payload[i:i + 8192]), payload[i:i + 8192])
                      for i in range(0, len(payload), 8192)) + b"0\r\n\r\n"
    status, headers, body = raw_exchange(server.port, request_bytes(
        "PUT", "/api/v1/warnings/allofmp3.example",
        [(b"Authorization", f"Bearer {server.token}".encode()), (b"Content-Type", b"application/json"),
         (b"Transfer-Encoding", b"chunked")], chunks))
    assert status == 413, body[:200]
    assert headers["content-type"] == "application/json"
    assert json.loads(body)["error"]["code"] == "payload_too_large"


def test_a_chunked_body_within_the_limit_is_accepted(server):
    entry = {"name": "Chunked", "status": "disputed", "summary": "Sent in chunks.", "reviewed": "2026-11-01",
             "sources": [{"title": "Source", "url": "https://news.example/chunked"}]}
    payload = json.dumps(entry).encode()
    chunks = b"%x\r\n%s\r\n0\r\n\r\n" % (len(payload), payload)
    status, _, body = raw_exchange(server.port, request_bytes(
        "PUT", "/api/v1/warnings/chunked.example",
        [(b"Authorization", f"Bearer {server.token}".encode()), (b"Content-Type", b"application/json"),
         (b"Transfer-Encoding", b"chunked")], chunks))
    assert status == 201, body[:300]


@pytest.mark.parametrize("value", [b"Bearer \xff\xfe", b"Bearer \x00", "Bearer caf\u00e9".encode("utf-8"),
                                   b"Bearer " + b"A" * 8000])
def test_undecodable_authorization_is_the_usual_401(server, value):
    status, headers, body = raw_exchange(server.port, request_bytes("GET", "/api/v1/reports", [(b"Authorization", value)]))
    if status == 400:  # gunicorn refused the header itself (NUL)
        assert value == b"Bearer \x00"
        return
    assert status == 401
    assert headers["content-type"] == "application/json"
    assert headers["www-authenticate"] == 'Bearer realm="caveat"'
    assert json.loads(body)["error"]["code"] == "unauthorized"


def test_huge_declared_content_length_is_refused_without_reading(server):
    """A 100 GB Content-Length: refused at once (401 anonymous / 413 as maintainer), never buffered."""
    for auth, expected in (([], 401), ([(b"Authorization", f"Bearer {server.token}".encode())], 413)):
        status, headers, body = raw_exchange(server.port, request_bytes(
            "PUT", "/api/v1/warnings/allofmp3.example",
            [*auth, (b"Content-Type", b"application/json"), (b"Content-Length", b"99999999999")], b"{}"))
        assert status == expected, body[:200]
        assert headers["x-content-type-options"] == "nosniff"
        assert json.loads(body)["error"]["code"] in ("unauthorized", "payload_too_large")


def test_the_server_still_serves_after_all_of_this(server):
    status, _, body = raw_exchange(server.port, request_bytes("GET", "/healthz"))
    assert status == 200 and json.loads(body)["status"] == "ok"
