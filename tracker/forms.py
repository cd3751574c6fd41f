"""The base form: WTForms' own messages in Vietnamese, and a date field that reads dd/mm/yyyy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash
from flask_wtf import FlaskForm
from wtforms import Field
from wtforms.validators import StopValidation
from wtforms.widgets import TextInput

from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.formatting import DateInputError, fmt_date, parse_date

_MESSAGES = {
    "This field is required.": "Trường này là bắt buộc.",
    "Not a valid choice.": "Lựa chọn không hợp lệ.",
    "Invalid Choice: could not coerce.": "Lựa chọn không hợp lệ.",
    "Not a valid integer value.": "Vui lòng nhập một số nguyên.",
    "Not a valid decimal value.": "Vui lòng nhập một số.",
    "Not a valid float value.": "Vui lòng nhập một số.",
    "Invalid email address.": "Địa chỉ thư điện tử không hợp lệ.",
    "Invalid input.": "Dữ liệu không hợp lệ.",
    "Not a valid date value.": "Ngày không hợp lệ.",
    "'%(value)s' is not a valid choice for this field.": "Giá trị “%(value)s” không phải một lựa chọn hợp lệ.",
    "'%(value)s' are not valid choices for this field.": "Các giá trị “%(value)s” không phải lựa chọn hợp lệ.",
    "Invalid value, must be one of: %(values)s.": "Giá trị không hợp lệ, phải là một trong: %(values)s.",
}


class _Translations:
    def gettext(self, string: str) -> str:
        return _MESSAGES.get(string, string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return _MESSAGES.get(singular if n == 1 else plural, singular if n == 1 else plural)


class BaseForm(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _Translations()


class VNDateField(Field):
    """A date typed as dd/mm/yyyy; an empty value is ``None`` (add a required validator if needed)."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {})
        kwargs["render_kw"].setdefault("placeholder", "dd/mm/yyyy")
        kwargs["render_kw"].setdefault("inputmode", "numeric")
        super().__init__(label, validators, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return fmt_date(self.data) if self.data else ""

    parse_error: str | None = None

    def process_formdata(self, valuelist):
        self.parse_error = None
        self.data = None
        if not valuelist or not valuelist[0].strip():
            return
        try:
            self.data = parse_date(valuelist[0])
        except DateInputError as exc:
            self.parse_error = str(exc)

    def pre_validate(self, form):
        # Before the validators, so "required" does not hide why a typed date was refused.
        if self.parse_error:
            raise StopValidation(self.parse_error)


def show_errors(form: BaseForm, errors: dict[str, str]) -> list[str]:
    """Put a service's messages next to their fields; return those that belong to no field."""
    loose: list[str] = []
    for name, message in errors.items():
        field = form._fields.get(name) if name else None
        if field is None:
            loose.append(message)
        else:
            field.errors = [*list(field.errors or []), message]
    return loose


def attempt(form: BaseForm, action: Callable[[], Any]) -> tuple[bool, Any]:
    """Call a service and commit once: ``(True, what it returned)``. If it refuses the input
    (``ValidationFailed``): roll back so nothing is half-saved, put its messages next to the form's
    fields, flash the others, and return ``(False, None)``."""
    try:
        result = action()
        db.session.commit()
    except ValidationFailed as exc:
        db.session.rollback()
        for msg in show_errors(form, exc.errors):
            flash(msg, "danger")
        return False, None
    return True, result
