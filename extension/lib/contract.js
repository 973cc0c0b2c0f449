// Generated from server/contract.json by `python -m server.contract --write`: do not edit.
// The entry contract: field order, status values and limits (lengths in
// Unicode code points, not UTF-16 units).
function deepFreeze(value) {
  if (value && typeof value === "object") Object.values(value).forEach(deepFreeze);
  return Object.freeze(value);
}

export const CONTRACT = deepFreeze({
  "list": {
    "format": 1,
    "fields": [
      "format",
      "version",
      "generated",
      "entries"
    ]
  },
  "entry": {
    "fields": [
      "domain",
      "name",
      "status",
      "summary",
      "details",
      "sources",
      "related",
      "include_subdomains",
      "reviewed",
      "created",
      "updated"
    ],
    "required": [
      "domain",
      "name",
      "status",
      "summary",
      "sources",
      "reviewed"
    ],
    "defaults": {
      "details": "",
      "related": [],
      "include_subdomains": true
    },
    "statuses": [
      "disputed",
      "unlawful",
      "defunct"
    ],
    "source_fields": [
      "title",
      "url"
    ]
  },
  "limits": {
    "domain": 253,
    "domain_label": 63,
    "name": 200,
    "summary": 500,
    "details": 5000,
    "sources": 20,
    "source_title": 300,
    "source_url": 2000,
    "related": 100,
    "report_comment": 1000
  }
});

export const LIST_FORMAT = CONTRACT.list.format;
export const LIST_FIELDS = CONTRACT.list.fields;
export const ENTRY_FIELDS = CONTRACT.entry.fields;
export const SOURCE_FIELDS = CONTRACT.entry.source_fields;
export const STATUSES = CONTRACT.entry.statuses;
// LIMITS.report_comment is the longest report comment (the server's REPORT_COMMENT_MAX default).
export const LIMITS = CONTRACT.limits;
