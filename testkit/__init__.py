"""What the tests and the benchmarks share: one free-port picker
(``ports``), one warning-entry factory (``entries``), one threaded local web
server standing in for every website (``sites``, on ``serving``), the
extension built as a release builds it (``extension``), and Chromium's
command line for loading it (``chromium``).

Importable from the repository root: pytest puts the root on ``sys.path``
(``pythonpath`` in pyproject.toml) and ``python -m bench.x`` runs from it.
"""
