"""The import's forms: upload, paste, aliases; and reading the preview's many fields into one edit."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask_wtf.file import FileField
from werkzeug.datastructures import MultiDict
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from tracker.formatting import DateInputError, parse_date
from tracker.forms import BaseForm, text_rule_of, year_window
from tracker.imports.operations import DraftEdit, TaskEdit
from tracker.plans.forms import PlanForm
from tracker.rules.text import TextRule, text_problem
from tracker.rules.window import OutOfWindow
from tracker.tasks.forms import TaskForm


class UploadForm(BaseForm):
    file = FileField("Tệp kế hoạch (Word .docx, Excel .xlsx, PDF hoặc .txt)")


class PasteForm(BaseForm):
    cleaned_not_refused = frozenset({"text"})  # Word's characters are cleaned and reported by the import
    text = TextAreaField("Hoặc dán nội dung văn bản", render_kw={"rows": 10})


class AliasForm(BaseForm):
    unit_id = SelectField("Đơn vị", coerce=int, validators=[DataRequired()])
    alias = StringField("Tên gọi khác trong văn bản (ví dụ “VP Sở”)", validators=[DataRequired(), Length(max=200)])


class DraftActionForm(BaseForm):
    """CSRF only: the preview's fields are many and read by ``draft_edit``."""


def _int(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if 0 < number < 2**31 else None


def draft_edit(form: MultiDict, state: dict[str, Any]) -> tuple[DraftEdit, dict[str, str]]:
    """The preview's fields as one edit, and the messages for values that cannot be read."""
    errors: dict[str, str] = {}
    header = _header_edit(form, errors)
    tasks = [
        _task_edit(form, row, errors) for row in state["tasks"] if f"{row['key']}-title" in form or f"{row['key']}-drop" in form
    ]
    groups: dict[str, tuple[bool, list[int]]] = {}
    for key in state["groups"]:
        if f"g-{key}-present" in form:
            units = [u for u in (_int(v) for v in form.getlist(f"g-{key}-units")) if u]
            groups[key] = (form.get(f"g-{key}-confirmed") == "1", units)
    merge = form.get("merge") or None
    return DraftEdit(header=header, tasks=tasks, groups=groups, merge=merge), errors


def _header_edit(form: MultiDict, errors: dict[str, str]) -> dict[str, Any]:
    """The header fields present in the form (an absent field is left as it was)."""
    header: dict[str, Any] = {}
    for name in ("doc_type", "number", "title", "parent_reference"):
        if f"h-{name}" in form:
            rule = text_rule_of(PlanForm, name) if name != "doc_type" else TextRule(name)
            header[name] = _text(form, f"h-{name}", rule, errors, key=f"header-{name}")
    for name in ("issuer_id", "parent_id", "monitoring_unit_id"):
        if f"h-{name}" in form:
            header[name] = _int(form.get(f"h-{name}"))
    if "h-issued_on" in form:
        raw = form.get("h-issued_on", "").strip()
        try:
            header["issued_on"] = year_window().check(parse_date(raw), "Ngày ban hành").isoformat() if raw else None
        except (DateInputError, OutOfWindow) as exc:
            errors["h-issued_on"] = f"Ngày ban hành: {exc}"
    return header


def _lead_edit(lead_raw: str | None, row: dict[str, Any]) -> int | None:
    """The lead unit picked: an id, 0 when a unit the parse had was cleared, None when left alone."""
    if lead_raw is not None and lead_raw != "":
        return _int(lead_raw) or 0
    return 0 if lead_raw == "" and row.get("lead_unit_id") else None


def _text(form: MultiDict, name: str, rule: TextRule, errors: dict[str, str], key: str = "") -> str:
    """A typed text of the preview, stripped; a refused one (``tracker.rules.text``, the rule of the plan or
    task form's field) goes into ``errors``."""
    value = form.get(name, "")
    if problem := text_problem(value, rule):
        errors[key or name] = problem
    return value.strip()


def _row_text(form: MultiDict, name: str, like: str, errors: dict[str, str], source: str) -> str | None:
    if name not in form:
        return None
    rule = text_rule_of(TaskForm, like)
    return _text(form, name, replace(rule, label=f"{source}: {rule.label}"), errors)


def _task_edit(form: MultiDict, row: dict[str, Any], errors: dict[str, str]) -> TaskEdit:
    k = row["key"]
    source = row.get("source") or k
    return TaskEdit(
        key=k,
        title=_row_text(form, f"{k}-title", "title", errors, source),
        ordinal=_row_text(form, f"{k}-ordinal", "ordinal", errors, source),
        parent=form.get(f"{k}-parent") if f"{k}-parent" in form else None,
        lead_unit_id=_lead_edit(form.get(f"{k}-lead"), row),
        coop_unit_ids=[u for u in (_int(v) for v in form.getlist(f"{k}-coop")) if u] if f"{k}-coop-present" in form else None,
        deadline_text=_row_text(form, f"{k}-deadline", "deadline_text", errors, source),
        product=_row_text(form, f"{k}-product", "description", errors, source),
        drop=form.get(f"{k}-drop") == "1",
    )
