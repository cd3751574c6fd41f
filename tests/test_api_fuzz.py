"""The API fuzzed from its own OpenAPI document (issue 16, "Tests"): schemathesis generates requests for every
operation of ``/api/v1/openapi.json`` — valid ones, and invalid ones in its negative mode — and sends them
in-process to the Flask app (WSGI). No answer may be a 5xx; every 4xx carries the API's Vietnamese error.

Schemathesis's own pytest plugin does not run under pytest 9 (it reads ``Function._nodeid``), so each
operation's strategy is drawn by a plain hypothesis test here; a bounded number of examples per operation and
mode keeps the run to about a minute."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from tests.test_api import token_for
from tracker.accounts.models import Role

EXAMPLES = 12


def _operations(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10, "the OpenAPI document lists the API's operations"
    return operations


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value)
def test_no_operation_answers_a_server_error(app, client, factory, mode):
    unit = factory.unit()
    plan = factory.plan()
    real = {"task_id": factory.task(plan, unit), "plan_id": plan}
    headers = token_for(app, factory.user(Role.OFFICE, unit))
    failures: list[str] = []
    for operation in _operations(app):
        _fuzz(operation, mode, headers, real if mode is GenerationMode.POSITIVE else {}, failures)
    assert not failures, failures[:10]


def _fuzz(operation, mode, headers, real, failures):
    """Up to EXAMPLES cases of one operation. Valid cases go to the real plan and task (a random id is
    only a 404) with the office's token; invalid ones keep whatever schemathesis made of the path and
    headers."""

    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        for name in case.path_parameters or {}:
            if name in real:
                case.path_parameters[name] = real[name]
        if real:
            case.headers = {**(case.headers or {}), **headers}
        response = case.call(headers=headers)
        if response.status_code >= 500:
            failures.append(f"{case.method} {case.formatted_path} {case.query} {case.body!r:.200} → {response.status_code}")
        elif response.status_code >= 400 and "json" in str(response.headers.get("Content-Type")):
            assert response.json()["error"]["message"], (operation.path, response.text[:200])

    run()
