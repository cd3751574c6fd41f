from __future__ import annotations

from wtforms import BooleanField, EmailField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from tracker.accounts.models import Role, UnitKind
from tracker.forms import BaseForm
from tracker.rules.passwords import password_problem

# Syntax only: deliverability is the mail server's business, and offices often have no DNS to ask.
EMAIL = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Địa chỉ thư điện tử không hợp lệ.")


class LoginForm(BaseForm):
    username = StringField("Tên đăng nhập", validators=[DataRequired("Vui lòng nhập tên đăng nhập.")])
    password = PasswordField("Mật khẩu", validators=[DataRequired("Vui lòng nhập mật khẩu.")])
    remember = BooleanField("Ghi nhớ đăng nhập")


def password_rule(form, field) -> None:
    """The one password rule (tracker.rules.passwords), so the page says what the operation would."""
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class UnitForm(BaseForm):
    name = StringField(
        "Tên đơn vị", validators=[DataRequired("Vui lòng nhập tên đơn vị."), Length(max=200, message="Tối đa 200 ký tự.")]
    )
    short_name = StringField("Tên viết tắt", validators=[Optional(), Length(max=50, message="Tối đa 50 ký tự.")])
    kind = SelectField("Loại", choices=[(k.value, k.label) for k in UnitKind])
    parent_id = SelectField("Trực thuộc", coerce=_optional_int, validate_choice=True)
    position = IntegerField("Thứ tự hiển thị", default=0, validators=[Optional(), NumberRange(0, 9999, "Từ 0 đến 9999.")])
    email = EmailField("Thư điện tử", validators=[Optional(), EMAIL])
    active = BooleanField("Đang hoạt động", default=True)


class UserForm(BaseForm):
    username = StringField(
        "Tên đăng nhập",
        validators=[
            DataRequired("Vui lòng nhập tên đăng nhập."),
            Length(min=3, max=80, message="Từ 3 đến 80 ký tự."),
            Regexp(r"^[A-Za-z0-9_.-]+$", message="Chỉ dùng chữ không dấu, số, dấu chấm, gạch dưới, gạch ngang."),
        ],
    )
    full_name = StringField(
        "Họ và tên", validators=[DataRequired("Vui lòng nhập họ và tên."), Length(max=200, message="Tối đa 200 ký tự.")]
    )
    email = EmailField("Thư điện tử", validators=[Optional(), EMAIL])
    role = SelectField("Vai trò", choices=[(r.value, r.label) for r in Role])
    unit_id = SelectField("Đơn vị", coerce=_optional_int)
    active = BooleanField("Đang hoạt động", default=True)
    password = PasswordField(
        "Mật khẩu mới",
        validators=[Optional(), password_rule],
        description="Để trống nếu không đổi.",
    )
