"""build.py --public-key: the signing keys a build trusts (docs/build.md, docs/design.md "Signed lists").

A key is `ed25519:<canonical base64 of 32 bytes>`, as `caveat keys show`
prints it; it goes into data/config.json as "publicKeys", which
extension/lib/signature.js reads. A malformed key is a usage error (exit 2,
one line); without a key the build says it is a development build.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from buildext.public_keys import parse_public_key
from tests.test_build import ext, list_file, run  # noqa: F401  (fixtures: a fixture extension and list)


def public_key() -> str:
    raw = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "ed25519:" + base64.b64encode(raw).decode("ascii")


def config_of(out: Path, browser: str) -> dict:
    return json.loads((out / browser / "data" / "config.json").read_text())


def test_the_keys_go_into_both_packages_in_order(ext, list_file, tmp_path, capsys):
    first, second = public_key(), public_key()
    out = tmp_path / "out"
    assert run(ext, out, "--list", str(list_file), "--public-key", first, "--public-key", second) == 0
    for browser in ("chrome", "firefox"):
        assert config_of(out, browser)["publicKeys"] == [first, second]
    assert "lists must be signed by one of 2 public keys" in capsys.readouterr().out


def test_a_key_given_twice_is_kept_once(ext, list_file, tmp_path):
    key = public_key()
    out = tmp_path / "out"
    assert run(ext, out, "--list", str(list_file), "--public-key", key, "--public-key", key) == 0
    assert config_of(out, "chrome")["publicKeys"] == [key]


def test_without_a_key_the_build_is_a_development_build(ext, list_file, tmp_path, capsys):
    out = tmp_path / "out"
    assert run(ext, out, "--list", str(list_file)) == 0
    assert config_of(out, "firefox")["publicKeys"] == []
    assert "development build: lists are not signature-checked" in capsys.readouterr().out


def test_the_same_keys_give_the_same_archives(ext, list_file, tmp_path):
    key = public_key()
    assert run(ext, tmp_path / "a", "--list", str(list_file), "--public-key", key) == 0
    assert run(ext, tmp_path / "b", "--list", str(list_file), "--public-key", key) == 0
    for name in ("caveat-chrome-0.1.0.zip", "caveat-firefox-0.1.0.xpi"):
        found = sorted((tmp_path / "a").glob(name.replace("0.1.0", "*")))
        assert found and found[0].read_bytes() == (tmp_path / "b" / found[0].name).read_bytes()


RAW = bytes(range(32))
GOOD = "ed25519:" + base64.b64encode(RAW).decode()


@pytest.mark.parametrize(("text", "reason"), [
    (base64.b64encode(RAW).decode(), "must start with 'ed25519:'"),
    ("rsa:" + base64.b64encode(RAW).decode(), "must start with 'ed25519:'"),
    ("ed25519:", "holds 0 bytes"),
    ("ed25519:" + base64.b64encode(RAW[:31]).decode(), "holds 31 bytes"),
    ("ed25519:" + base64.b64encode(RAW + b"\0").decode(), "holds 33 bytes"),
    ("ed25519:" + "%%%not-base64%%%", "is not base64"),
    ("ed25519:" + base64.urlsafe_b64encode(bytes([251] * 32)).decode(), "is not base64"),
    ("ed25519:" + base64.b64encode(RAW).decode().rstrip("="), "is not base64"),
    (GOOD + " ", "is not base64"),
    ("ED25519:" + base64.b64encode(RAW).decode(), "must start with 'ed25519:'"),
])
def test_a_malformed_key_is_a_usage_error(ext, list_file, tmp_path, capsys, text, reason):
    out = tmp_path / "out"
    assert run(ext, out, "--list", str(list_file), "--public-key", GOOD, "--public-key", text) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("build.py: error: argument --public-key: invalid public key"), err
    assert reason in err, err
    assert not out.exists()


def test_only_the_canonical_base64_spelling_is_accepted():
    encoded = base64.b64encode(RAW).decode()  # ends in "8=": the last character carries 2 unused bits
    assert parse_public_key(GOOD) == GOOD
    other_spelling = "ed25519:" + encoded[:-2] + "9="  # decodes to the same bytes, a second spelling
    assert base64.b64decode(other_spelling[8:]) == RAW
    with pytest.raises(ValueError, match="canonical base64"):
        parse_public_key(other_spelling)
