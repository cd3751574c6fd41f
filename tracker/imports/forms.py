"""The import's forms: upload, paste, aliases; and reading the preview's many fields into one edit."""

from __future__ import annotations

from typing import Any

from flask_wtf.file import FileField
from werkzeug.datastructures import MultiDict
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from tracker.formatting import DateInputError, parse_date
from tracker.forms import BaseForm
from tracker.imports.operations import DraftEdit, TaskEdit


class UploadForm(BaseForm):
    file = FileField("Tệp kế hoạch (Word .docx, Excel .xlsx, PDF hoặc .txt)")


class PasteForm(BaseForm):
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
    header: dict[str, Any] = {}
    for name in ("doc_type", "number", "title", "parent_reference"):
        if f"h-{name}" in form:
            header[name] = form.get(f"h-{name}", "").strip()
    if "h-issuer_id" in form:
        header["issuer_id"] = _int(form.get("h-issuer_id"))
    if "h-parent_id" in form:
        header["parent_id"] = _int(form.get("h-parent_id"))
    if "h-monitoring_unit_id" in form:
        header["monitoring_unit_id"] = _int(form.get("h-monitoring_unit_id"))
    if "h-issued_on" in form:
        raw = form.get("h-issued_on", "").strip()
        try:
            header["issued_on"] = parse_date(raw).isoformat() if raw else None
        except DateInputError as exc:
            errors["h-issued_on"] = f"Ngày ban hành: {exc}"
    tasks: list[TaskEdit] = []
    for row in state["tasks"]:
        k = row["key"]
        if f"{k}-title" not in form and f"{k}-drop" not in form:
            continue
        lead_raw = form.get(f"{k}-lead")
        tasks.append(
            TaskEdit(
                key=k,
                title=form.get(f"{k}-title"),
                ordinal=form.get(f"{k}-ordinal"),
                parent=form.get(f"{k}-parent") if f"{k}-parent" in form else None,
                lead_unit_id=(_int(lead_raw) or 0)
                if lead_raw is not None and lead_raw != ""
                else (0 if lead_raw == "" and row.get("lead_unit_id") else None),
                coop_unit_ids=[u for u in (_int(v) for v in form.getlist(f"{k}-coop")) if u]
                if f"{k}-coop-present" in form
                else None,
                deadline_text=form.get(f"{k}-deadline"),
                product=form.get(f"{k}-product"),
                drop=form.get(f"{k}-drop") == "1",
            )
        )
    groups: dict[str, tuple[bool, list[int]]] = {}
    for key in state["groups"]:
        if f"g-{key}-present" in form:
            units = [u for u in (_int(v) for v in form.getlist(f"g-{key}-units")) if u]
            groups[key] = (form.get(f"g-{key}-confirmed") == "1", units)
    merge = form.get("merge") or None
    return DraftEdit(header=header, tasks=tasks, groups=groups, merge=merge), errors
