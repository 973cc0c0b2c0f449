"""The maintainer commands of ``caveat``: warnings, token, reports, log.

Registered onto the Flask CLI group in server/cli.py (``register(cli)``), so
every command runs inside the application and uses its storage. Changes made
here are recorded with the actor ``cli:<OS user>``.

Every failure ends in one clear line on stderr and a non-zero exit
(click.ClickException), never a traceback; an import with invalid entries
prints one line per problem first.
"""

from __future__ import annotations

import functools
import getpass
import json
import os
import sys
import tempfile
from datetime import date, datetime, timezone
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url

from . import exports
from .domains import normalize_domain
from .entries import STATUSES, EntryError, ListError, validate_entry
from .importer import diff
from .listfile import count_entries, parse_list_file, validate_document
from .matching import WarningIndex
from .storage import StorageError

# Imports at least this large get a progress bar (on stderr).
PROGRESS_THRESHOLD = 1000
# Domains printed per import category unless --verbose.
PREVIEW_LIMIT = 20
REPORT_STATUSES = ("open", "accepted", "rejected")


# --- plumbing -----------------------------------------------------------------------

def actor() -> str:
    """Who is making a CLI change: ``cli:<OS user>``."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no login name and no passwd entry (containers)
        user = f"uid{os.getuid()}" if hasattr(os, "getuid") else "unknown"
    return f"cli:{user}"


def today() -> date:
    return datetime.now(timezone.utc).date()


def due_for_review(entry: dict, on: date) -> bool:
    """True when the entry was last reviewed more than a year before ``on``."""
    reviewed = date.fromisoformat(entry["reviewed"])
    try:
        year_ago = on.replace(year=on.year - 1)
    except ValueError:  # 29 February
        year_ago = on.replace(year=on.year - 1, day=28)
    return reviewed < year_ago


def _database_file(url: str) -> Path | None:
    """The file behind a SQLite URL (None for other databases and :memory:)."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def get_storage():
    """The app's storage, checked to be initialised (else: run `caveat init`)."""
    storage = current_app.extensions["caveat.storage"]
    database = _database_file(storage.url)
    if database is not None and not database.exists():
        # Checked before connecting: SQLite would create an empty file.
        raise click.ClickException(f"no database at {database}; run `caveat init` first")
    try:
        ready = storage.is_initialized()
    except sa_exc.SQLAlchemyError as exc:  # unreachable server, bad credentials, not a database
        raise click.ClickException(f"cannot open the database: {_one_line(getattr(exc, 'orig', None) or exc)}") from None
    if not ready:
        raise click.ClickException("the database is not initialised; run `caveat init` first")
    return storage


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:300] + ("..." if len(text) > 300 else "")


