"""The web console's entries page and search at 100,000 entries: server time per request.

Requests go through the real app (Flask test client, in process: no network,
so the figure is the server's own time: routing, session check, SQL, the
template). A logged-in editor asks for the first page, a late page, a search
by domain, a search by text and a status filter, each ``--repeat`` times; the
median and the slowest are written to bench/results/console.json.

    python -m bench.console_bench [--entries 100000] [--repeat 20] [--quick]
"""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path

from bench.common import median, parser, table, write_results
from bench.synthetic import synthetic_entries

PAGES = {
    "first page": "/admin/entries",
    "page 1000": "/admin/entries?page=1000",
    "search by domain": "/admin/entries?q={domain}",
    "search by text": "/admin/entries?q=licence",
    "status filter": "/admin/entries?status=unlawful",
}


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--entries", type=int, default=100_000)
    p.add_argument("--repeat", type=int, default=20)
    args = p.parse_args()
    count, repeat = (2000, 3) if args.quick else (args.entries, args.repeat)

    from server import accounts, create_app

    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"DATABASE_URL": f"sqlite:///{Path(folder) / 'console.db'}", "SECRET_KEY": "bench" * 8,
                          "LOGIN_RATE_LIMIT": 1000})
        storage = app.extensions["caveat.storage"]
        storage.init_schema()
        entries = synthetic_entries(count)
        storage.apply_changes(entries, [], actor="bench")
        accounts.add_user(storage, "bench", "a long bench password", "editor", actor="bench")
        client = app.test_client()
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/admin/login").get_data(as_text=True))
        login = client.post("/admin/login", data={"name": "bench", "password": "a long bench password",
                                                 "csrf_token": token.group(1)})
        assert login.status_code == 303, login.status_code
        probe = entries[len(entries) // 2]["domain"]
        rows = []
        results = {}
        for label, path in PAGES.items():
            url = path.format(domain=probe)
            times = []
            for _ in range(repeat):
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            if "{domain}" in path:
                assert probe in response.get_data(as_text=True)
            results[label] = {"url": url, "median_ms": round(median(times), 2), "max_ms": round(max(times), 2)}
            rows.append([label, results[label]["median_ms"], results[label]["max_ms"]])
        storage.dispose()
    table(["request", "median ms", "max ms"], rows, title=f"console entries page, {count:,} entries, {repeat} runs")
    write_results(args.out, "console", {"entries": count, "repeat": repeat, "requests": results}, args.quick)


if __name__ == "__main__":
    main()
