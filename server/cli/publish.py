"""``caveat publish DIR``: the public read API as static files for nginx, a CDN or object storage.

server/publish.py does the work; this parses, shows progress and prints.
"""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from .. import publish
from .common import clean_errors, echo_err, get_storage

PROGRESS_FROM = 50  # show a progress bar from this many changes files on


@click.command("publish")
@click.argument("folder", type=click.Path(file_okay=False, writable=True))
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@with_appcontext
@clean_errors
def publish_command(folder, quiet):
    """Write the read API to FOLDER as static files and replace FOLDER in one step.

    FOLDER/api/v1/list (and list.gz for gzip_static), list.sig when the
    server has a signing key, and changes/<V> for every retained version V.
    FOLDER must be new, empty, or written by an earlier `caveat publish`; it
    may be a symbolic link, which is then pointed at the new release. Serve it
    with the nginx configuration in docs/self-hosting.md.
    """
    storage = get_storage()
    signer = current_app.extensions["caveat.signer"]
    bar = None

    def progress(done, total):
        nonlocal bar
        if quiet or total < PROGRESS_FROM:
            return
        if bar is None or done <= bar.pos:  # the first file, or a release started again
            if bar is not None:
                bar.render_finish()
            bar = click.progressbar(length=total, label="changes files", file=sys.stderr)
        bar.update(done - bar.pos)
        if done == total:
            bar.render_finish()

    try:
        release = publish.publish(folder, storage, signer, progress=progress)
    except publish.PublishError as exc:
        raise click.ClickException(str(exc)) from None
    if quiet:
        return
    changes = release.changes
    click.echo(f"Published list version {release.version} ({release.entries} entries, "
               f"{'signed' if release.signed else 'UNSIGNED'}) to {folder}; "
               f"changes files for versions {changes[0]}-{changes[-1]}.")
    if not release.signed:
        echo_err("warning: no signing key (caveat keys create): extensions built with --public-key "
                 "will refuse this list")
