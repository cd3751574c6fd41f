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
    """The one password rule (tracker.rules.passwords), so the page says what the operation would: with
    the user name typed on the form, or the one the form was made for (``form.for_username``)."""
    username = form.username.data if "username" in form else getattr(form, "for_username", "")
    problem = password_problem(field.data or "", username or "")
    if problem:
        raise ValidationError(problem)


class CodeForm(BaseForm):
    """The second step of signing in, and the confirmation of a new second factor."""

    code = StringField(
        "Mã xác thực",
        validators=[DataRequired("Vui lòng nhập mã xác thực."), Length(max=40, message="Tối đa 40 ký tự.")],
        description="6 chữ số trong ứng dụng xác thực, hoặc một mã khôi phục.",
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True},
    )


class ReauthForm(BaseForm):
    """The password and a current code again, before turning the second factor off or making new
    recovery codes (a session left open is not enough)."""

    password = PasswordField(
        "Mật khẩu", validators=[DataRequired("Vui lòng nhập mật khẩu.")], render_kw={"autocomplete": "current-password"}
    )
    code = StringField(
        "Mã xác thực",
        validators=[DataRequired("Vui lòng nhập mã xác thực."), Length(max=40, message="Tối đa 40 ký tự.")],
        description="6 chữ số đang hiện trong ứng dụng xác thực, hoặc một mã khôi phục chưa dùng.",
        render_kw={"autocomplete": "one-time-code", "inputmode": "text"},
    )


class PasswordChangeForm(BaseForm):
    current_password = PasswordField(
        "Mật khẩu hiện tại",
        validators=[DataRequired("Vui lòng nhập mật khẩu hiện tại.")],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        "Mật khẩu mới",
        validators=[DataRequired("Vui lòng nhập mật khẩu mới."), password_rule],
        description="Ít nhất 10 ký tự; không trùng tên đăng nhập; không dùng mật khẩu phổ biến.",
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Nhập lại mật khẩu mới",
        validators=[DataRequired("Vui lòng nhập lại mật khẩu mới.")],
        render_kw={"autocomplete": "new-password"},
    )

    def __init__(self, *args, for_username: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.for_username = for_username


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
