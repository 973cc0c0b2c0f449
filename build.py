#!/usr/bin/env python3
"""Package the Caveat extension for Chrome (zip) and Firefox (xpi).

    python build.py [--browser chrome|firefox|all] [--server-url URL] [--list FILE] [--out DIR] [--check]

One source manifest (extension/manifest.json, Chrome-shaped) gives both
browsers' manifests; the list snapshot is read and validated by
server/listfile.py before it is packed; the same inputs always give
byte-identical archives. The work is done by the buildext/ package (its
__init__ lists the modules); see docs/build.md.
"""

import sys

from buildext.cli import main

if __name__ == "__main__":
    sys.exit(main())
