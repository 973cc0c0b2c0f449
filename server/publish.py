"""The public read API as files: what ``GET /api/v1/list``, ``list.sig`` and
``changes/<V>`` answer, as ``caveat serve`` and ``caveat publish`` both give it.

The list's bytes come from server/canonical.py only (PublishedList.build);
deltas and signature objects are written by ``json_bytes`` here, so a served
answer and a published file are the same bytes.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .contract import LIST_FORMAT
from .published import PublishedList
from .storage import ChangesTooOld  # noqa: F401  (callers catch it from here too)


class VersionMoved(Exception):
    """The list changed between reading the published version and reading a delta: read again."""


def json_bytes(value) -> bytes:
    """A delta or a signature object as served: compact UTF-8 JSON, keys in the order given."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def signed_delta(storage, published, signature: dict | None, since: int) -> dict:
    """The delta from ``since`` to ``published`` (a PublishedList), with its ``generated``
    time and, when given, its ``signature`` object.

    With both, a client that applies the delta to its list at ``since`` gets
    the canonical bytes of ``published`` and can check the signature over them.
    ChangesTooOld when ``since`` is outside the retained log; VersionMoved when
    the stored list is no longer at ``published.version`` (a delta always leads
    to the stored version, so it must carry that version's signature).
    """
    delta = storage.changes_since(since)
    if delta["version"] != published.version:
        raise VersionMoved(f"the list moved from version {published.version} to {delta['version']}")
    return delta_document(published, signature, since, delta["upserted"], delta["removed"])


def delta_document(published, signature, since, upserted, removed) -> dict:
    """A delta as served: the storage's delta, with the ``generated`` time and signature of where it leads."""
    delta = {"format": LIST_FORMAT, "from": since, "version": published.version,
             "generated": published.generated, "upserted": upserted, "removed": removed}
    if signature is not None:
        delta["signature"] = signature
    return delta


def stored_list(storage, signer) -> PublishedList:
    """The list as the database holds it now (not the cache's), signed by ``signer`` if any."""
    return PublishedList.build(*storage.snapshot(), signer=signer)


# --- caveat publish: the read API as a folder of files ----------------------------

MARKER = ".caveat-publish"  # in every folder publish writes; only such a folder (or an empty one) is replaced
GONE_PATH = "errors/changes_gone.json"  # the body of a mirror's 410 (docs/self-hosting.md's nginx configuration)
_GONE = {"error": {"code": "changes_gone",
                   "message": "changes since that version are not kept on this mirror; fetch the full list"}}


class PublishError(Exception):
    """A folder publish must not replace, or a list that would not hold still; the message says which."""


@dataclass(frozen=True)
class Release:
    version: int
    entries: int
    signed: bool
    changes: list[int]  # the versions V with a changes/V file, ascending


def _oldest_retained(storage) -> int:
    """The oldest version ``changes_since`` answers (the log floor), from its own refusal."""
    try:
        storage.changes_since(-1)
    except ChangesTooOld as exc:
        return exc.oldest
    return 0


def _write(path: Path, data: bytes, mtime: int) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
    os.utime(path, (mtime, mtime))


def _all_deltas(storage, published, entries: list[dict], oldest: int):
    """(since, delta) for every ``since`` from ``published.version`` down to ``oldest``.

    What ``storage.changes_since`` answers for each (tests/test_publish.py
    compares every file with the server's answer), from one read of the change
    log and the entries already in hand rather than one query per version.
    VersionMoved when the log has a change after ``published.version``.
    """
    rows = storage.change_log(limit=2**62)  # newest first
    if rows and rows[0]["version"] > published.version:
        raise VersionMoved(f"the list moved past version {published.version} while the release was written")
    current = {entry["domain"]: entry for entry in entries}
    touched: set[str] = set()
    position = 0
    for since in range(published.version, oldest - 1, -1):
        while position < len(rows) and rows[position]["version"] > since:
            touched.add(rows[position]["domain"])
            position += 1
        domains = sorted(touched)
        yield since, delta_document(published, published.signature, since,
                                     [current[d] for d in domains if d in current],
                                     [d for d in domains if d not in current])


