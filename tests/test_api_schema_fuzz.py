"""Property-based API tests generated from server/openapi.json (schemathesis + hypothesis).

For every operation, requests that follow the description and requests that
break it must all get a documented status with a response that matches the
description; none may produce a 500. schemathesis's own pytest plugin does
not run under pytest 9 yet, so the operations are driven directly.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import negative_data_rejection, positive_data_acceptance

from server import create_app

ENTRY = {
    "domain": "allofmp3.com", "name": "AllOfMP3", "status": "defunct", "summary": "Closed in 2007.",
    "sources": [{"title": "The Guardian", "url": "https://www.theguardian.com/"}], "reviewed": "2026-11-01",
}


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    database = tmp_path_factory.mktemp("fuzz") / "caveat.db"
    app = create_app({"DATABASE_URL": f"sqlite:///{database}", "REPORTS_RATE_LIMIT": 1_000_000})
    storage = app.extensions["caveat.storage"]
    storage.init_schema()
    storage.upsert_entry(ENTRY, "cli:fuzz")
    app.config["FUZZ_TOKEN"] = storage.create_token("fuzz")
    yield app
    storage.dispose()


@pytest.fixture(scope="module")
def operations(fuzz_app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzz_app)
    # Unknown query parameters are ignored on purpose (cache busters such as
    # ?_=123 must not break a request), so they are not "invalid input" here.
    schema.config.generation.update(allow_extra_parameters=False)
    return {f"{op.method.upper()} {op.path}": op for op in (r.ok() for r in schema.get_all_operations())}


LABELS = [
    "GET /api/v1/lookup", "GET /api/v1/list", "GET /api/v1/changes", "POST /api/v1/reports",
    "GET /api/v1/reports", "PUT /api/v1/warnings/{domain}", "DELETE /api/v1/warnings/{domain}", "GET /healthz",
]


def test_every_operation_is_fuzzed(operations):
    assert set(LABELS) <= set(operations)


# Operations with no invalid form to generate: no input at all, or a single
# string query parameter (every query value is a string; leaving it out is
# covered by test_api.py::test_lookup_without_parameter).
NO_INVALID_FORM = {"GET /api/v1/list", "GET /healthz", "GET /api/v1/lookup"}
CASES = [pytest.param(label, mode, id=f"{label}-{mode.value}")
         for label in LABELS for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
         if not (mode is GenerationMode.NEGATIVE and label in NO_INVALID_FORM)]


@pytest.mark.parametrize("label, mode", CASES)
def test_operation_conforms_to_its_description(fuzz_app, operations, label, mode):
    operation = operations[label]
    authorized = {"Authorization": f"Bearer {fuzz_app.config['FUZZ_TOKEN']}"} if operation.security else {}
    # Werkzeug's test client does not undo gzip (browsers do); the gzip path has its own tests.
    identity = {"Accept-Encoding": "identity"}

    @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(case=operation.as_strategy(generation_mode=mode), authorize=st.booleans())
    def check(case, authorize):
        headers = {**identity, **(authorized if authorize else {})}
        response = case.call(headers=headers)
        assert response.status_code < 500, (case.method, case.formatted_path, case.query, case.body)
        # The description cannot say which strings are valid domains, so a
        # schema-valid request may still get a documented 400.
        excluded = [positive_data_acceptance]
        if response.status_code == 413:
            # 413 rejects the request too; schemathesis's list of rejection codes lacks it.
            excluded.append(negative_data_rejection)
        # The headers tell schemathesis which one is the credential, so it can
        # replay the call without it and with a bad one (both must get 401).
        case.validate_response(response, excluded_checks=excluded, headers=headers)

    check()
