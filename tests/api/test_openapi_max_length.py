"""Every string a client may send in a request body has its ``maxLength`` in the OpenAPI document (issue
16.10), the indicators' bodies included: the document is walked whole ($ref, arrays' items, allOf/oneOf),
so a body added later without its limits fails here. A result's values (an array of strings, one per part)
are refused past the limit the document gives them, with a Vietnamese 422."""

from __future__ import annotations

from tests.test_api import token_for
from tracker.accounts.models import Role
from tracker.api.openapi import openapi_document
from tracker.indicators.operations import RESULT_VALUE_MAX

# Where a length limit is meaningless: an enumeration (``enum``: the values are listed) or a string of a
# format whose own syntax bounds it (``date``: YYYY-MM-DD; ``binary``: a file, bounded by the upload limit).
LIMITLESS_FORMATS = {"date", "binary"}
# A string whose only bound is the request's size (MAX_CONTENT_LENGTH, in bytes, configurable), not a field
# limit: the text pasted into the import, read as a whole plan.
UNBOUNDED = {"POST /api/v1/imports application/json  .text"}


def _lacks_limit(schema: dict, where: str) -> bool:
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return (
        "string" in kinds
        and "maxLength" not in schema
        and "enum" not in schema
        and schema.get("format") not in LIMITLESS_FORMATS
        and where not in UNBOUNDED
    )


def _inner(schema: dict, where: str) -> list[tuple[dict, str]]:
    """The schemas inside ``schema``: its properties, its items, the parts it combines."""
    inner = [(prop, f"{where} .{key}") for key, prop in (schema.get("properties") or {}).items()]
    if isinstance(schema.get("items"), dict):
        inner.append((schema["items"], f"{where}[]"))
    inner += [(part, where) for combined in ("allOf", "anyOf", "oneOf") for part in schema.get(combined, [])]
    return inner


def _strings_without_limit(document: dict) -> list[str]:
    schemas = document["components"]["schemas"]
    missing: list[str] = []

    def walk(schema: dict, where: str) -> None:
        while "$ref" in schema:
            schema = schemas[schema["$ref"].rsplit("/", 1)[-1]]
        if _lacks_limit(schema, where):
            missing.append(where)
        for inner, inner_where in _inner(schema, where):
            walk(inner, inner_where)

    for path, item in document["paths"].items():
        for method, operation in item.items():
            for mime, content in operation.get("requestBody", {}).get("content", {}).items():
                walk(content["schema"], f"{method.upper()} {path} {mime} ")
    return missing


def test_every_request_body_string_has_a_max_length(app):
    with app.app_context():
        document = openapi_document()
    assert _strings_without_limit(document) == []


def test_the_walk_finds_a_string_without_limit_wherever_it_is():
    """The walk itself: a nested, referenced, array-held or combined string without maxLength is found."""
    document = {
        "components": {"schemas": {"Ref": {"type": "object", "properties": {"deep": {"type": ["string", "null"]}}}}},
        "paths": {
            "/x": {
                "post": {
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "ok": {"type": "string", "maxLength": 3},
                                        "day": {"type": "string", "format": "date"},
                                        "kind": {"type": "string", "enum": ["a"]},
                                        "ref": {"$ref": "#/components/schemas/Ref"},
                                        "list": {"type": "array", "items": {"type": "string"}},
                                        "either": {"oneOf": [{"type": "string"}, {"type": "null"}]},
                                    },
                                }
                            }
                        }
                    }
                }
            }
        },
    }
    assert _strings_without_limit(document) == [
        "POST /x application/json  .ref .deep",
        "POST /x application/json  .list[]",
        "POST /x application/json  .either",
    ]


def test_indicator_bodies_take_their_limits_from_the_forms(app):
    from tracker.indicators.forms import DecisionForm, IndicatorForm, ResultForm

    def limit(field) -> int:
        return next(v.max for v in field.kwargs["validators"] if getattr(v, "max", -1) > 0)

    with app.app_context():
        schemas = openapi_document()["components"]["schemas"]
    indicator = schemas["IndicatorInput"]["properties"]
    assert indicator["title"]["maxLength"] == limit(IndicatorForm.title) == 2000
    assert indicator["ordinal"]["maxLength"] == limit(IndicatorForm.ordinal) == 20
    assert indicator["group"]["maxLength"] == limit(IndicatorForm.group_title) == 300
    assert indicator["lead_text"]["maxLength"] == limit(IndicatorForm.lead_text) == 300
    result = schemas["ResultInput"]["properties"]
    assert result["note"]["maxLength"] == limit(ResultForm.note) == 5000
    assert result["values"]["items"]["maxLength"] == RESULT_VALUE_MAX
    assert schemas["ResultReturnInput"]["properties"]["reason"]["maxLength"] == limit(DecisionForm.reason) == 5000


def test_a_result_value_past_its_limit_is_refused_in_vietnamese(app, client, factory):
    plan = factory.plan()
    office = token_for(app, factory.user(Role.OFFICE))
    indicator = client.post(f"/api/v1/plans/{plan}/indicators", headers=office, json={"title": "Đạt 100%"}).get_json()["id"]
    url = f"/api/v1/indicators/{indicator}/results"
    at_limit = "9" * (RESULT_VALUE_MAX - 1) + "%"
    over = client.post(url, headers=office, json={"period": "Q1-2024", "values": ["9" + at_limit]})
    assert over.status_code == 422, over.get_json()
    assert "Không đọc được số" in over.get_json()["error"]["fields"]["value-0"]
    assert client.post(url, headers=office, json={"period": "Q1-2024", "values": [at_limit]}).status_code == 201
