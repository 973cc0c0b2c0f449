"""Changes to an entry's ``jurisdictions`` by country, as maintainers make them.

Pure: ``ItemEdits`` says which items to add or replace, whose sources to
replace and which countries to remove; ``apply_to`` gives the new item list.
maintenance.edit merges it into the stored entry (so the CLI and the console
change items the same way); validation (entries.py) then checks the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .entries import EntryError


@dataclass(frozen=True)
class ItemEdits:
    """``upserts``: items to add or replace, by country, in order; an item
    without ``sources`` keeps the sources of the item it replaces.
    ``sources``: country -> the sources that replace that item's.
    ``removals``: countries whose items go. ``clear``: remove every item first."""

    upserts: tuple[dict, ...] = ()
    sources: dict[str, list[dict]] = field(default_factory=dict)
    removals: tuple[str, ...] = ()
    clear: bool = False

    def __bool__(self) -> bool:
        return bool(self.upserts or self.sources or self.removals or self.clear)

    def apply_to(self, items: list[dict] | None) -> list[dict]:
        """The items after these edits; EntryError naming every country an edit cannot find."""
        errors: list[str] = []
        current = {} if self.clear else {item["country"]: dict(item) for item in items or []}
        for country in self.removals:
            if current.pop(country, None) is None:
                errors.append(f"jurisdictions: there is no item for {country} to remove")
        upserted = set()
        for item in self.upserts:
            country = item.get("country")
            if country in upserted:
                errors.append(f"jurisdictions: {country} is given twice")
                continue
            upserted.add(country)
            replaced = current.get(country, {})
            new = {key: value for key, value in item.items() if value is not None}
            if "sources" not in new and "sources" in replaced:
                new["sources"] = replaced["sources"]
            current[country] = new
        for country, sources in self.sources.items():
            if country not in current:
                errors.append(f"jurisdictions: there is no item for {country} to give sources to;"
                              f" add one with --jurisdiction")
                continue
            current[country] = {**current[country], "sources": list(sources)}
        if errors:
            raise EntryError(errors)
        return list(current.values())
