"""The API's writable body fields, each tied to the form field the page shows for the same value.

One source for three things: the rule a text field is checked by (label, one line or many, length limit:
``tracker.forms.text_rule_of``, so the limit stays written once, in the form), the Vietnamese label an
error names (the form's label, e.g. "Tên nhiệm vụ / phần việc", not the JSON key ``title``), and the
``maxLength`` the OpenAPI document gives each string (``tracker.api.openapi``).

``BODIES`` maps each request body (its schema name in the document) to ``{json key: (form, field)}``.
``ALIASES`` maps the key an operation reports an error under to the key the client sent
(``tasks.operations`` names ``deadline_text``, the API body calls it ``deadline``).
"""

from __future__ import annotations

from flask import g, has_request_context
from wtforms import StringField

from tracker.forms import text_rule_of
from tracker.indicators import forms as indicator_forms
from tracker.plans.forms import IssuerForm, PlanForm
from tracker.rules.text import TextRule
from tracker.tasks.forms import DecisionForm, ExtensionForm, ProgressForm, ReturnForm, TaskForm

FormField = tuple[type, str]

_PLAN: dict[str, FormField | None] = {
    "doc_type": (PlanForm, "doc_type"),
    "number": (PlanForm, "number"),
    "title": (PlanForm, "title"),
    "issuer_id": (PlanForm, "issuer_id"),
    "issuer": (IssuerForm, "name"),
    "issued_on": (PlanForm, "issued_on"),
    "year": (PlanForm, "year"),
    "parent_id": (PlanForm, "parent_id"),
    "parent_reference": (PlanForm, "parent_reference"),
    "monitoring_unit_id": (PlanForm, "monitoring_unit_id"),
    "status": (PlanForm, "status"),
    "requires_confirmation": (PlanForm, "requires_confirmation"),
}

BODIES: dict[str, dict[str, FormField | None]] = {
    "PlanInput": _PLAN,
    "PlanPatch": _PLAN,
    "TaskInput": {
        "title": (TaskForm, "title"),
        "description": (TaskForm, "description"),
        "ordinal": (TaskForm, "ordinal"),
        "parent_id": None,  # no field of its own on the task form (a sub-task is added under its parent)
        "lead_unit_id": (TaskForm, "lead_unit_id"),
        "cooperating_unit_ids": (TaskForm, "cooperating_unit_ids"),
        "assignee_id": (TaskForm, "assignee_id"),
        "start_date": (TaskForm, "start_date"),
        "deadline": (TaskForm, "deadline_text"),
        "due_date": (TaskForm, "due_date"),
    },
    "ProgressInput": {
        "status": (ProgressForm, "status"),
        "progress": (ProgressForm, "progress"),
        "result": (ProgressForm, "result"),
        "completed_on": (ProgressForm, "completed_on"),
    },
    "ReturnInput": {"reason": (ReturnForm, "reason")},
    "ExtensionInput": {"reason": (ExtensionForm, "reason"), "proposed_due": (ExtensionForm, "proposed_due")},
    "DecisionInput": {"approve": (DecisionForm, "decision"), "note": (DecisionForm, "decision_note")},
    # The indicators' bodies (tracker.indicators.api, documented by tracker.indicators.openapi).
    "IndicatorInput": {
        "title": (indicator_forms.IndicatorForm, "title"),
        "ordinal": (indicator_forms.IndicatorForm, "ordinal"),
        "group": (indicator_forms.IndicatorForm, "group_title"),
        "lead_text": (indicator_forms.IndicatorForm, "lead_text"),
        "lead_unit_ids": (indicator_forms.IndicatorForm, "lead_unit_ids"),
        "monitoring_unit_id": (indicator_forms.IndicatorForm, "monitoring_unit_id"),
        "frequency": (indicator_forms.IndicatorForm, "frequency"),
    },
    "ResultInput": {
        "period": (indicator_forms.ResultForm, "period_code"),
        "values": None,  # one text per part, built by the page's template (limit: operations.RESULT_VALUE_MAX)
        "note": (indicator_forms.ResultForm, "note"),
    },
    "ResultReturnInput": {"reason": (indicator_forms.DecisionForm, "reason")},
}

# Keys the page offers as a list to choose from and the API takes as typed text: the default one-line rule
# (``tracker.rules.text.SINGLE_LINE_MAX``) under the form field's label.
FREE_TEXT = {("ResultInput", "period")}

# PATCH bodies are JSON merge patches (RFC 7396, as GitHub's and OpenProject's APIs): a key absent keeps the
# stored value, a key sent as null clears it; a field that may not be empty refuses null (a 422 naming it).
PLAN_REQUIRED = ("doc_type", "number", "title", "issued_on", "status", "requires_confirmation")  # and the issuer
# Cleared by null: year (then the year of issued_on), parent_id, parent_reference, monitoring_unit_id.
PLAN_CLEARABLE = ("year", "parent_id", "parent_reference", "monitoring_unit_id")
TASK_REQUIRED = ("status", "progress")  # result is cleared by null; completed_on only while the task is not done

# Keys with no form field of their own: their label is written here.
OWN_LABELS = {
    ("TaskInput", "parent_id"): "Nhiệm vụ cha",
    ("ResultInput", "values"): "Kết quả từng phần",
    "If-Match": "Tiêu đề If-Match",
}

ALIASES = {
    "TaskInput": {"deadline_text": "deadline"},
    "DecisionInput": {"decision_note": "note"},
    "IndicatorInput": {"group_title": "group"},
    "ResultInput": {"period_code": "period"},
}


def _unbound(form_field: FormField):
    form_class, name = form_field
    return getattr(form_class, name)


def form_label(form_field: FormField) -> str:
    unbound = _unbound(form_field)
    return str(unbound.kwargs.get("label") or (unbound.args[0] if unbound.args else form_field[1]))


def is_text(form_field: FormField) -> bool:
    """A text field of the form (``StringField`` and its kinds: text areas, not dates or selects)."""
    return issubclass(_unbound(form_field).field_class, StringField)


def text_fields(body: str) -> dict[str, TextRule]:
    """``{json key: rule}`` of the body's text fields: what the API checks and the document's maxLength."""
    rules = {key: text_rule_of(*ff) for key, ff in BODIES[body].items() if ff is not None and is_text(ff)}
    for free_body, key in FREE_TEXT:
        form_field = BODIES[free_body][key]
        if free_body == body and form_field is not None:
            rules[key] = TextRule(form_label(form_field))
    return rules


def rule(body: str, key: str) -> TextRule:
    """The rule of a text field of ``body`` (a ``KeyError`` for a key that is not one: a programming error)."""
    return text_fields(body)[key]


def label(body: str | None, key: str) -> str | None:
    """The Vietnamese label of ``key`` (a JSON key, or the key an operation names) in ``body``; None if unknown."""
    if key in OWN_LABELS:
        return OWN_LABELS[key]
    if body is None:
        return None
    key = ALIASES.get(body, {}).get(key, key)
    if (body, key) in OWN_LABELS:
        return OWN_LABELS[(body, key)]
    form_field = BODIES[body].get(key)
    return form_label(form_field) if form_field else None


def field_key(body: str | None, key: str) -> str:
    """The JSON key the client sent for the key an operation reports an error under."""
    return ALIASES.get(body or "", {}).get(key, key)


def reading(body: str) -> None:
    """Mark the request as reading ``body``: its errors name that body's labels."""
    g.api_body = body


def current_body() -> str | None:
    return g.get("api_body") if has_request_context() else None
