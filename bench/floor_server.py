"""The framework floor for server_bench.py: a minimal Flask app with one JSON
endpoint, run by gunicorn with exactly the settings `caveat serve` uses
(server.cli.gunicorn_options, the same CAVEAT_* variables).

    .venv/bin/python -m bench.floor_server --bind 127.0.0.1:PORT
"""

from __future__ import annotations

import argparse

from flask import Flask, jsonify

from server.cli import CaveatServer, gunicorn_options
from server.settings import load_settings


def floor_app() -> Flask:
    app = Flask(__name__)

    @app.get("/ping")
    def ping():
        return jsonify({"status": "ok"})

    return app


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--bind", required=True, metavar="HOST:PORT")
    args = p.parse_args(argv)
    settings = load_settings({"DATABASE_URL": "sqlite://"})  # no database: settings only
    CaveatServer(floor_app(), gunicorn_options(settings, bind=args.bind)).run()


if __name__ == "__main__":
    main()
