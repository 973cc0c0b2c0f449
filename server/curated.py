"""The curated warning list that ships with Caveat (server/data/warnings.yaml).

YAML so maintainers can keep comments next to entries. Shape::

    entries:
      - domain: allofmp3.com
        name: AllOfMP3
        status: disputed
        summary: ...
        sources: [{title: ..., url: https://...}]
        reviewed: 2026-11-28

Read by server/listfile.py, the one list-file reader; this module keeps the
names other code imports.
"""

from __future__ import annotations

from .listfile import CURATED_PATH, read_list_file

__all__ = ["CURATED_PATH", "load_curated"]


def load_curated(path=None) -> dict:
    """Read and validate the curated YAML list (default: the bundled one).

    Raises listfile.ListFileError (a ListError) naming every problem.
    """
    return read_list_file(path)
