from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from tracker.accounts.forms import LoginForm, UnitForm, UserForm
from tracker.accounts.models import Role, Unit, UnitKind, User
from tracker.accounts.operations import save_unit, save_user
from tracker.accounts.queries import all_units, all_users, unit_choices, user_by_username
from tracker.forms import attempt
from tracker.permissions import can_manage_accounts, get_or_404, require
from tracker.web import safe_next

bp = Blueprint("accounts", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = user_by_username(form.username.data)
        if user is None or not user.check_password(form.password.data) or not user.active:
            form.password.errors = ["Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đã bị khoá."]
        else:
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")) or url_for("home"))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash("Bạn đã đăng xuất.", "info")
    return redirect(url_for("accounts.login"))


@bp.get("/admin/units")
@login_required
def units():
    require(can_manage_accounts(current_user))
    return render_template("accounts/units.html", units=all_units())


@bp.route("/admin/units/new", methods=["GET", "POST"], defaults={"unit_id": None})
@bp.route("/admin/units/<unit_id>", methods=["GET", "POST"])
@login_required
def unit_form(unit_id):
    require(can_manage_accounts(current_user))
    unit = get_or_404(Unit, unit_id) if unit_id is not None else None
    form = UnitForm(obj=unit)
    form.parent_id.choices = unit_choices()
    if (
        form.validate_on_submit()
        and attempt(
            form,
            lambda: save_unit(
                unit,
                name=form.name.data,
                short_name=form.short_name.data or "",
                kind=UnitKind(form.kind.data),
                parent_id=form.parent_id.data,
                position=form.position.data or 0,
                email=form.email.data or "",
                active=form.active.data,
                actor=current_user,
            ),
        )[0]
    ):
        flash("Đã lưu đơn vị.", "success")
        return redirect(url_for("accounts.units"))
    return render_template("accounts/unit_form.html", form=form, unit=unit)


@bp.get("/admin/users")
@login_required
def users():
    require(can_manage_accounts(current_user))
    return render_template("accounts/users.html", users=all_users())


@bp.route("/admin/users/new", methods=["GET", "POST"], defaults={"user_id": None})
@bp.route("/admin/users/<user_id>", methods=["GET", "POST"])
@login_required
def user_form(user_id):
    require(can_manage_accounts(current_user))
    user = get_or_404(User, user_id) if user_id is not None else None
    form = UserForm(obj=user)
    if user is not None and request.method == "GET":
        form.role.data = user.role.value
    form.unit_id.choices = unit_choices()
    if (
        form.validate_on_submit()
        and attempt(
            form,
            lambda: save_user(
                user,
                username=form.username.data,
                full_name=form.full_name.data,
                role=Role(form.role.data),
                unit_id=form.unit_id.data,
                email=form.email.data or "",
                active=form.active.data,
                password=form.password.data or None,
                actor=current_user,
            ),
        )[0]
    ):
        flash("Đã lưu tài khoản.", "success")
        return redirect(url_for("accounts.users"))
    return render_template("accounts/user_form.html", form=form, user=user)
