"""The OpenAPI document says what the API does (issue 16.9, 16.10): every writable string field's maxLength
is the limit the API enforces (read back by sending one character more than the document allows, and
exactly as many), booleans are booleans, the versioned writes describe If-Match, their ETag and the 412."""

from __future__ import annotations

import pytest

from tests.test_api import token_for
from tracker.accounts.models import Role
from tracker.api.fields import BODIES
from tracker.api.openapi import openapi_document

# Each request body of the document, where it is sent and what else it needs to get past the other checks.
BODY_ROUTES = {
    "PlanInput": ("POST", "/api/v1/plans", {"number": "01/KH-X", "title": "T", "issued_on": "2024-01-05"}),
    "PlanPatch": ("PATCH", "/api/v1/plans/{plan}", {}),
    "TaskInput": ("POST", "/api/v1/plans/{plan}/tasks", {"title": "T", "lead_unit_id": None}),
    "ProgressInput": ("PATCH", "/api/v1/tasks/{task}", {}),
    "ReturnInput": ("POST", "/api/v1/tasks/{task}/return", {}),
    "ExtensionInput": ("POST", "/api/v1/tasks/{task}/extensions", {"proposed_due": "2025-03-31"}),
    "DecisionInput": ("POST", "/api/v1/extensions/{ext}/decision", {"approve": False}),
    "IndicatorInput": ("POST", "/api/v1/plans/{plan}/indicators", {"title": "Tỷ lệ hồ sơ trực tuyến đạt 100%"}),
    "ResultInput": ("POST", "/api/v1/indicators/{indicator}/results", {"period": "Q1-2024", "values": ["100%"]}),
    "ResultReturnInput": ("POST", "/api/v1/indicator-results/{result}/return", {"reason": "Thiếu số liệu"}),
}


def _document(app) -> dict:
    with app.app_context():
        return openapi_document()


def _writable_strings(document: dict) -> list[tuple[str, str, dict]]:
    schemas = document["components"]["schemas"]
    return [
        (body, key, prop)
        for body in BODY_ROUTES
        for key, prop in schemas[body]["properties"].items()
        if prop.get("type") == "string" and prop.get("format") != "date"
    ]


def test_every_request_body_is_described_and_mapped(app):
    document = _document(app)
    used = {
        op["requestBody"]["content"]["application/json"]["schema"].get("$ref", "").rsplit("/", 1)[-1]
        for item in document["paths"].values()
        for op in item.values()
        if "application/json" in op.get("requestBody", {}).get("content", {})
    }
    assert used - {""} == set(BODIES) == set(BODY_ROUTES)
    assert len(_writable_strings(document)) >= 19


def test_booleans_are_typed_boolean(app):
    schemas = _document(app)["components"]["schemas"]
    assert schemas["PlanInput"]["properties"]["requires_confirmation"] == {"type": "boolean"}
    assert schemas["PlanPatch"]["properties"]["requires_confirmation"] == {"type": "boolean"}
    assert schemas["DecisionInput"]["properties"]["approve"] == {"type": "boolean"}


@pytest.fixture
def world(app, factory, client):
    unit = factory.unit()
    plan = factory.plan()
    task = factory.task(plan, unit)
    office = token_for(app, factory.user(Role.OFFICE))
    head = token_for(app, factory.user(Role.UNIT_HEAD, unit))
    made = client.post(f"/api/v1/tasks/{task}/extensions", headers=head, json={"reason": "R", "proposed_due": "2025-03-31"})
    assert made.status_code == 201, made.get_json()
    tokens = {
        "ExtensionInput": head,
        "DecisionInput": token_for(app, factory.user(Role.LEADER)),
    }
    indicator = client.post(f"/api/v1/plans/{plan}/indicators", headers=office, json={"title": "Đạt 100%"}).get_json()["id"]
    result = client.post(f"/api/v1/indicators/{indicator}/results", headers=office, json={"period": "Q1-2024", "values": ["90%"]})
    assert result.status_code == 201, result.get_json()
    return {
        "unit": unit,
        "plan": plan,
        "task": task,
        "ext": made.get_json()["id"],
        "indicator": indicator,
        "result": result.get_json()["result_id"],
        "office": office,
        "tokens": tokens,
    }


def _send(client, world, body: str, key: str, value: str):
    method, url, base = BODY_ROUTES[body]
    base = {k: (world["unit"] if v is None else v) for k, v in base.items()}
    url = url.format(**{k: world[k] for k in ("plan", "task", "ext", "indicator", "result")})
    headers = world["tokens"].get(body, world["office"])
    return client.open(url, method=method, headers=headers, json={**base, key: value})


def test_each_strings_max_length_is_the_enforced_limit(app, client, world):
    """One character over the document's maxLength is refused naming the limit; exactly maxLength is not
    refused for its length (it may still be refused for another reason: no message about length)."""
    failures = []
    for body, key, prop in _writable_strings(_document(app)):
        limit = prop.get("maxLength")
        if limit is None:
            failures.append(f"{body}.{key}: no maxLength")
            continue
        over = _send(client, world, body, key, "a" * (limit + 1))
        message = ((over.get_json() or {}).get("error", {}).get("fields") or {}).get(key, "")
        if over.status_code != 422 or "dài quá" not in message and "tối đa" not in message:
            failures.append(f"{body}.{key}: {limit + 1} characters → {over.status_code} {message!r}")
        at = _send(client, world, body, key, "a" * limit)
        message = ((at.get_json() or {}).get("error", {}).get("fields") or {}).get(key, "")
        if "dài quá" in message:
            failures.append(f"{body}.{key}: {limit} characters refused as too long: {message!r}")
    assert not failures, failures


def test_versioned_writes_describe_if_match_etag_and_412(app):
    paths = _document(app)["paths"]
    for path, getter in (("/api/v1/tasks/{task_id}", "Task"), ("/api/v1/plans/{plan_id}", "Plan")):
        assert "ETag" in paths[path]["get"]["responses"]["200"]["headers"], path
        patch = paths[path]["patch"]
        assert any(p["name"] == "If-Match" and p["in"] == "header" for p in patch["parameters"]), path
        assert "ETag" in patch["responses"]["200"]["headers"], path
        stale = patch["responses"]["412"]
        schema = stale["content"]["application/json"]["schema"]
        refs = [part.get("$ref") for part in schema["allOf"]]
        assert "#/components/schemas/Error" in refs
        current = next(part for part in schema["allOf"] if "properties" in part)["properties"]["current"]
        assert current == {"$ref": f"#/components/schemas/{getter}"} and "ETag" in stale["headers"]


def test_the_error_schema_describes_errors_with_labels(app):
    error = _document(app)["components"]["schemas"]["Error"]["properties"]["error"]["properties"]
    assert set(error["errors"]["items"]["required"]) == {"field", "label", "message"}
