"""The console's one catalogue of user-visible strings, and ``_()`` to look them up.

Every text the console shows (templates, flash messages, form errors) is a key
here, written in English as gettext msgids are; each locale maps the keys to
its text, with ``%(name)s`` placeholders filled from the call's keyword
arguments. A key missing from the catalogue is a KeyError, so a string that
bypasses the catalogue fails the tests (tests/test_console_i18n.py). Another
language is one more dict in CATALOGUES (the extension's five will follow);
the locale is chosen from the request's Accept-Language among those present.
Strings written by other layers (validation errors from server/entries.py,
account and token errors) are shown as they come.
"""

from __future__ import annotations

from flask import g, has_request_context, request

DEFAULT = "en"

# msgid -> English text. Keep sorted by first use; tests fail on unused or missing keys.
EN = {key: key for key in (
    # base, navigation
    "Console", "Caveat", "Skip to content", "Dashboard", "Entries", "Add entry", "Proposals", "Reports",
    "Audit log", "Import", "Users", "Tokens", "Log out", "Pages",
    # error pages
    "Bad request", "Forbidden", "Not found", "Method not allowed", "Too large",
    "The form could not be accepted (its security token was missing or expired). Reload the page and try again.",
    "Your role does not allow this, or the request came from another site.",
    "There is nothing here.", "This address does not accept that method.", "The upload is too large.",
    "Back to the dashboard",
    # login
    "Log in", "Caveat maintainers’ console", "Name", "Password",
    "Wrong name or password, or the account is disabled.",
    "Too many login attempts. Wait a few minutes and try again.",
    # dashboard
    "List version", "Open reports", "Proposals waiting", "Due for review (not checked for 12 months)",
    # entries
    "Domain or text",
    "With a dot (shop.example): domains that start with it, and the entry that covers that host or address; "
    "otherwise names and text.",
    "Status", "any", "Search", "The entry that covers %(host)s:",
    "%(total)s entries; page %(page)s of %(pages)s.",
    "Matching entries %(first)s to %(last)s (more on the next page).", "Matching entries %(first)s to %(last)s.",
    "No entries match.", "Domain", "Reviewed", "Actions", "History", "Remove", "Previous", "Next",
    # entry form
    "Edit %(domain)s", "Add an entry",
    "Review is required: saving makes a proposal that another reviewer must approve before it is published.",
    "Proposals already waiting for this entry:", "Proposal %(id)s", "by %(name)s", "remove", "save",
    "The entry is not valid; see the fields marked below.", "Summary", "Details", "Sources",
    "One a line: title | https://address", "Related domains", "One domain a line.", "Include subdomains",
    "Sources last checked (YYYY-MM-DD)", "Jurisdictions",
    'JSON: a list of {"country", "status", "note", "sources", "since"}; empty for none.',
    "Note for the reviewer", "Propose", "Save", "Banner preview",
    "is not valid JSON (%(problem)s at line %(line)s)",
    "Proposal %(id)s for %(domain)s waits for another reviewer.", "Saved %(domain)s (list version %(version)s).",
    # remove
    "Remove %(domain)s", "Reason (kept in the audit log)", "Give a reason: it is kept in the audit log.",
    "Proposal %(id)s to remove %(domain)s waits for another reviewer.",
    "Removed %(domain)s (list version %(version)s).",
    # history, diffs, audit
    "History of %(domain)s", "Compare version", "with version", "Compare", "Version %(old)s → %(new)s",
    "Version %(number)s", "Changes", "Version", "When", "Who", "What", "removed", "saved", "Field",
    "No field differs.", "Target", "Detail", "Newer", "Older",
    # proposals
    "Proposal %(id)s: remove %(domain)s", "Proposal %(id)s: save %(domain)s", "By %(name)s on %(date)s.",
    "Status:", "Note:", "Reason given:",
    "The entry has changed since this proposal was made: it cannot be approved as it is. "
    "Reject it, or propose again against the current entry.",
    "Against the published entry", "Published now", "Proposed", "Other proposals waiting for %(domain)s",
    "by %(name)s, against this one", "This proposal", "Note (optional)", "Approve and publish",
    "You made this proposal: another reviewer must approve it.", "Reason for rejecting", "(or withdrawing)",
    "Reject", "Proposal status", "Change", "By", "Decision", "%(status)s by %(name)s", "No %(status)s proposals.",
    "Proposal %(id)s approved and published (list version %(version)s).", "Proposal %(id)s rejected.",
    # reports
    "Report status", "Report %(id)s: %(kind)s about %(domain)s",
    "Received %(date)s; %(status)s by %(name)s: %(reason)s", "Received %(date)s", "Entry:", "Not listed.",
    "Reason", "Accept", "No %(status)s reports.", "Choose accept or reject, and give a reason.",
    "Report %(id)s accepted.", "Report %(id)s rejected.",
    # import
    "Import a list file", "%(file)s cannot be imported:", "Nothing to import:", "Dry run of %(file)s",
    "%(added)s to add, %(changed)s to change, %(removed)s to remove, %(unchanged)s unchanged, "
    "%(kept)s kept (not in the file).",
    "%(added)s to add, %(changed)s to change, %(removed)s to remove, %(unchanged)s unchanged.",
    "Added", "Changed", "Removed", "Apply this import", "The file changes nothing.", "Upload",
    "List file (YAML or JSON)", "Remove entries that are not in the file", "Dry run",
    "That dry run has expired or was already applied; upload the file again.",
    "The list changed since the dry run; upload the file again to see the new differences.",
    "Imported: %(added)s added, %(changed)s changed, %(removed)s removed (list version %(version)s).",
    # users and tokens
    "API tokens", "Token %(name)s created. Copy it now: it will not be shown again.", "Role", "Created",
    "Revoked", "Action", "Revoke %(name)s", "Create a token", "Create token", "Token %(name)s revoked.",
    "State", "disabled", "active", "Enable %(name)s", "Disable %(name)s", "Role of %(name)s", "Set role",
    "Add a user", "Password (at least 10 characters)", "Add user", "User %(name)s: %(action)s done.",
)}

CATALOGUES: dict[str, dict[str, str]] = {"en": EN}


def locale() -> str:
    """The request's language among the catalogues (Accept-Language), else English."""
    if not has_request_context():
        return DEFAULT
    if "console_locale" not in g:
        g.console_locale = request.accept_languages.best_match(list(CATALOGUES), default=DEFAULT)
    return g.console_locale


def _(key: str, **values) -> str:
    """The catalogue's text for ``key`` in the request's locale, placeholders filled."""
    text = CATALOGUES[locale()][key]
    return text % values if values else text
