"""``caveat warnings validate|import|export``: whole list files.

Reading is server/listfile.py's; planning and writing an import are
server/maintenance.py's; the formats are server/exports.py's.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import click

from .. import exports, maintenance
from ..entries import ListError
from ..listfile import count_entries, parse_list_file, validate_document
from .common import actor, clean_errors, echo_err, get_storage
from .warnings import warnings_group

# Imports at least this large get a progress bar (on stderr).
PROGRESS_THRESHOLD = 1000
# Domains printed per import category unless --verbose.
PREVIEW_LIMIT = 20


def _print_plan(plan, verbose: bool) -> None:
    def block(title, items, mark):
        click.echo(f"{title}: {len(items)}")
        shown = items if verbose else items[:PREVIEW_LIMIT]
        for item in shown:
            click.echo(f"  {mark} {item}")
        if len(shown) < len(items):
            click.echo(f"  ... and {len(items) - len(shown)} more (--verbose lists all)")

    block("added", [e["domain"] for e in plan.added], "+")
    block("changed", [f"{domain} ({', '.join(fields)})" for domain, fields in plan.changed], "~")
    block("removed", plan.removed, "-")
    click.echo(f"unchanged: {len(plan.unchanged)}")
    if plan.kept:
        click.echo(f"kept (listed but not in the file; --prune would remove them): {len(plan.kept)}")


def _validate_with_progress(raw, path):
    total = count_entries(raw)
    if total < PROGRESS_THRESHOLD:
        return validate_document(raw)
    with click.progressbar(length=total, label=f"Validating {path.name}", file=sys.stderr) as bar:
        return validate_document(raw, bar.update)


def _read_list_or_fail(file: Path) -> dict:
    """Read and validate a list file; on failure list every problem, then fail."""
    try:
        return _validate_with_progress(parse_list_file(file), file)
    except ListError as exc:
        if len(exc.errors) == 1:
            raise click.ClickException(exc.errors[0]) from None
        for message in exc.errors:
            echo_err(message)
        raise click.ClickException(f"{file}: {len(exc.errors)} problems (listed above)") from None


@warnings_group.command("validate")
@click.argument("file", type=click.Path(path_type=Path))
@clean_errors
def warnings_validate(file):
    """Check a list file (curated YAML or JSON) without a database."""
    doc = _read_list_or_fail(file)
    click.echo(f"{file}: {len(doc['entries'])} entries, all valid.")


@warnings_group.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--prune", is_flag=True, help="Also remove listed entries that the file does not contain.")
@click.option("--dry-run", is_flag=True, help="Only print what would be added, changed and removed.")
@click.option("--verbose", "-v", is_flag=True, help=f"List every domain (default: the first {PREVIEW_LIMIT} per kind).")
@clean_errors
def warnings_import(file, prune, dry_run, verbose):
    """Import the curated YAML or a JSON list document, all or nothing.

    One invalid entry refuses the whole file (every problem is listed).
    Importing the same file again changes nothing and keeps the version.
    """
    storage = get_storage()
    try:
        doc = _read_list_or_fail(file)
    except click.ClickException as exc:
        exc.message += "; nothing was imported"
        raise
    plan = maintenance.plan_import(storage, doc, prune=prune)
    click.echo(f"{file}: {len(doc['entries'])} entries")
    _print_plan(plan, verbose)
    if dry_run:
        click.echo(f"Dry run: nothing was written; list version stays {storage.version()}.")
        return
    if plan.is_empty:
        click.echo(f"Nothing to change; list version stays {storage.version()}.")
        return
    if len(plan.upserts) + len(plan.removed) >= PROGRESS_THRESHOLD:
        echo_err(f"Writing {len(plan.upserts) + len(plan.removed)} changes in one transaction...")
    change = maintenance.apply_import(storage, plan, actor=actor())
    click.echo(f"Imported. List version {change.version}.")


def _write_atomically(path: Path, text: str) -> None:
    """Write next to the target, then rename: a reader never sees half a list."""
    directory = path.parent
    if not directory.is_dir():
        raise click.ClickException(f"cannot write {path}: {directory} is not a directory")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        # mkstemp makes the file private (0600); an export is meant to be
        # published, so give it the mode a plain open() would have.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@warnings_group.command("export")
@click.option("--format", "fmt", type=click.Choice(exports.FORMATS), default="json", show_default=True,
              help="json (the list document), csv, hosts (0.0.0.0 lines) or ubo (uBlock Origin filters).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (default: standard output).")
@click.option("--homepage", metavar="URL",
              help="ubo only, required: the page about your list, where people can ask for corrections.")
@clean_errors
def warnings_export(fmt, output, homepage):
    """Export the list as JSON, CSV, a hosts file or a uBlock Origin filter list."""
    storage = get_storage()
    if fmt == "ubo":
        if not homepage:
            raise click.UsageError("the ubo format needs --homepage URL (the page about your list)")
        if not homepage.startswith(("https://", "http://")) or any(c.isspace() for c in homepage):
            raise click.BadParameter("must be an http(s) URL without spaces", param_hint="--homepage")
    doc = storage.list_document()
    text = exports.export(doc, fmt, homepage=homepage or "")
    if output is None:
        click.echo(text, nl=False)
        return
    _write_atomically(output, text)
    echo_err(f"Wrote {len(doc['entries'])} entries ({fmt}, list version {doc['version']}) to {output}")
