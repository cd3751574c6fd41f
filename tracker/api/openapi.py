"""The OpenAPI 3.1 document of /api/v1. A test checks it lists exactly the routes under /api/v1, whichever
feature's blueprint answers them (the core API, reports, imports)."""

from __future__ import annotations

import copy

from tracker.api.fields import BODIES, PLAN_CLEARABLE, text_fields
from tracker.imports.parse_files import MAX_PASTED_CHARS
from tracker.indicators.openapi import INDICATOR_SCHEMAS, indicator_paths
from tracker.rules.deadlines import DeadlineKind
from tracker.rules.documents import DocumentType
from tracker.rules.status import Box, Confirmation, TaskStatus
from tracker.tasks.queries import BOX_GROUPS


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


# Versions (issue 16.9): the ETag of a task or plan is its version; a write may send it back in If-Match.
ETAG = {
    "ETag": {
        "description": 'Phiên bản của bản ghi (ví dụ "3"); gửi lại trong If-Match khi sửa',
        "schema": {"type": "string", "pattern": '^"[0-9]+"$'},
    }
}
IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "pattern": '^(W/)?"?[0-9]{1,18}"?$', "maxLength": 22},
    "description": "ETag nhận được khi đọc; nếu bản ghi đã được sửa sau đó, yêu cầu bị từ chối (412) và không lưu gì."
    " Không gửi: không kiểm tra phiên bản. Giá trị không đọc được: 422.",
}


def _tagged(schema: dict, description: str = "OK") -> dict:
    return {**_json(schema, description), "headers": ETAG}


def _stale(current: str) -> dict:
    """The 412 answer of a write based on an older version: the error and the record as stored now."""
    return {
        "412": {
            **_json(
                {"allOf": [_ref("Error"), {"type": "object", "required": ["current"], "properties": {"current": _ref(current)}}]},
                "Bản ghi đã được người khác sửa sau phiên bản gửi trong If-Match: không lưu gì; current là giá trị hiện tại",
            ),
            "headers": ETAG,
        }
    }


ERRORS = {
    "401": _json(_ref("Error"), "Thiếu hoặc sai mã truy cập"),
    "403": _json(_ref("Error"), "Không có quyền"),
    "404": _json(_ref("Error"), "Không tìm thấy"),
    "422": _json(_ref("Error"), "Dữ liệu không hợp lệ"),
}


def _id(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


AS_OF = {
    "name": "as_of",
    "in": "query",
    "schema": {"type": "string", "format": "date"},
    "description": "Ngày tính số liệu (YYYY-MM-DD); mặc định hôm nay.",
}


def _body(schema: dict) -> dict:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _limited(schemas: dict) -> dict:
    """Each request body of ``tracker.api.fields.BODIES`` with its text fields' ``maxLength``: the limit
    the API enforces, read from the form field it is tied to (never written here)."""
    for body, keys in BODIES.items():
        properties = schemas[body]["properties"]
        assert set(properties) == set(keys), (body, set(properties) ^ set(keys))  # the mapping covers the body
        for key, rule in text_fields(body).items():
            properties[key] = {**properties[key], "maxLength": rule.limit}
    return schemas


def _small_bodies() -> dict:
    return {
        "ReturnInput": {"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string"}}},
        "ExtensionInput": {
            "type": "object",
            "required": ["reason", "proposed_due"],
            "properties": {"reason": {"type": "string"}, "proposed_due": {"type": "string", "format": "date"}},
        },
        "DecisionInput": {
            "type": "object",
            "required": ["approve"],
            "properties": {"approve": {"type": "boolean"}, "note": {"type": "string"}},
        },
    }


def _nullable(schema: dict) -> dict:
    """``schema`` that also accepts null (OpenAPI 3.1: a list of types)."""
    kind = schema["type"]
    return {**schema, "type": [*(kind if isinstance(kind, list) else [kind]), "null"]}


def openapi_document() -> dict:
    document = _document()
    schemas = document["components"]["schemas"]
    plan_input = schemas["PlanInput"]
    schemas["PlanPatch"] = {
        "type": "object",
        "description": "Các trường của PlanInput, trường nào cũng không bắt buộc (JSON merge patch, RFC 7396): trường"
        " không gửi giữ nguyên; null xoá giá trị của trường được để trống (" + ", ".join(PLAN_CLEARABLE) + "; year"
        " null: lấy năm của ngày ban hành); null ở trường bắt buộc bị từ chối (422)",
        "properties": {
            key: _nullable(value) if key in PLAN_CLEARABLE else {**value} for key, value in plan_input["properties"].items()
        },
    }
    schemas.update(_small_bodies())
    _limited(schemas)
    return document