def write_release(folder: Path, storage, signer, *, mtime: int, progress=None) -> Release:
    """Write the read API into ``folder`` (new and empty): ``api/v1/list``, ``list.gz``,
    ``list.sig`` (when ``signer``), ``changes/<V>`` for every retained ``V``.

    Every file gets the modification time ``mtime`` (nginx's ETag is made of it
    and the size). VersionMoved when the list changes meanwhile: the caller
    starts again. ``progress(done, total)`` is called as changes files are written.
    """
    version, generated, entries = storage.snapshot()
    published = PublishedList.build(version, generated, entries, signer=signer)
    api = folder / "api" / "v1"
    (api / "changes").mkdir(parents=True)
    (folder / "errors").mkdir()
    _write(api / "list", published.body, mtime)
    _write(api / "list.gz", published.gzip_body, mtime)  # gzip with mtime 0: the same bytes for the same list
    if published.signature is not None:
        _write(api / "list.sig", json_bytes(published.signature), mtime)
    _write(folder / GONE_PATH, json_bytes(_GONE), mtime)
    oldest = _oldest_retained(storage)
    versions = list(range(oldest, published.version + 1))
    for done, (since, delta) in enumerate(_all_deltas(storage, published, entries, oldest), 1):
        _write(api / "changes" / str(since), json_bytes(delta), mtime)
        if progress is not None:
            progress(done, len(versions))
    _write(folder / MARKER, json_bytes({"version": published.version, "published": mtime}) + b"\n", mtime)
    return Release(published.version, len(entries), published.signature is not None, versions)


# --- replacing the folder in one step ---------------------------------------------

_RENAME_EXCHANGE = 2  # linux/fs.h
_AT_FDCWD = -100


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    error = ctypes.get_errno()
    if error in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: this kernel or file system cannot
        return False
    raise OSError(error, os.strerror(error), str(second))


def _replaceable(target: Path) -> None:
    """Refuse to replace anything but nothing, an empty folder, or a folder publish wrote."""
    if not target.exists():
        return
    if not target.is_dir():
        raise PublishError(f"{target} exists and is not a folder")
    if (target / MARKER).is_file() or not any(target.iterdir()):
        return
    raise PublishError(f"{target} is a folder that caveat publish did not write; "
                       "give an empty or new folder (publish replaces the whole folder)")


def _swap(staging: Path, target: Path) -> Path | None:
    """Put ``staging`` at ``target``; the folder to delete afterwards (the old release), if any.

    - ``target`` a symbolic link: a new link to ``staging`` replaces it (rename(2), atomic);
    - ``target`` absent: ``staging`` is renamed to it (atomic);
    - ``target`` a folder: the two are exchanged in one step (renameat2 RENAME_EXCHANGE, Linux);
      elsewhere the old folder is renamed aside and ``staging`` renamed in, leaving
      ``target`` absent for the moment between the two renames.
    """
    if target.is_symlink():
        old = target.resolve()
        link = staging.with_name(staging.name + ".link")
        os.symlink(staging.name, link)
        os.replace(link, target)
        ours = old.parent == staging.parent and old.name.startswith(f".{target.name}.release-")
        return old if ours and (old / MARKER).is_file() else None
    if not target.exists():
        os.rename(staging, target)
        return None
    if _exchange(staging, target):
        return staging  # now holds the old release
    aside = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    os.rename(target, aside / "release")
    os.rename(staging, target)
    return aside


def _release_time(target: Path) -> int:
    """A whole second later than the release in place (nginx's ETag is mtime and size:
    two releases within one second must not share ETags)."""
    now = int(time.time())
    try:
        return max(now, int((target / "api" / "v1" / "list").stat().st_mtime) + 1)
    except OSError:
        return now


def publish(target, storage, signer, *, progress=None, attempts: int = 5) -> Release:
    """Write the read API to ``target`` as static files, replacing it in one step (see _swap).

    The release is written into a hidden sibling folder first, so a mirror
    never serves half of one. When the list changes while it is written, the
    release is started again (up to ``attempts`` times).
    """
    target = Path(os.path.abspath(target))
    if not target.is_symlink():
        _replaceable(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    for _attempt in range(attempts):
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.release-", dir=target.parent))
        try:
            release = write_release(staging, storage, signer, mtime=_release_time(target), progress=progress)
            _readable(staging)
            old = _swap(staging, target)
        except VersionMoved:
            shutil.rmtree(staging, ignore_errors=True)
            continue
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return release
    raise PublishError(f"the list changed during each of {attempts} attempts; publish again when it is quiet")


def _readable(folder: Path) -> None:
    """Folders 0755 and files 0644: a web server running as another user reads them (the data is public)."""
    for root, dirs, files in os.walk(folder):
        os.chmod(root, 0o755)
        for name in files:
            os.chmod(os.path.join(root, name), 0o644)
