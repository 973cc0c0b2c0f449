"""``caveat keys create|show``: the Ed25519 key that signs the published list (server/signing.py).

These commands do not build the app: they work before the database exists,
and ``keys create --force`` can replace a key file the server refuses to load.
The key file is CAVEAT_SIGNING_KEY_FILE, else ``signing-key.pem`` in the
instance folder.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app, has_app_context

from .. import signing
from ..settings import SettingsError, load_settings
from .common import echo_err


def key_file() -> Path:
    """Where the key file is: the running app's settings, else the environment's."""
    if has_app_context():
        config, instance = current_app.config, current_app.instance_path
    else:
        instance = Flask("server", instance_relative_config=True).instance_path  # create_app's instance folder
        try:
            config = load_settings(instance_path=instance)
        except SettingsError as exc:
            raise click.ClickException(f"bad setting: {exc}") from None
    return signing.key_path(config["SIGNING_KEY_FILE"], instance)


@click.group("keys")
def keys_group():
    """The key that signs the published list (Ed25519).

    Give its public key to `python build.py --public-key ed25519:...`; the
    extension then accepts only lists signed with it.
    """


@keys_group.command("create")
@click.option("--force", is_flag=True, help="Replace an existing key (extensions built with the old public key "
                                            "will refuse lists signed with the new one).")
def keys_create(force):
    """Create the signing key (mode 0600) and print its public key."""
    path = key_file()
    try:
        signer = signing.create(path, force=force)
    except signing.SigningKeyError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(signer.public_key)
    echo_err(f"Signing key written to {path} (readable by you only). "
             "Build the extension with: python build.py --public-key " + signer.public_key)


@keys_group.command("show")
def keys_show():
    """Print the public key of the signing key."""
    path = key_file()
    try:
        signer = signing.load(path)
    except signing.SigningKeyError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(signer.public_key)
    echo_err(f"(the signing key is {path})")
