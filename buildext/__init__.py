"""build.py's modules: package the Caveat extension for Chrome and Firefox.

The data path runs one way, and only the last step writes:

    source.py     read extension/ into memory (SourceTree) and the project version
    manifests.py  check the one source manifest and the files it names; make each browser's manifest
    locales.py    check _locales/ (every locale has the same keys) and the manifest's __MSG_ names
    snapshot.py   read and validate the list to bundle (server/listfile.py, the one list reader)
    server_url.py the list server URL rule (shared with extension/lib/hosts.js)
    public_keys.py the --public-key rule (ed25519:<base64>), read by extension/lib/signature.js
    archive.py    reproducible zip bytes; write folders and files atomically
    plan.py       everything above, as one Plan; then write it
    cli.py        the command line (`python build.py ...`)

Generic manifest linting is left to `web-ext lint` and addons-linter, which
tests/test_build_lint.py runs on the built packages.
"""