def _document() -> dict:
    date = {"type": ["string", "null"], "format": "date"}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Tracker API",
            "version": "1.0.0",
            "description": "Theo dõi kế hoạch, nhiệm vụ và số liệu báo cáo. Xác thực: Authorization: Bearer <token>.",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": {
            "/api/v1/search": {
                "get": {
                    "summary": "Tìm nhiệm vụ, kế hoạch/văn bản và đơn vị (không phân biệt hoa thường, dấu, vị trí dấu thanh)",
                    "parameters": [
                        {
                            "name": "q",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "string", "minLength": 3, "maxLength": 200},
                        }
                    ],
                    "responses": {"200": _json({"type": "object"}, "Kết quả theo nhóm: tasks, plans, units, more"), **ERRORS},
                }
            },
            "/api/v1/reports/plan": {
                "get": {
                    "summary": "Báo cáo kết quả thực hiện một kế hoạch (PDF, DOCX hoặc XLSX), từ số liệu hiện có",
                    "parameters": [
                        {
                            "name": "plan",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "string"},
                            "description": "Số ký hiệu, ví dụ 01/KH.CCHC-STTTT",
                        },
                        {**AS_OF, "description": "Ngày chốt số liệu (YYYY-MM-DD), không sau hôm nay; mặc định hôm nay."},
                        {
                            "name": "period",
                            "in": "query",
                            "schema": {"type": "string"},
                            "description": "Kỳ: Q3-2024, M05-2024, H1-2024, 9T-2024, 2024",
                        },
                        {"name": "scheme", "in": "query", "schema": {"enum": ["calendar", "nd09"]}},
                        {"name": "format", "in": "query", "schema": {"enum": ["pdf", "docx", "xlsx"]}},
                    ],
                    "responses": {
                        "200": {
                            "description": "Tệp báo cáo",
                            "content": {
                                mime: {"schema": {"type": "string", "format": "binary"}}
                                for mime in (
                                    "application/pdf",
                                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                )
                            },
                        },
                        **ERRORS,
                    },
                }
            },
            "/api/v1/imports": {
                "post": {
                    "summary": "Đọc một kế hoạch từ tệp (Word, Excel, PDF) hoặc văn bản dán; confirm=1 tạo kế hoạch",
                    "parameters": [{"name": "confirm", "in": "query", "schema": {"enum": ["0", "1"]}}],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "multipart/form-data": {
                                "schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
                            },
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"text": {"type": "string", "maxLength": MAX_PASTED_CHARS}},
                                }
                            },
                        },
                    },
                    "responses": {
                        "200": _json({"type": "object"}, "Kết quả đọc (chưa ghi gì)"),
                        "201": _json({"type": "object"}, "Đã tạo kế hoạch"),
                        **ERRORS,
                    },
                }
            },
            "/api/v1/openapi.json": {
                "get": {"summary": "Tài liệu OpenAPI này", "security": [], "responses": {"200": _json({"type": "object"})}}
            },
            "/api/v1/plans": {
                "get": {
                    "summary": "Danh sách kế hoạch, văn bản chỉ đạo",
                    "responses": {
                        "200": _json({"type": "object", "properties": {"items": {"type": "array", "items": _ref("Plan")}}}),
                        **ERRORS,
                    },
                },
                "post": {
                    "summary": "Tạo kế hoạch / văn bản chỉ đạo",
                    "requestBody": _body(_ref("PlanInput")),
                    "responses": {"201": _json(_ref("Plan"), "Đã tạo"), **ERRORS},
                },
            },
            "/api/v1/plans/{plan_id}": {
                "get": {
                    "summary": "Một kế hoạch",
                    "parameters": [_id("plan_id")],
                    "responses": {"200": _tagged(_ref("Plan")), **ERRORS},
                },
                "patch": {
                    "summary": "Sửa kế hoạch / văn bản chỉ đạo như trang Sửa văn bản (Văn phòng, Quản trị); trường"
                    " không gửi giữ nguyên, null xoá trường được để trống (RFC 7396); ghi vào nhật ký",
                    "parameters": [_id("plan_id"), IF_MATCH],
                    "requestBody": _body(_ref("PlanPatch")),
                    "responses": {"200": _tagged(_ref("Plan")), **ERRORS, **_stale("Plan")},
                },
            },
            "/api/v1/plans/{plan_id}/summary": {
                "get": {
                    "summary": "Số liệu bốn nhóm và tỷ lệ tại một ngày",
                    "parameters": [_id("plan_id"), AS_OF],
                    "responses": {"200": _json(_ref("Summary")), **ERRORS},
                }
            },
            **indicator_paths(_id, _json, _ref, _body, AS_OF, ERRORS),
            "/api/v1/plans/{plan_id}/tasks": {
                "post": {
                    "summary": "Thêm nhiệm vụ (thời hạn là một ngày hoặc một cụm từ)",
                    "parameters": [_id("plan_id")],
                    "requestBody": _body(_ref("TaskInput")),
                    "responses": {"201": _json(_ref("Task"), "Đã tạo"), **ERRORS},
                }
            },
            "/api/v1/tasks": {
                "get": {
                    "summary": "Danh sách nhiệm vụ, lọc theo kế hoạch, đơn vị, nhóm và ngày",
                    "parameters": [
                        {"name": "plan_id", "in": "query", "schema": {"type": "integer"}},
                        {"name": "unit_id", "in": "query", "schema": {"type": "integer"}, "description": "Đơn vị chủ trì"},
                        {"name": "assignee_id", "in": "query", "schema": {"type": "integer"}, "description": "Người thực hiện"},
                        {
                            "name": "box",
                            "in": "query",
                            "schema": {"enum": [*(b.value for b in Box), *BOX_GROUPS]},
                            "description": "Một nhóm, hoặc: counted (mọi nhiệm vụ được tính, trừ đã hủy), done (đã hoàn"
                            " thành), open (chưa hoàn thành). Lọc theo nhóm chỉ trả về phần việc (nhiệm vụ có phần việc"
                            " con không có nhóm riêng), nên số dòng bằng số liệu của /plans/{plan_id}/summary.",
                        },
                        {
                            "name": "boxes",
                            "in": "query",
                            "schema": {"type": "string"},
                            "description": "Nhiều nhóm, cách nhau bởi dấu phẩy: done_on_time,done_late",
                        },
                        {
                            "name": "leaves",
                            "in": "query",
                            "schema": {"enum": ["0", "1"]},
                            "description": "1: chỉ phần việc (không tính nhiệm vụ có phần việc con), như trên trang Nhiệm vụ.",
                        },
                        {"name": "status", "in": "query", "schema": {"enum": [s.value for s in TaskStatus]}},
                        {
                            "name": "confirmation",
                            "in": "query",
                            "schema": {"enum": [c.value for c in Confirmation]},
                            "description": "pending cùng box=done: số awaiting_confirmation của summary",
                        },
                        {
                            "name": "extended",
                            "in": "query",
                            "schema": {"enum": ["0", "1"]},
                            "description": "1: chỉ nhiệm vụ đã được gia hạn; cùng box=counted: số extended của summary",
                        },
                        AS_OF,
                        {"name": "sort", "in": "query", "schema": {"enum": ["due", "-due", "plan", "updated", "title"]}},
                        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                        {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500}},
                    ],
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "properties": {
                                    "as_of": {"type": "string", "format": "date"},
                                    "total": {"type": "integer"},
                                    "page": {"type": "integer"},
                                    "per_page": {"type": "integer"},
                                    "items": {"type": "array", "items": _ref("Task")},
                                },
                            }
                        ),
                        **ERRORS,
                    },
                }
            },
            "/api/v1/tasks/{task_id}": {
                "get": {
                    "summary": "Một nhiệm vụ",
                    "parameters": [_id("task_id"), AS_OF],
                    "responses": {"200": _tagged(_ref("Task")), **ERRORS},
                },
                "patch": {
                    "summary": "Cập nhật trạng thái, tiến độ, kết quả, ngày hoàn thành",
                    "parameters": [_id("task_id"), IF_MATCH],
                    "requestBody": _body(_ref("ProgressInput")),
                    "responses": {"200": _tagged(_ref("Task")), **ERRORS, **_stale("Task")},
                },
            },
            "/api/v1/tasks/{task_id}/confirm": {
                "post": {
                    "summary": "Văn phòng xác nhận hoàn thành",
                    "parameters": [_id("task_id")],
                    "responses": {"200": _json(_ref("Task")), **ERRORS},
                }
            },
            "/api/v1/tasks/{task_id}/return": {
                "post": {
                    "summary": "Văn phòng trả lại (tính là chưa hoàn thành)",
                    "parameters": [_id("task_id")],
                    "requestBody": _body(_ref("ReturnInput")),
                    "responses": {"200": _json(_ref("Task")), **ERRORS},
                }
            },
            "/api/v1/tasks/{task_id}/extensions": {
                "post": {
                    "summary": "Đơn vị chủ trì đề nghị gia hạn",
                    "parameters": [_id("task_id")],
                    "requestBody": _body(_ref("ExtensionInput")),
                    "responses": {"201": _json(_ref("Extension"), "Đã gửi"), **ERRORS},
                }
            },
            "/api/v1/extensions/{ext_id}/decision": {
                "post": {
                    "summary": "Lãnh đạo / Văn phòng duyệt hoặc không duyệt gia hạn",
                    "parameters": [_id("ext_id")],
                    "requestBody": _body(_ref("DecisionInput")),
                    "responses": {"200": _json(_ref("Extension")), **ERRORS},
                }
            },
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                **copy.deepcopy(INDICATOR_SCHEMAS),
                "Error": {
                    "type": "object",
                    "properties": {
                        "error": {
                            "type": "object",
                            "properties": {
                                "code": {"type": "integer"},
                                "message": {"type": "string"},
                                "fields": {
                                    "type": "object",
                                    "additionalProperties": {"type": "string"},
                                    "description": "Trường → thông báo (như errors, giữ cho các ứng dụng cũ)",
                                },
                                "errors": {
                                    "type": "array",
                                    "description": "Mỗi trường sai một mục: khóa JSON, tên trường như trên trang, thông báo",
                                    "items": {
                                        "type": "object",
                                        "required": ["field", "label", "message"],
                                        "properties": {
                                            "field": {"type": "string", "examples": ["title"]},
                                            "label": {"type": ["string", "null"], "examples": ["Tên nhiệm vụ / phần việc"]},
                                            "message": {"type": "string"},
                                        },
                                    },
                                },
                            },
                        }
                    },
                },
                "Plan": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "doc_type": {"enum": [t.value for t in DocumentType]},
                        "doc_type_label": {"type": "string"},
                        "number": {"type": "string"},
                        "title": {"type": "string"},
                        "issuer_id": {"type": "integer"},
                        "issuer": {"type": "string"},
                        "issued_on": date,
                        "year": {"type": "integer"},
                        "parent_id": {"type": ["integer", "null"]},
                        "parent_reference": {"type": "string"},
                        "monitoring_unit_id": {"type": ["integer", "null"]},
                        "status": {"enum": ["draft", "active", "closed"]},
                        "requires_confirmation": {"type": "boolean"},
                    },
                },
                "PlanInput": {
                    "type": "object",
                    "required": ["number", "title", "issued_on"],
                    "properties": {
                        "doc_type": {"enum": [t.value for t in DocumentType]},
                        "number": {"type": "string", "examples": ["01/KH.CCHC-STTTT"]},
                        "title": {"type": "string"},
                        "issuer_id": {"type": "integer", "description": "Cơ quan ban hành trong danh mục (hoặc gửi issuer)"},
                        "issuer": {"type": "string", "description": "Tên cơ quan ban hành đúng như trong danh mục"},
                        "issued_on": {"type": "string", "format": "date"},
                        "year": {"type": "integer"},
                        "parent_id": {"type": "integer"},
                        "parent_reference": {"type": "string"},
                        "monitoring_unit_id": {"type": "integer"},
                        "status": {"enum": ["draft", "active", "closed"]},
                        "requires_confirmation": {"type": "boolean"},
                    },
                },
                "TaskInput": {
                    "type": "object",
                    "required": ["title", "lead_unit_id"],
                    "properties": {
                        "title": {"type": "string"},
                        "description": {"type": "string"},
                        "ordinal": {"type": "string"},
                        "parent_id": {"type": "integer"},
                        "lead_unit_id": {"type": "integer"},
                        "cooperating_unit_ids": {"type": "array", "items": {"type": "integer"}},
                        "assignee_id": {"type": "integer"},
                        "start_date": {"type": "string", "format": "date"},
                        "deadline": {
                            "type": "string",
                            "description": "Thời hạn theo văn bản, ví dụ “Quý III/2024”, “Thường xuyên”",
                            "examples": ["Quý III/2024"],
                        },
                        "due_date": {
                            "type": "string",
                            "format": "date",
                            "description": "Ngày hết hạn cụ thể; ưu tiên hơn deadline",
                        },
                    },
                },
                "ProgressInput": {
                    "type": "object",
                    "description": "JSON merge patch (RFC 7396): trường không gửi giữ nguyên; status, progress không"
                    " nhận null (422)",
                    "properties": {
                        "status": {"enum": [s.value for s in TaskStatus]},
                        "progress": {"type": "integer", "minimum": 0, "maximum": 100},
                        "result": {"type": ["string", "null"], "description": "null: xoá kết quả đã ghi"},
                        "completed_on": {
                            "type": ["string", "null"],
                            "format": "date",
                            "description": "null chỉ khi trạng thái không phải Hoàn thành (ngày hoàn thành không xoá được"
                            " khi nhiệm vụ hoàn thành)",
                        },
                    },
                },
                "Task": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "plan_id": {"type": "integer"},
                        "parent_id": {"type": ["integer", "null"]},
                        "ordinal": {"type": "string"},
                        "title": {"type": "string"},
                        "lead_unit": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
                        "cooperating_unit_ids": {"type": "array", "items": {"type": "integer"}},
                        "assignee_id": {"type": ["integer", "null"]},
                        "start_date": date,
                        "deadline_text": {"type": "string"},
                        "deadline_kind": {"enum": [k.value for k in DeadlineKind]},
                        "due_date": date,
                        "extended_due": date,
                        "effective_due": date,
                        "status": {"enum": [s.value for s in TaskStatus]},
                        "progress": {"type": "integer"},
                        "completed_on": date,
                        "confirmation": {"enum": [c.value for c in Confirmation]},
                        "result": {"type": "string"},
                        "as_of": {"type": "string", "format": "date"},
                        "is_leaf": {"type": "boolean", "description": "false: nhiệm vụ có phần việc con"},
                        "box": {
                            "enum": [*(b.value for b in Box), None],
                            "description": "null cho nhiệm vụ đã hủy và cho nhiệm vụ có phần việc con (xem rollup)",
                        },
                        "box_label": {"type": "string", "description": "Tên nhóm; với nhiệm vụ có phần việc: rollup.text"},
                        "rollup": {
                            "oneOf": [_ref("Rollup"), {"type": "null"}],
                            "description": "Chỉ với nhiệm vụ có phần việc con: tình trạng tính theo các phần việc",
                        },
                        "extension_pending": {"type": "boolean", "description": "Có đề nghị gia hạn chờ duyệt"},
                    },
                },
                "Rollup": {
                    "type": "object",
                    "properties": {
                        "completed": {"type": "integer", "description": "Phần việc đã hoàn thành tại as_of"},
                        "total": {"type": "integer", "description": "Phần việc được tính (trừ đã hủy)"},
                        "overdue": {"type": "integer", "description": "Phần việc quá hạn chưa hoàn thành tại as_of"},
                        "text": {"type": "string", "examples": ["3/5 phần việc hoàn thành, 1 quá hạn"]},
                    },
                },
                "Extension": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "task_id": {"type": "integer"},
                        "reason": {"type": "string"},
                        "previous_due": date,
                        "proposed_due": date,
                        "state": {"enum": ["pending", "approved", "rejected"]},
                        "decision_note": {"type": "string"},
                    },
                },
                "Summary": {
                    "type": "object",
                    "properties": {
                        "as_of": {"type": "string", "format": "date"},
                        **{
                            k: {"type": "integer"}
                            for k in (
                                "total",
                                "completed",
                                "open",
                                "done_on_time",
                                "done_late",
                                "open_in_time",
                                "open_overdue",
                                "no_deadline_done",
                                "no_deadline_open",
                                "awaiting_confirmation",
                                "extended",
                            )
                        },
                        "rate_all": {"type": "string", "description": "Hoàn thành / tổng số, 2 chữ số thập phân, dấu phẩy"},
                        "rate_due": {"type": "string", "description": "Hoàn thành / (hoàn thành + quá hạn chưa hoàn thành)"},
                        "headline": {"type": "string"},
                    },
                },
            },
        },
    }
