"""Every change to the warning list, and the questions maintainers ask about it.

The API, the ``caveat`` commands and the web console call this module; none
of them changes entries any other way. Entries are validated here, once, at
the door (``validate_entry``); storage then takes them as they are. Each
change is one storage transaction that records the change log under
``actor`` (a token name or ``cli:<user>``), and returns a Change saying what
it did.

Errors: entries.EntryError (an invalid entry; ``.errors`` lists every
problem), domains.DomainError (an unlistable domain), NotListed,
AlreadyListed, and ValueError for contradictory batches.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Iterable

from .domains import normalize_domain
from .entries import validate_entry
from .importer import Plan, diff
from .jurisdiction_edits import ItemEdits
from .matching import WarningIndex
from .storage import AlreadyStored, Applied
from .timestamps import without_timestamps


@dataclass(frozen=True)
class Change:
    """What one operation did to the list.

    ``version`` is the list version afterwards (the same as before when
    nothing differed). ``entry`` is the entry as stored now, with
    created/updated (add, put, edit). ``fields`` names the fields an edit
    changed.
    """

    version: int
    created: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    entry: dict | None = None
    fields: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.created or self.changed or self.removed)


class MaintenanceError(Exception):
    """Base of the refusals of this module (besides invalid entries and domains)."""


class NotListed(MaintenanceError, LookupError):
    def __init__(self, domain: str):
        super().__init__(f"{domain} is not listed")
        self.domain = domain


class AlreadyListed(MaintenanceError):
    def __init__(self, domain: str):
        super().__init__(f"{domain} is already listed")
        self.domain = domain


# --- the door ---------------------------------------------------------------------

def canonical_entry(data, *, domain: str | None = None) -> dict:
    """The canonical entry for ``data``, without server-set times; raises EntryError.

    ``domain`` (e.g. from a URL) must agree with the entry's own domain field,
    which may then be left out.
    """
    return without_timestamps(validate_entry(data, domain=domain))


def _change(applied: Applied, entry_domain: str | None = None, fields: Iterable[str] = ()) -> Change:
    return Change(
        version=applied.version,
        created=tuple(applied.created),
        changed=tuple(applied.changed),
        removed=tuple(applied.removed),
        entry=applied.stored.get(entry_domain) if entry_domain else None,
        fields=tuple(fields),
    )


# --- changes ------------------------------------------------------------------------

def add(storage, data, *, actor: str) -> Change:
    """Add a new entry; AlreadyListed if its domain is listed (checked in the same transaction)."""
    entry = canonical_entry(data)
    try:
        applied = storage.apply([entry], [], actor, create_only=True)
    except AlreadyStored as exc:
        raise AlreadyListed(exc.domain) from None
    return _change(applied, entry["domain"])


def put(storage, data, *, actor: str, domain: str | None = None) -> Change:
    """Create or replace the entry (``PUT``): one transaction; ``created`` says which it was."""
    entry = canonical_entry(data, domain=domain)
    return _change(storage.apply([entry], [], actor), entry["domain"])


def edit(storage, domain: str, changes: dict, *, actor: str, items: ItemEdits | None = None) -> Change:
    """Replace some fields of a listed entry, keeping the others; ``items``
    adds, replaces or removes jurisdiction items by country (the others kept).

    Raises NotListed, or EntryError when the merged entry is invalid (the
    domain cannot change). Nothing is written when no field differs.
    """
    current = get(storage, domain)
    if items:
        changes = {**changes, "jurisdictions": items.apply_to(current.get("jurisdictions"))}
    entry = canonical_entry({**without_timestamps(current), **changes}, domain=current["domain"])
    fields = [key for key in entry if entry[key] != current.get(key)]
    if not fields:
        return Change(version=storage.version(), entry=current)
    return _change(storage.apply([entry], [], actor), entry["domain"], fields)


def remove(storage, domain: str, *, actor: str) -> Change:
    """Remove (retire) an entry; NotListed if it is not listed. The change log keeps its history."""
    canonical = normalize_domain(domain)
    change = _change(storage.apply([], [canonical], actor))
    if not change.removed:
        raise NotListed(canonical)
    return change


def apply(storage, upserts: Iterable[dict], removals: Iterable[str], *, actor: str) -> Change:
    """Create or replace many entries and remove domains, as one list change (all or nothing).

    Every entry is validated (EntryError names the first invalid one's
    problems; nothing is written). ValueError when a domain comes twice or
    is both upserted and removed.
    """
    entries = [canonical_entry(entry) for entry in upserts]
    return _change(storage.apply(entries, [normalize_domain(d) for d in removals], actor))


def plan_import(storage, document: dict, *, prune: bool) -> Plan:
    """What importing a list document would change (nothing is written).

    ``document`` is canonical: from listfile.read_list_file or
    listfile.validate_document, which validate every entry.
    """
    return diff(storage.all_entries(), document["entries"], prune)


def apply_import(storage, plan: Plan, *, actor: str) -> Change:
    """Write a planned import as one list change."""
    return _change(storage.apply(plan.upserts, plan.removed, actor))


# --- questions ------------------------------------------------------------------------

def get(storage, domain: str) -> dict:
    """The listed entry for ``domain`` (normalized first); NotListed otherwise."""
    canonical = normalize_domain(domain)
    entry = storage.get_entry(canonical)
    if entry is None:
        raise NotListed(canonical)
    return entry


def due_for_review(entry: dict, on: date) -> bool:
    """True when the entry was last reviewed more than a year before ``on``."""
    reviewed = date.fromisoformat(entry["reviewed"])
    try:
        year_ago = on.replace(year=on.year - 1)
    except ValueError:  # 29 February
        year_ago = on.replace(year=on.year - 1, day=28)
    return reviewed < year_ago


def find_entries(storage, *, status: str | None = None, due_on: date | None = None) -> list[dict]:
    """Entries by domain, only those of ``status`` and (with ``due_on``) due for review on that day."""
    return [
        entry for entry in storage.all_entries()
        if (status is None or entry["status"] == status) and (due_on is None or due_for_review(entry, due_on))
    ]


def covering_entry(storage, host: str) -> dict | None:
    """The entry that covers ``host`` (itself or a parent with include_subdomains)."""
    labels = host.split(".")
    candidates = (storage.get_entry(".".join(labels[i:])) for i in range(len(labels) - 1))
    return WarningIndex(e for e in candidates if e is not None).match(host)


# --- roles and review (the web console and the maintainer API) ------------------------
#
# Roles: an editor changes entries; a reviewer also approves or rejects
# others' proposals and decides reports; an admin also manages accounts,
# tokens and imports. With review required (CAVEAT_REVIEW=required) a change
# from the console or the API waits as a proposal until a different reviewer
# or admin approves it; nobody approves their own. Proposals keep their
# entry's fingerprint: approving one whose entry has changed since (another
# proposal approved first, a CLI edit) is refused as stale, so a second
# proposal for an entry is shown against the first and never applied blind.

REVIEWER_ROLES = ("reviewer", "admin")


class Forbidden(MaintenanceError):
    """The role does not allow this."""


class SelfApproval(Forbidden):
    def __init__(self):
        super().__init__("nobody approves their own proposal: another reviewer must")


class ProposalClosed(MaintenanceError):
    def __init__(self, proposal_id: int, status: str):
        super().__init__(f"proposal {proposal_id} is already {status}")


class StaleProposal(MaintenanceError):
    def __init__(self, domain: str):
        super().__init__(f"{domain} has changed since this proposal was made; "
                         "reject it, or propose the change again against the current entry")


def fingerprint(entry: dict | None) -> str:
    """What an entry is now (its canonical content), for stale-proposal checks; "" when not listed."""
    if entry is None:
        return ""
    text = json.dumps(without_timestamps(entry), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def can_review(role: str) -> bool:
    return role in REVIEWER_ROLES


def require_role(role: str, allowed: Iterable[str]) -> None:
    if role not in tuple(allowed):
        raise Forbidden(f"the {role} role cannot do this")


def propose_put(storage, data, *, actor: str, domain: str | None = None, reason: str = "") -> dict:
    """Propose creating or replacing an entry (validated now, at the door); nothing is published."""
    entry = canonical_entry(data, domain=domain)
    current = storage.get_entry(entry["domain"])
    proposal = storage.add_proposal(entry["domain"], "upsert", entry, fingerprint(current), actor, reason)
    storage.audit(actor, "proposal.add", entry["domain"], f"proposal {proposal['id']}: upsert")
    return proposal


def propose_edit(storage, domain: str, changes: dict, *, actor: str, reason: str = "") -> dict:
    """Propose changing some fields of a listed entry (NotListed, EntryError)."""
    current = get(storage, domain)
    return propose_put(storage, {**without_timestamps(current), **changes}, domain=current["domain"],
                       actor=actor, reason=reason)


def propose_remove(storage, domain: str, *, actor: str, reason: str = "") -> dict:
    current = get(storage, domain)
    proposal = storage.add_proposal(current["domain"], "delete", None, fingerprint(current), actor, reason)
    storage.audit(actor, "proposal.add", current["domain"], f"proposal {proposal['id']}: remove. {reason}".strip())
    return proposal


def rival_proposals(storage, proposal: dict) -> list[dict]:
    """The other waiting proposals for the same entry (shown against this one)."""
    return [p for p in storage.list_proposals("waiting", proposal["domain"]) if p["id"] != proposal["id"]]


def is_stale(storage, proposal: dict) -> bool:
    return fingerprint(storage.get_entry(proposal["domain"])) != proposal["base"]


def approve(storage, proposal_id: int, *, actor: str, role: str, reason: str = "") -> Change:
    """Publish a waiting proposal: Forbidden (role), SelfApproval, ProposalClosed, StaleProposal."""
    proposal = storage.get_proposal(proposal_id)
    require_role(role, REVIEWER_ROLES)
    if proposal["proposer"] == actor:
        raise SelfApproval()
    if proposal["status"] != "waiting":
        raise ProposalClosed(proposal_id, proposal["status"])
    if is_stale(storage, proposal):
        raise StaleProposal(proposal["domain"])
    if not storage.decide_proposal(proposal_id, "approved", actor, reason):
        raise ProposalClosed(proposal_id, storage.get_proposal(proposal_id)["status"])
    by = f"{proposal['proposer']}; approved by {actor}"
    try:
        if proposal["action"] == "delete":
            change = _change(storage.apply([], [proposal["domain"]], by))
        else:
            change = _change(storage.apply([proposal["entry"]], [], by), proposal["domain"])
    except BaseException:
        storage.decide_proposal(proposal_id, "waiting", None, None, from_status="approved")
        raise
    storage.audit(actor, "proposal.approve", proposal["domain"], f"proposal {proposal_id}, version {change.version}")
    return change


def reject(storage, proposal_id: int, *, actor: str, role: str, reason: str) -> dict:
    """Reject a waiting proposal, keeping the reason (required). A proposer may withdraw their own."""
    proposal = storage.get_proposal(proposal_id)
    if proposal["proposer"] != actor:
        require_role(role, REVIEWER_ROLES)
    if not (reason or "").strip():
        raise MaintenanceError("a rejection needs a reason")
    if not storage.decide_proposal(proposal_id, "rejected", actor, reason.strip()):
        raise ProposalClosed(proposal_id, storage.get_proposal(proposal_id)["status"])
    storage.audit(actor, "proposal.reject", proposal["domain"], f"proposal {proposal_id}: {reason.strip()}")
    return storage.get_proposal(proposal_id)


def retire(storage, domain: str, *, actor: str, reason: str) -> Change:
    """Remove an entry at once, recording the reason in the audit log."""
    change = remove(storage, domain, actor=actor)
    storage.audit(actor, "entry.remove", change.removed[0], reason or "")
    return change