def clean_errors(command):
    """Turn the errors a maintainer can cause into one line (no tracebacks)."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except EntryError as exc:
            raise click.ClickException("invalid entry: " + "; ".join(exc.errors)) from None
        except StorageError as exc:  # refused on purpose: the message says why
            raise click.ClickException(_one_line(exc)) from None
        except sa_exc.SQLAlchemyError as exc:
            raise click.ClickException(f"database error: {_one_line(getattr(exc, 'orig', None) or exc)}") from None
        except (OSError, ValueError, LookupError) as exc:
            raise click.ClickException(_one_line(exc)) from None
        except Exception as exc:  # anything else: still one line, never a traceback
            raise click.ClickException(f"{type(exc).__name__}: {_one_line(exc)}") from None

    return wrapper


def echo_err(message: str) -> None:
    click.echo(message, err=True)


def _print_json(value) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


def _entry_or_fail(storage, domain: str) -> dict:
    canonical = normalize_domain(domain)
    entry = storage.get_entry(canonical)
    if entry is None:
        raise click.ClickException(f"{canonical} is not listed")
    return entry


# --- warnings ---------------------------------------------------------------------------

@click.group("warnings", cls=AppGroup)
def warnings_group():
    """List, show, add, edit, remove, import and export warning entries."""


@warnings_group.command("list")
@click.option("--status", type=click.Choice(STATUSES), help="Only entries with this status.")
@click.option("--due-for-review", "due_only", is_flag=True, help="Only entries not reviewed for more than a year.")
@click.option("--json", "as_json", is_flag=True, help="Print the entries as JSON.")
@clean_errors
def warnings_list(status, due_only, as_json):
    """List entries: domain, status, last review and name."""
    storage = get_storage()
    on = today()
    entries = [
        e for e in storage.all_entries()
        if (status is None or e["status"] == status) and (not due_only or due_for_review(e, on))
    ]
    if as_json:
        _print_json(entries)
        return
    if not entries:
        click.echo("No entries match." if (status or due_only) else "The list is empty.")
        return
    width = max(len(e["domain"]) for e in entries)
    for e in entries:
        flag = "  (due for review)" if due_for_review(e, on) else ""
        click.echo(f"{e['domain']:<{width}}  {e['status']:<8}  reviewed {e['reviewed']}  {e['name']}{flag}")
    click.echo(f"{len(entries)} of {storage.count()} entries; list version {storage.version()}")


def _format_entry(entry: dict, on: date) -> list[str]:
    lines = [
        f"domain:             {entry['domain']}",
        f"name:               {entry['name']}",
        f"status:             {entry['status']}",
        f"include_subdomains: {'yes' if entry.get('include_subdomains', True) else 'no (this exact host only)'}",
        f"reviewed:           {entry['reviewed']}" + ("  (due for review)" if due_for_review(entry, on) else ""),
        f"summary:            {entry['summary']}",
    ]
    if entry.get("details"):
        lines.append("details:")
        lines += [f"  {line}" for line in entry["details"].splitlines()]
    lines.append("sources:")
    lines += [f"  - {s['title']}\n    {s['url']}" for s in entry["sources"]]
    if entry.get("related"):
        lines.append(f"related:            {', '.join(entry['related'])}")
    for field in ("created", "updated"):
        if entry.get(field):
            lines.append(f"{field + ':':<20}{entry[field]}")
    return lines


@warnings_group.command("show")
@click.argument("domain")
@click.option("--json", "as_json", is_flag=True, help="Print the entry as JSON.")
@clean_errors
def warnings_show(domain, as_json):
    """Show one entry with all its fields."""
    entry = _entry_or_fail(get_storage(), domain)
    if as_json:
        _print_json(entry)
    else:
        click.echo("\n".join(_format_entry(entry, today())))


def parse_source(text: str) -> dict:
    """``"TITLE|URL"`` -> ``{"title", "url"}`` (the URL is after the last ``|``)."""
    title, bar, url = text.rpartition("|")
    if not bar or not title.strip() or not url.strip():
        raise click.BadParameter(f"{text!r}: write it as \"TITLE|URL\"", param_hint="--source")
    return {"title": title.strip(), "url": url.strip()}


def parse_reviewed(text: str | None) -> str | None:
    if text is None:
        return None
    if text.strip().lower() == "today":
        return today().isoformat()
    return text.strip()


def entry_options(command):
    """The entry fields as options, shared by ``add`` and ``edit``."""
    options = [
        click.option("--name", help="The store's name as shoppers know it."),
        click.option("--status", type=click.Choice(STATUSES), help="disputed, unlawful or defunct."),
        click.option("--summary", help="One or two plain sentences for the banner."),
        click.option("--details", help="Longer plain text (optional)."),
        click.option("--source", "sources", multiple=True, metavar='"TITLE|URL"',
                     help="A public source (repeat for more); on edit, replaces all sources."),
        click.option("--related", multiple=True, metavar="DOMAIN",
                     help="A mirror, successor or same-operator domain (repeat for more); on edit, replaces them."),
        click.option("--include-subdomains/--exact-only", "include_subdomains", default=None,
                     help="Whether shop.DOMAIN also matches (default: it does)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _fields_from_options(name, status, summary, details, sources, related, include_subdomains) -> dict:
    fields = {}
    for key, value in (("name", name), ("status", status), ("summary", summary), ("details", details)):
        if value is not None:
            fields[key] = value
    if sources:
        fields["sources"] = [parse_source(text) for text in sources]
    if related:
        fields["related"] = list(related)
    if include_subdomains is not None:
        fields["include_subdomains"] = include_subdomains
    return fields


@warnings_group.command("add")
@click.option("--domain", required=True, help="The store's domain (a hostname; IDNs are converted).")
@entry_options
@click.option("--reviewed", default="today", show_default=True, metavar="YYYY-MM-DD|today",
              help="When you checked the sources.")
@clean_errors
def warnings_add(domain, reviewed, **options):
    """Add an entry; every field is validated like the API does."""
    storage = get_storage()
    # No --source at all reads as an empty list: "at least one source is required".
    data = {"domain": domain, "sources": [], **_fields_from_options(**options),
            "reviewed": parse_reviewed(reviewed)}
    entry = validate_entry(data)
    if storage.get_entry(entry["domain"]) is not None:
        raise click.ClickException(
            f"{entry['domain']} is already listed; change it with `caveat warnings edit {entry['domain']}`"
        )
    version = storage.upsert_entry(entry, actor())
    click.echo(f"Added {entry['domain']} ({entry['status']}). List version {version}.")


@warnings_group.command("edit")
@click.argument("domain")
@entry_options
@click.option("--clear-related", is_flag=True, help="Remove all related domains.")
@click.option("--reviewed", metavar="YYYY-MM-DD|today", help="When you checked the sources.")
@clean_errors
def warnings_edit(domain, clear_related, reviewed, **options):
    """Change some fields of an entry; the others are kept."""
    storage = get_storage()
    current = _entry_or_fail(storage, domain)
    changes = _fields_from_options(**options)
    if clear_related:
        if options["related"]:
            raise click.UsageError("give either --related or --clear-related, not both")
        changes["related"] = []
    if reviewed is not None:
        changes["reviewed"] = parse_reviewed(reviewed)
    if not changes:
        raise click.UsageError("nothing to change: give at least one field option (see --help)")
    merged = {k: v for k, v in current.items() if k not in ("created", "updated")}
    merged.update(changes)
    entry = validate_entry(merged)
    changed = [k for k in entry if entry[k] != current.get(k)]
    if not changed:
        click.echo(f"No change to {entry['domain']}; list version stays {storage.version()}.")
        return
    version = storage.upsert_entry(entry, actor())
    click.echo(f"Updated {entry['domain']}: {', '.join(changed)}. List version {version}.")


@warnings_group.command("remove")
@click.argument("domain")
@clean_errors
def warnings_remove(domain):
    """Remove (retire) an entry; the change log keeps its history."""
    storage = get_storage()
    entry = _entry_or_fail(storage, domain)
    version = storage.delete_entry(entry["domain"], actor())
    if version is None:  # removed by someone else in the meantime
        raise click.ClickException(f"{entry['domain']} is not listed")
    click.echo(f"Removed {entry['domain']}. List version {version}.")


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
        raw = parse_list_file(file)
        return _validate_with_progress(raw, file)
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
    plan = diff(storage.all_entries(), doc["entries"], prune)
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
    version = storage.apply_changes(plan.upserts, plan.removed, actor())
    click.echo(f"Imported. List version {version}.")


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


# --- tokens ------------------------------------------------------------------------------

@click.group("token", cls=AppGroup)
def token_group():
    """Maintainer API tokens (for PUT/DELETE /api/v1/warnings and GET /api/v1/reports)."""


@token_group.command("create")
@click.argument("name")
@clean_errors
def token_create(name):
    """Create a token; it is printed once and cannot be shown again."""
    plaintext = get_storage().create_token(name)
    click.echo(plaintext)
    echo_err(f"Token {name!r} created. Store it now: it will not be shown again.")


@token_group.command("list")
@clean_errors
def token_list():
    """List tokens by name (the secrets themselves are never stored)."""
    tokens = get_storage().list_tokens()
    if not tokens:
        click.echo("No tokens.")
        return
    for token in tokens:
        click.echo("  ".join(f"{k}={v}" for k, v in token.items() if v is not None))


@token_group.command("revoke")
@click.argument("name")
@clean_errors
def token_revoke(name):
    """Revoke a token by name; requests using it are refused from now on."""
    if not get_storage().revoke_token(name):
        raise click.ClickException(f"no token named {name!r}")
    click.echo(f"Token {name!r} revoked.")


# --- reports -------------------------------------------------------------------------------

@click.group("reports", cls=AppGroup)
def reports_group():
    """Shoppers' reports: suggested stores and reported mistakes."""


