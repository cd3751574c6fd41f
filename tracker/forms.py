"""The base form: WTForms' own messages in Vietnamese, every text field checked by one rule
(``tracker.rules.text``: no line break in a single-line field, no control character anywhere, a length
limit), and a date field that reads dd/mm/yyyy inside the year window."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any, ClassVar

from flask import current_app, flash, has_app_context, redirect, request, session
from flask_wtf import FlaskForm
from markupsafe import Markup
from werkzeug.wrappers import Response
from wtforms import Field, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.csrf.core import CSRFTokenField
from wtforms.validators import Length, StopValidation, ValidationError
from wtforms.widgets import TextInput

from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.formatting import DateInputError, fmt_date, parse_date
from tracker.rules.numbers import INT_MAX, ascii_int
from tracker.rules.text import TextRule, text_problem
from tracker.rules.window import OutOfWindow, YearWindow

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


# Text areas that hold one line all the same (a title wraps on screen but goes into a mail subject).
SINGLE_LINE_AREAS = frozenset({"title", "subject"})


def _is_multiline(field_class: type, name: str) -> bool:
    return issubclass(field_class, TextAreaField) and name not in SINGLE_LINE_AREAS


def _own_max(validators) -> int | None:
    return min((v.max for v in validators or () if isinstance(v, Length) and v.max and v.max > 0), default=None)


def text_rule_of(form_class: type[BaseForm], name: str) -> TextRule:
    """The rule a form applies to its text field ``name`` (label, one line or many, limit), for the API
    to apply the same one to the same value: the form stays the one place a limit is written."""
    unbound = getattr(form_class, name)
    label = unbound.kwargs.get("label") or (unbound.args[0] if unbound.args else name)
    validators = unbound.kwargs.get("validators") or (unbound.args[1] if len(unbound.args) > 1 else ())
    return TextRule(str(label), _is_multiline(unbound.field_class, name), _own_max(validators))


def _check_text(rule: TextRule) -> Callable[[Any, Field], None]:
    def check(form, field: Field) -> None:
        if isinstance(field.data, str) and field.data and (problem := text_problem(field.data, rule)):
            raise ValidationError(problem)

    return check


class BaseForm(FlaskForm):
    """Every text field (``StringField`` and its kinds, ``TextAreaField``) is checked by
    ``tracker.rules.text`` on ``validate()``: no form can forget it."""

    # Fields whose text is not refused but cleaned by the service they feed (a pasted plan: the import).
    cleaned_not_refused: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        def get_translations(self, form):
            return _Translations()

    def validate(self, extra_validators=None) -> bool:
        extra = {name: list(checks) for name, checks in (extra_validators or {}).items()}
        for name, field in self._fields.items():
            if name in self.cleaned_not_refused:
                continue
            if isinstance(field, StringField) and not isinstance(field, CSRFTokenField):
                rule = TextRule(str(field.label.text), _is_multiline(type(field), name), _own_max(field.validators))
                extra.setdefault(name, []).append(_check_text(rule))
            elif isinstance(field, IntegerField):
                extra.setdefault(name, []).insert(0, _check_integer)
        return super().validate(extra)


def _check_integer(form, field: Field) -> None:
    """An integer typed in ASCII digits within a database INTEGER: ``int()`` would take "١٢" and 10³⁰."""
    raw = (field.raw_data or [""])[0].strip() if field.raw_data else ""
    if raw and (ascii_int(raw.removeprefix("-"), 0, INT_MAX) is None):
        raise StopValidation("Vui lòng nhập một số nguyên bằng chữ số 0–9 (không quá 2.147.483.647).")


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
            day = parse_date(valuelist[0])
            self.data = year_window().check(day, str(self.label.text))
        except (DateInputError, OutOfWindow) as exc:
            self.parse_error = str(exc)

    def pre_validate(self, form):
        # Before the validators, so "required" does not hide why a typed date was refused.
        if self.parse_error:
            raise StopValidation(self.parse_error)


def year_window() -> YearWindow:
    """The configured window (``YEAR_MIN``..``YEAR_MAX``), the default one outside an app."""
    if not has_app_context():
        return YearWindow()
    return YearWindow(current_app.config.get("YEAR_MIN", 2000), current_app.config.get("YEAR_MAX", 2100))


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


# --- One-time form tokens (issue 15.12): a form sent again (the browser's Back, then Lưu) creates nothing ---

SENT_FORMS = "sent_forms"  # session key: [token, url, label] of the last forms that created something
SENT_KEEP = 12
RESUBMITTED = "Biểu mẫu này đã được gửi"


def new_form_token() -> str:
    return secrets.token_urlsafe(16)


class OneTimeTokenMixin:
    """A hidden ``form_token``, fresh each time the form is shown (a GET), sent back with the form. The
    view asks ``sent_before`` first, and after the create succeeded records it with ``mark_sent``. The
    tokens live in the signed session, so a second tab's copy of the form has its own; a form without a
    token (the API, a script) is not guarded."""

    form_token = HiddenField(default=new_form_token)


def _token(form: FlaskForm) -> str:
    field = form._fields.get("form_token")
    return str(field.data or "") if field is not None else ""


def sent_before(form: FlaskForm) -> tuple[str, str] | None:
    """(url, label) of what this very form created when it was sent the first time, or None."""
    token = _token(form)
    if not token or request.method != "POST":
        return None
    for sent, url, label in session.get(SENT_FORMS, []):
        if sent == token:
            return url, label
    return None


def mark_sent(form: FlaskForm, url: str, label: str) -> None:
    """Remember that this form's token created ``label`` at ``url`` (the newest few are kept)."""
    token = _token(form)
    if token:
        kept = [entry for entry in session.get(SENT_FORMS, []) if entry[0] != token]
        session[SENT_FORMS] = [*kept, [token, url, label[:80]]][-SENT_KEEP:]


def refuse_resubmit(sent: tuple[str, str]) -> Response:
    """The answer to a form sent twice: nothing created, a message linking what the first send created."""
    url, label = sent
    flash(Markup('{}: <a href="{}">{}</a> đã được tạo lần trước, không tạo thêm.').format(RESUBMITTED, url, label), "warning")
    return redirect(url)
