"""The command line: `python build.py [--browser ...] [--server-url URL] [--list FILE] [--out DIR]
[--public-key ed25519:...]... [--check]`.

Exit status: 0 built (or checked), 1 an input is invalid, 2 bad command line.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import BuildError
from .plan import list_size_warning, plan_build, summary_lines, write_plan
from .public_keys import parse_public_key, unique_keys
from .server_url import parse_server_url
from .source import DEFAULT_SOURCE, PROJECT_ROOT

DEFAULT_OUT = PROJECT_ROOT / "dist"
# The server that `make run` starts; self-hosters pass their own --server-url.
DEFAULT_SERVER_URL = "http://127.0.0.1:8000"
BROWSERS = ("chrome", "firefox")
EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line (`build.py: error: ...`), exit 2."""

    def error(self, message: str):  # noqa: D401 - argparse API
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see --help)\n")


def _server_url_arg(text: str) -> str:
    try:
        return parse_server_url(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"invalid server URL {text!r}: {exc}") from None


def _public_key_arg(text: str) -> str:
    try:
        return parse_public_key(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"invalid public key {text!r}: {exc}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="build.py",
        description="Package the Caveat extension: a Chrome zip and a Firefox xpi, "
        "each with the validated warning list bundled. Identical inputs give byte-identical archives.",
        epilog="Exit status: 0 built (or checked) fine, 1 an input is invalid, 2 bad command line. "
        "Details: docs/build.md.",
    )
    parser.add_argument(
        "--browser", choices=("chrome", "firefox", "all"), default="all",
        help="which package to build (default: all = both)")
    parser.add_argument(
        "--server-url", type=_server_url_arg, default=DEFAULT_SERVER_URL, metavar="URL",
        help="base URL of the list server the built extension syncs from: http or https, a host, "
        "an optional port and an optional path prefix such as /caveat for a static mirror; "
        "no query, credentials or /api/v1 (default: %(default)s, the server `make run` starts)")
    parser.add_argument(
        "--list", type=Path, metavar="FILE", dest="list_file",
        help="JSON list document to bundle, in the GET /api/v1/list format "
        "({\"format\": 1, \"version\": ..., \"generated\": ..., \"entries\": [...]}); "
        "default: the curated list shipped in server/data/warnings.yaml")
    parser.add_argument(
        "--out", type=Path, default=None, metavar="DIR",
        help="output folder for <browser>/ unpacked folders and the archives (default: dist/ in the project)")
    parser.add_argument(
        "--source", type=Path, default=None, metavar="DIR",
        help="extension source folder with the one source manifest (default: extension/ in the project)")
    parser.add_argument(
        "--public-key", type=_public_key_arg, action="append", dest="public_keys", metavar="ed25519:KEY",
        help="a list signing key the extension trusts, as `caveat keys show` prints it "
        "(ed25519:<base64 of 32 bytes>); repeat it to trust several during a key rotation. "
        "With keys, a list is accepted only when its signature verifies with one of them; "
        "without, the extension accepts unsigned lists (a development build, and its options page says so)")
    parser.add_argument(
        "--check", action="store_true",
        help="validate the manifest, the files it names, locales, list and server URL; write nothing")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error (2); argparse already printed
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    browsers = BROWSERS if args.browser == "all" else (args.browser,)
    try:
        plan = plan_build(source=args.source or DEFAULT_SOURCE, out=args.out or DEFAULT_OUT, browsers=browsers,
                          server_url=args.server_url, list_file=args.list_file,
                          public_keys=unique_keys(args.public_keys))
        if not args.check:
            write_plan(plan)
    except BuildError as exc:
        print(f"build.py: error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except OSError as exc:
        print(f"build.py: error: cannot write output: {exc}", file=sys.stderr)
        return EXIT_INVALID
    warning = list_size_warning(plan)
    if warning:
        print(warning, file=sys.stderr)
    print("\n".join(summary_lines(plan, checked_only=args.check)))
    return EXIT_OK