@reports_group.command("list")
@click.option("--status", type=click.Choice(REPORT_STATUSES), default="open", show_default=True)
@click.option("--all", "show_all", is_flag=True, help="Reports of every status.")
@clean_errors
def reports_list(status, show_all):
    """List reports, open ones by default."""
    reports = get_storage().list_reports(status=None if show_all else status)
    if not reports:
        click.echo("No reports." if show_all else f"No {status} reports.")
        return
    for r in reports:
        click.echo(f"#{r['id']}  {r['created']}  {r['kind']:<7}  {r['domain']}  [{r['status']}]")
        if r.get("comment"):
            click.echo(f"      {' '.join(r['comment'].split())}")
        if r.get("decided_by"):
            reason = f": {r['reason']}" if r.get("reason") else ""
            click.echo(f"      {r['status']} by {r['decided_by']} at {r['decided_at']}{reason}")


def covering_entry(storage, host: str) -> dict | None:
    """The entry that covers ``host`` (itself or a parent with include_subdomains)."""
    labels = host.split(".")
    candidates = (storage.get_entry(".".join(labels[i:])) for i in range(len(labels) - 1))
    return WarningIndex(e for e in candidates if e is not None).match(host)


def _next_step(storage, report: dict) -> str:
    host = report["domain"]
    entry = covering_entry(storage, host)
    if report["kind"] == "mistake":
        if entry is None:
            return f"{host} is not listed (any more); nothing more to do."
        domain = entry["domain"]
        hint = "" if domain == host else f" ({host} is covered by the entry for {domain}; --exact-only limits it to {domain})"
        return (f"Next: correct the entry with `caveat warnings edit {domain} ...` "
                f"or retire it with `caveat warnings remove {domain}`{hint}.")
    if entry is not None:
        return f"{host} is already covered by the entry for {entry['domain']}; see `caveat warnings show {entry['domain']}`."
    return (f"Next: once you have a public source, run `caveat warnings add --domain {host} "
            f"--name NAME --status disputed --summary TEXT --source \"TITLE|URL\"`.")


