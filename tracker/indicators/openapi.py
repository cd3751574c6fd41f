"""The indicators' entries of the OpenAPI document (tracker/api/openapi.py merges them). The text fields of
the request bodies get their ``maxLength`` there, from the form fields ``tracker.api.fields.BODIES`` ties
them to (the one place each limit is written); a result's values from ``operations.RESULT_VALUE_MAX``."""

from __future__ import annotations

from collections.abc import Callable

from tracker.indicators.operations import RESULT_VALUE_MAX
from tracker.rules.indicators import Change, Comparator, Verdict

_PERIOD = {
    "type": "object",
    "properties": {
        "period": {"type": "string", "description": "Q1-2024, M05-2024, H1-2024, Y-2024"},
        "label": {"type": "string"},
        "due": {"type": "string", "format": "date"},
        "result_id": {"type": ["integer", "null"]},
        "state": {"enum": ["pending", "confirmed", "returned", None]},
        "values": {"type": "array", "items": {"type": "string"}},
        "verdicts": {"type": "array", "items": {"enum": [v.value for v in Verdict]}},
        "verdict": {"enum": [v.value for v in Verdict]},
    },
}
INDICATOR_SCHEMAS = {
    "Indicator": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "plan_id": {"type": "integer"},
            "ordinal": {"type": "string"},
            "group": {"type": "string"},
            "title": {"type": "string"},
            "lead_text": {"type": "string"},
            "lead_unit_ids": {"type": "array", "items": {"type": "integer"}},
            "monitoring_unit_id": {"type": ["integer", "null"]},
            "frequency": {"enum": ["monthly", "quarterly", "half_yearly", "yearly", None]},
            "flagged": {"type": "boolean", "description": "Có phần chưa đọc được chỉ tiêu"},
            "parts": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "label": {"type": "string"},
                        "target_text": {"type": "string"},
                        "comparator": {"enum": [*(c.value for c in Comparator), None]},
                        "value": {"type": ["string", "null"], "description": "Số thập phân, dấu chấm"},
                        "unit": {"type": ["string", "null"]},
                        "change": {"enum": [c.value for c in Change]},
                    },
                },
            },
            "current": {"oneOf": [_PERIOD, {"type": "null"}]},
            "periods": {"type": "array", "items": _PERIOD},
        },
    },
    "IndicatorInput": {
        "type": "object",
        "required": ["title"],
        "properties": {
            "title": {"type": "string", "description": "Như văn bản ghi; chỉ tiêu được đọc từ đây"},
            "ordinal": {"type": "string"},
            "group": {"type": "string"},
            "lead_text": {"type": "string"},
            "lead_unit_ids": {"type": "array", "items": {"type": "integer"}},
            "monitoring_unit_id": {"type": ["integer", "null"]},
            "frequency": {"enum": ["monthly", "quarterly", "half_yearly", "yearly", ""]},
        },
    },
    "ResultInput": {
        "type": "object",
        "required": ["period", "values"],
        "properties": {
            "period": {"type": "string", "description": "Q1-2024 …"},
            "values": {
                "type": "array",
                "items": {"type": "string", "maxLength": RESULT_VALUE_MAX},
                "description": "Mỗi phần một kết quả: 96,97%, ~20%",
            },
            "note": {"type": "string"},
        },
    },
    "ResultReturnInput": {"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string"}}},
    "StatForm": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "year": {"type": "integer"},
            "as_of": {"type": "string", "format": "date"},
            "rows": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "ordinal": {"type": "string"},
                        "label": {"type": "string"},
                        "unit": {"type": "string"},
                        "value": {"type": ["string", "integer"]},
                        "note": {"type": "string"},
                        "heading": {"type": "boolean"},
                    },
                },
            },
        },
    },
}


def indicator_paths(_id: Callable, _json: Callable, _ref: Callable, _body: Callable, as_of: dict, errors: dict) -> dict:
    one = _json(_ref("Indicator"))
    return {
        "/api/v1/plans/{plan_id}/indicators": {
            "get": {
                "summary": "Chỉ tiêu của kế hoạch: chỉ tiêu đặt ra, kết quả từng kỳ và đánh giá đạt / không đạt tại một ngày",
                "parameters": [_id("plan_id"), as_of],
                "responses": {
                    "200": _json({"type": "object", "properties": {"indicators": {"type": "array", "items": _ref("Indicator")}}}),
                    **errors,
                },
            },
            "post": {
                "summary": "Thêm chỉ tiêu (văn phòng)",
                "parameters": [_id("plan_id")],
                "requestBody": _body(_ref("IndicatorInput")),
                "responses": {"201": _json(_ref("Indicator"), "Đã tạo"), **errors},
            },
        },
        "/api/v1/indicators/{indicator_id}": {
            "get": {"summary": "Một chỉ tiêu", "parameters": [_id("indicator_id"), as_of], "responses": {"200": one, **errors}}
        },
        "/api/v1/indicators/{indicator_id}/results": {
            "post": {
                "summary": "Nhập kết quả một kỳ (đơn vị chủ trì); chờ đơn vị theo dõi xác nhận",
                "parameters": [_id("indicator_id")],
                "requestBody": _body(_ref("ResultInput")),
                "responses": {"201": _json(_ref("Indicator"), "Đã nhập"), **errors},
            }
        },
        "/api/v1/indicator-results/{result_id}/confirm": {
            "post": {
                "summary": "Xác nhận kết quả (đơn vị theo dõi)",
                "parameters": [_id("result_id")],
                "responses": {"200": one, **errors},
            }
        },
        "/api/v1/indicator-results/{result_id}/return": {
            "post": {
                "summary": "Trả lại kết quả, có lý do (đơn vị theo dõi)",
                "parameters": [_id("result_id")],
                "requestBody": _body(_ref("ResultReturnInput")),
                "responses": {"200": one, **errors},
            }
        },
        "/api/v1/stat-forms/{form_id}": {
            "get": {
                "summary": "Biểu thống kê với số liệu tại một ngày",
                "parameters": [_id("form_id"), as_of],
                "responses": {"200": _json(_ref("StatForm")), **errors},
            }
        },
    }
