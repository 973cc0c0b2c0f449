"""Reproducible archives, and writing the outputs atomically.

The same files always give the same bytes: sorted names, one fixed time,
mode, creating system and compression level (reproducible-builds.org).
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import time
import zipfile
from pathlib import Path

from .errors import BuildError

ZIP_EPOCH_FLOOR = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can store
ZIP_FILE_MODE = 0o100644  # regular file, rw-r--r--
ZIP_COMPRESS_LEVEL = 9
ZIP_CREATE_SYSTEM_UNIX = 3


def source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH (seconds), when set: the one clock a reproducible build may read."""
    text = os.environ.get("SOURCE_DATE_EPOCH")
    if not text:
        return None
    try:
        value = int(text)
        time.gmtime(value)
    except (ValueError, OverflowError, OSError):
        raise BuildError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, got {text!r}") from None
    return value


def archive_timestamp() -> tuple[int, int, int, int, int, int]:
    """SOURCE_DATE_EPOCH when set, else 1980-01-01."""
    epoch = source_date_epoch()
    if epoch is None:
        return ZIP_EPOCH_FLOOR
    return max(time.gmtime(epoch)[:6], ZIP_EPOCH_FLOOR)


def archive_bytes(files: dict[str, bytes], timestamp=ZIP_EPOCH_FLOOR) -> bytes:
    """A deterministic zip: sorted names, fixed time, mode, system and compression."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=timestamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = ZIP_FILE_MODE << 16
            info.create_system = ZIP_CREATE_SYSTEM_UNIX
            archive.writestr(info, files[name], compress_type=zipfile.ZIP_DEFLATED,
                             compresslevel=ZIP_COMPRESS_LEVEL)
    return buffer.getvalue()


def write_folder(target: Path, files: dict[str, bytes]) -> None:
    """Replace `target` with exactly `files` (no stale files from older builds)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        for name in sorted(files):
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(files[name])
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def write_file_atomically(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(content)
    os.replace(tmp, path)