def _decide(report_id: int, decision: str, reason: str | None) -> None:
    storage = get_storage()
    report = storage.decide_report(report_id, decision, reason, actor())
    click.echo(f"Report #{report_id} ({report['kind']} for {report['domain']}) {decision}.")
    if decision == "accepted":
        click.echo(_next_step(storage, report))


@reports_group.command("accept")
@click.argument("report_id", metavar="ID", type=int)
@click.option("--reason", help="Why (recorded with the decision).")
@clean_errors
def reports_accept(report_id, reason):
    """Accept a report, then act on it (the command says what to run next)."""
    _decide(report_id, "accepted", reason)


@reports_group.command("reject")
@click.argument("report_id", metavar="ID", type=int)
@click.option("--reason", help="Why (recorded with the decision).")
@clean_errors
def reports_reject(report_id, reason):
    """Reject a report, with a reason for the record."""
    _decide(report_id, "rejected", reason)


# --- log ---------------------------------------------------------------------------------------

@click.command("log")
@click.argument("domain", required=False)
@click.option("--limit", type=click.IntRange(1, 100000), default=50, show_default=True)
@with_appcontext
@clean_errors
def log_command(domain, limit):
    """The change history: version, time, who, what (newest first)."""
    storage = get_storage()
    if domain is not None:
        domain = normalize_domain(domain)
    rows = storage.change_log(domain=domain, limit=limit)
    if not rows:
        click.echo(f"No changes recorded for {domain}." if domain else "No changes recorded.")
        return
    for row in rows:
        click.echo(f"v{row['version']}  {row['at']}  {row['actor']:<20}  {row['action']:<7}  {row['domain']}")


def register(cli: click.Group) -> None:
    """Add the maintainer commands to the ``caveat`` group."""
    for command in (warnings_group, token_group, reports_group, log_command):
        cli.add_command(command)
