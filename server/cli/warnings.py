"""``caveat warnings list|show|add|edit|remove``: entries one at a time.

The commands parse options, call server/maintenance.py and print; the
import, validate and export commands are in server/cli/listfiles.py.
"""

from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup

from .. import maintenance
from ..entries import STATUSES
from ..jurisdiction_edits import ItemEdits
from .common import actor, clean_errors, get_storage, print_json, today


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
    entries = maintenance.find_entries(storage, status=status, due_on=on if due_only else None)
    if as_json:
        print_json(entries)
        return
    if not entries:
        click.echo("No entries match." if (status or due_only) else "The list is empty.")
        return
    width = max(len(e["domain"]) for e in entries)
    for e in entries:
        flag = "  (due for review)" if maintenance.due_for_review(e, on) else ""
        click.echo(f"{e['domain']:<{width}}  {e['status']:<8}  reviewed {e['reviewed']}  {e['name']}{flag}")
    click.echo(f"{len(entries)} of {storage.count()} entries; list version {storage.version()}")


def _format_entry(entry: dict, on: date) -> list[str]:
    due = "  (due for review)" if maintenance.due_for_review(entry, on) else ""
    lines = [
        f"domain:             {entry['domain']}",
        f"name:               {entry['name']}",
        f"status:             {entry['status']}",
        f"include_subdomains: {'yes' if entry.get('include_subdomains', True) else 'no (this exact host only)'}",
        f"reviewed:           {entry['reviewed']}{due}",
        f"summary:            {entry['summary']}",
    ]
    if entry.get("details"):
        lines.append("details:")
        lines += [f"  {line}" for line in entry["details"].splitlines()]
    lines.append("sources:")
    lines += [f"  - {s['title']}\n    {s['url']}" for s in entry["sources"]]
    if entry.get("related"):
        lines.append(f"related:            {', '.join(entry['related'])}")
    if entry.get("jurisdictions"):
        lines.append("jurisdictions:")
        for item in entry["jurisdictions"]:
            since = f" ({item['since']})" if item.get("since") else ""
            lines.append(f"  {item['country']} {item['status']}{since}: {item['note']}")
            lines += [f"    - {s['title']}\n      {s['url']}" for s in item["sources"]]
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
    entry = maintenance.get(get_storage(), domain)
    if as_json:
        print_json(entry)
    else:
        click.echo("\n".join(_format_entry(entry, today())))


def parse_source(text: str) -> dict:
    """``"TITLE|URL"`` -> ``{"title", "url"}`` (the URL is after the last ``|``)."""
    title, bar, url = text.rpartition("|")
    if not bar or not title.strip() or not url.strip():
        raise click.BadParameter(f"{text!r}: write it as \"TITLE|URL\"", param_hint="--source")
    return {"title": title.strip(), "url": url.strip()}


def parse_jurisdiction(text: str) -> dict:
    """``"CC|STATUS|SINCE|NOTE"`` -> an item without sources (SINCE may be empty;
    the note is everything after the third ``|``; the code may be lower case)."""
    parts = text.split("|", 3)
    if len(parts) != 4 or not parts[0].strip() or not parts[1].strip():
        raise click.BadParameter(f"{text!r}: write it as \"CC|STATUS|SINCE|NOTE\" (SINCE may be empty:"
                                 f" \"DK|unlawful||Note\")", param_hint="--jurisdiction")
    country, status, since, note = (part.strip() for part in parts)
    return {"country": country.upper(), "status": status, "note": note, "since": since or None}


def parse_jurisdiction_source(text: str) -> tuple[str, dict]:
    """``"CC|TITLE|URL"`` -> ``(CC, {"title", "url"})`` (the title may hold ``|``)."""
    country, bar, source = text.partition("|")
    if not bar or not country.strip():
        raise click.BadParameter(f"{text!r}: write it as \"CC|TITLE|URL\"", param_hint="--jurisdiction-source")
    try:
        return country.strip().upper(), parse_source(source)
    except click.BadParameter:
        raise click.BadParameter(f"{text!r}: write it as \"CC|TITLE|URL\"", param_hint="--jurisdiction-source") from None


def item_edits(jurisdictions, jurisdiction_sources, removals=(), clear=False) -> ItemEdits:
    sources: dict[str, list[dict]] = {}
    for text in jurisdiction_sources:
        country, source = parse_jurisdiction_source(text)
        sources.setdefault(country, []).append(source)
    return ItemEdits(upserts=tuple(parse_jurisdiction(text) for text in jurisdictions), sources=sources,
                     removals=tuple(code.strip().upper() for code in removals), clear=clear)


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
        click.option("--jurisdiction", "jurisdictions", multiple=True, metavar='"CC|STATUS|SINCE|NOTE"',
                     help="What holds in one country (CC: ISO 3166-1 alpha-2 or EU; STATUS: unlawful, disputed"
                          " or lawful; SINCE: the decision's date or empty). Repeat for more; on edit, adds"
                          " the item or replaces that country's, keeping its sources unless given."),
        click.option("--jurisdiction-source", "jurisdiction_sources", multiple=True, metavar='"CC|TITLE|URL"',
                     help="A source for country CC's item (repeat for more); on edit, replaces that item's sources."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _fields_from_options(name, status, summary, details, sources, related, include_subdomains,
                         jurisdictions=(), jurisdiction_sources=()) -> dict:
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
    items = item_edits(options["jurisdictions"], options["jurisdiction_sources"])
    data = {"domain": domain, "sources": [], **_fields_from_options(**options),
            "reviewed": parse_reviewed(reviewed), "jurisdictions": items.apply_to([])}
    change = maintenance.add(storage, data, actor=actor())
    click.echo(f"Added {change.entry['domain']} ({change.entry['status']}). List version {change.version}.")


@warnings_group.command("edit")
@click.argument("domain")
@entry_options
@click.option("--clear-related", is_flag=True, help="Remove all related domains.")
@click.option("--remove-jurisdiction", "removals", multiple=True, metavar="CC",
              help="Remove country CC's item (repeat for more).")
@click.option("--clear-jurisdictions", is_flag=True, help="Remove every jurisdiction item.")
@click.option("--reviewed", metavar="YYYY-MM-DD|today", help="When you checked the sources.")
@clean_errors
def warnings_edit(domain, clear_related, removals, clear_jurisdictions, reviewed, **options):
    """Change some fields of an entry; the others are kept."""
    storage = get_storage()
    changes = _fields_from_options(**options)
    items = item_edits(options["jurisdictions"], options["jurisdiction_sources"], removals, clear_jurisdictions)
    if clear_related:
        if options["related"]:
            raise click.UsageError("give either --related or --clear-related, not both")
        changes["related"] = []
    if reviewed is not None:
        changes["reviewed"] = parse_reviewed(reviewed)
    if not changes and not items:
        raise click.UsageError("nothing to change: give at least one field option (see --help)")
    change = maintenance.edit(storage, domain, changes, actor=actor(), items=items)
    if not change.fields:
        click.echo(f"No change to {change.entry['domain']}; list version stays {change.version}.")
        return
    click.echo(f"Updated {change.entry['domain']}: {', '.join(change.fields)}. List version {change.version}.")


@warnings_group.command("remove")
@click.argument("domain")
@clean_errors
def warnings_remove(domain):
    """Remove (retire) an entry; the change log keeps its history."""
    change = maintenance.remove(get_storage(), domain, actor=actor())
    click.echo(f"Removed {change.removed[0]}. List version {change.version}.")
