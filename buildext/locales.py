"""_locales/: every locale has the keys the default one has (and no others),
and every __MSG_name__ the manifest uses is defined."""

from __future__ import annotations

import re

from .errors import BuildError, parse_json
from .source import SourceTree

_MSG = re.compile(r"__MSG_([A-Za-z0-9_@]+)__")


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def load_locales(tree: SourceTree) -> dict[str, dict[str, str]]:
    """locale -> {lowercased message name: name as written}; browsers match names case-insensitively."""
    locales: dict[str, dict] = {}
    names = sorted({rel.split("/")[1] for rel in tree.files if rel.startswith("_locales/") and rel.count("/") >= 2})
    for name in names:
        rel = f"_locales/{name}/messages.json"
        label = f"{tree.label}/{rel}"
        if rel not in tree.files:
            raise BuildError(f"{label} is missing")
        messages = parse_json(tree.files[rel], label)
        if not isinstance(messages, dict):
            raise BuildError(f"{label} must hold a JSON object")
        for key, entry in messages.items():
            if not isinstance(entry, dict) or not isinstance(entry.get("message"), str):
                raise BuildError(f"{label}: message {key!r} has no \"message\" string")
        locales[name] = {key.lower(): key for key in messages}
    return locales


def check_locales(manifest: dict, locales: dict[str, dict], label: str) -> list[str]:
    default = manifest.get("default_locale")
    used = sorted({m.group(1) for s in _strings(manifest) for m in _MSG.finditer(s) if not m.group(1).startswith("@@")})
    if default is None:
        if locales:
            return [f"{label}/manifest.json: default_locale is required when _locales/ exists"]
        if used:
            return [f"{label}/manifest.json uses __MSG_{used[0]}__ but has no default_locale"]
        return []
    if not isinstance(default, str):
        return [f"{label}/manifest.json: default_locale must be a string such as \"en\""]
    if default not in locales:
        return [f"{label}/manifest.json: default_locale {default!r} has no {label}/_locales/{default}/messages.json"]
    reference = locales[default]
    errors = [f"{label}/manifest.json uses __MSG_{key}__, which _locales/{default}/messages.json does not define"
              for key in used if key.lower() not in reference]
    for name, messages in sorted(locales.items()):
        if name != default:
            errors += _key_differences(name, messages, default, reference)
    return errors


def _key_differences(name: str, messages: dict, default: str, reference: dict) -> list[str]:
    errors = []
    missing = [reference[key] for key in sorted(set(reference) - set(messages))]
    extra = [messages[key] for key in sorted(set(messages) - set(reference))]
    if missing:
        errors.append(f"locale {name} lacks {len(missing)} key(s) that {default} has: {', '.join(missing[:5])}")
    if extra:
        errors.append(f"locale {name} has {len(extra)} key(s) that the default locale {default} lacks: "
                      f"{', '.join(extra[:5])}")
    return errors
