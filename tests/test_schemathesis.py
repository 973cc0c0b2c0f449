"""Schemathesis against the app's own OpenAPI description, through the WSGI app.

Every operation in ``/api/v1/openapi.json`` is called with requests generated
from the description itself: valid ones (positive) and deliberately invalid
ones (negative), anonymously and with a real maintainer token, so the
maintainer operations are exercised past 401. Schemathesis' checks then
require: no 5xx, a status code, content type, headers and body that the
description documents, invalid requests refused with a 4xx.

Bounded for ``make test`` (25 examples per operation and mode);
``CAVEAT_FUZZ_EXAMPLES=1000 make reliability`` runs the long version.

(The operations are parametrized by hand instead of ``schemathesis.pytest
.from_fixture``: its lazy loader writes ``request.node._nodeid``, which
pytest 9 no longer has.)
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    ignored_auth,
    load_all_checks,
    positive_data_acceptance,
)
from schemathesis.config._checks import NegativeDataRejectionConfig

from server import create_app

SPEC = json.loads((Path(__file__).parent.parent / "server" / "openapi.json").read_text(encoding="utf-8"))
EXAMPLES = int(os.environ.get("CAVEAT_FUZZ_EXAMPLES", "25"))
OPERATIONS = [(path, method.upper()) for path, item in SPEC["paths"].items()
              for method in item if method != "parameters"]

def _can_be_invalid(path: str, method: str) -> bool:
    """Whether an invalid request can be generated: a query/path parameter or a body to break.

    (Header-only or parameterless operations -- /healthz, /openapi.json, the
    list's If-None-Match -- have no schema-invalid form.)
    """
    item = SPEC["paths"][path]
    operation = item[method.lower()]
    parameters = item.get("parameters", []) + operation.get("parameters", [])
    return "requestBody" in operation or any(p.get("in") in ("query", "path") for p in parameters)


CASES = [(path, method, mode) for path, method in OPERATIONS
         for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
         if mode is GenerationMode.POSITIVE or _can_be_invalid(path, method)]
MAINTAINER_ONLY = {(path, method.upper()) for path, item in SPEC["paths"].items()
                   for method, operation in item.items()
                   if method != "parameters" and operation.get("security") == [{"bearer": []}]}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """One app and database for the whole module: state builds up across examples, as in production."""
    application = create_app({
        "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('schemathesis') / 'caveat.db'}",
        "TESTING": True,
        # The rate limit has its own test (tests/test_hostile_input.py); here
        # it would turn every later report into a 429.
        "REPORTS_RATE_LIMIT": 1_000_000,
    })
    application.extensions["caveat.storage"].init_schema()
    yield application
    application.extensions["caveat.storage"].dispose()


@pytest.fixture(scope="module")
def api_schema(app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.fixture(scope="module")
def maintainer_headers(app):
    token = app.extensions["caveat.storage"].create_token("schemathesis")
    return {"Authorization": f"Bearer {token}"}


# Checks left out, and why:
# - positive_data_acceptance: a schema can say "domain is a string" but not
#   "and not a public suffix, valid IDNA, not an IP address"; such requests are
#   rightly refused with 400 (tests/test_fuzz_domains.py covers those rules).
# - ignored_auth, in the maintainer variant only: it swaps in a bad token, and
#   our real token overrides it (the anonymous variant keeps it).
# negative_data_rejection stays, with 413 (a field made longer than the body
# limit) and 414 (an over-long URL) counted as refusals too.
REFUSALS = [400, 401, 403, 404, 405, 406, 409, 413, 414, 415, 422, 428, 429, "5xx"]


def error_shape(ctx, response, case):
    """Every 4xx/5xx is the design's JSON error: {"error": {"code", "message"}}."""
    if response.status_code >= 400:
        content_type = (response.headers.get("content-type") or [""])[0]
        assert content_type.startswith("application/json"), f"{response.status_code} with {content_type!r}"
        error = response.json()["error"]
        assert isinstance(error["code"], str) and isinstance(error["message"], str), error
    assert (response.headers.get("x-content-type-options") or [""])[0] == "nosniff"
    return None


# Listable domains swapped into half the generated {domain} path parameters:
# random strings are almost never listable, and then every PUT would stop at
# the domain check instead of reaching the body's validation and storage.
LISTABLE = ["allofmp3.example", "shop.example.test", "xn--mp3-sprks-02a.example", "a-b.example.org"]


def run_operation(api_schema, path, method, mode, headers) -> list[int]:
    """Run the generated cases; returns the status codes seen."""
    operation = api_schema[path][method]
    statuses: list[int] = []
    load_all_checks()
    api_schema.config.checks.negative_data_rejection = NegativeDataRejectionConfig(expected_statuses=REFUSALS)
    excluded = [positive_data_acceptance] + ([ignored_auth] if headers else [])

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def check(data):
        case = data.draw(operation.as_strategy(generation_mode=mode))
        # (``not booleans()``: Hypothesis starts from the simplest draw, False,
        # so the first, simplest entry is sent to a listable domain.)
        if "{domain}" in path and mode is GenerationMode.POSITIVE and not data.draw(st.booleans()):
            case.path_parameters = {**(case.path_parameters or {}), "domain": data.draw(st.sampled_from(LISTABLE))}
            if isinstance(case.body, dict):
                case.body.pop("domain", None)
        # Schemathesis' WSGI transport does not undo Content-Encoding: gzip
        # (the gzip list has its own tests in tests/test_api.py).
        case.headers = {**(case.headers or {}), "Accept-Encoding": "identity", **(headers or {})}
        response = case.call_and_validate(excluded_checks=excluded, additional_checks=[error_shape])
        statuses.append(response.status_code)

    check()
    return statuses


def _case_id(path, method, mode) -> str:
    return f"{method} {path} {'valid' if mode is GenerationMode.POSITIVE else 'invalid'}"


@pytest.mark.parametrize("path, method, mode", CASES, ids=[_case_id(*c) for c in CASES])
def test_operation_anonymous(api_schema, path, method, mode):
    run_operation(api_schema, path, method, mode, None)


@pytest.mark.parametrize("path, method, mode", [c for c in CASES if c[:2] in MAINTAINER_ONLY],
                         ids=[_case_id(*c) for c in CASES if c[:2] in MAINTAINER_ONLY])
def test_operation_as_maintainer(api_schema, maintainer_headers, path, method, mode):
    statuses = run_operation(api_schema, path, method, mode, maintainer_headers)
    assert 401 not in statuses, "the maintainer token must get every request past authentication"
    if method == "PUT" and mode is GenerationMode.POSITIVE:
        assert {200, 201} & set(statuses), f"no generated entry was stored: {sorted(set(statuses))}"


def test_the_maintainer_variant_gets_past_401(app, maintainer_headers):
    """The token used above is real: without this the maintainer runs could be 401s throughout."""
    client = app.test_client()
    assert client.get("/api/v1/reports", headers=maintainer_headers).status_code == 200
    assert client.get("/api/v1/reports").status_code == 401
