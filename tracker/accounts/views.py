from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, logout_user

from tracker import clock
from tracker.accounts import operations, signin, totp
from tracker.accounts.forms import CodeForm, LoginForm, PasswordChangeForm, ReauthForm, UnitForm, UserForm
from tracker.accounts.models import Role, Unit, UnitKind, User
from tracker.accounts.operations import save_unit, save_user
from tracker.accounts.queries import account_locks, all_units, all_users, unit_choices
from tracker.accounts.sessions import install, start_session
from tracker.extensions import db
from tracker.formatting import fmt_datetime
from tracker.forms import BaseForm, attempt
from tracker.permissions import can_manage_accounts, get_or_404, require
from tracker.rules.throttle import retry_after_seconds
from tracker.web import safe_next

bp = Blueprint("accounts", __name__)
bp.record_once(lambda state: install(state.app))  # type: ignore[arg-type]  # Flask's own app, typed as its base

PENDING = "pending_second_step"
WRONG = "Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đã bị khoá."


def client_address() -> str:
    return request.remote_addr or ""


def locked_page(template: str, until: datetime, **context):
    """429 with Retry-After and a Vietnamese message saying until when."""
    now = clock.now()
    message = (
        f"Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {fmt_datetime(until)} "
        f"(khoảng {max(1, -(-retry_after_seconds(until, now) // 60))} phút), hoặc nhờ quản trị mở khoá."
    )
    response = current_app.make_response((render_template(template, locked=message, **context), 429))
    response.headers["Retry-After"] = str(retry_after_seconds(until, now))
    return response


def _signed_in(user: User, remember: bool, next_url: str | None):
    start_session(user, remember)
    return redirect(safe_next(next_url) or url_for("home"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home"))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("accounts/login.html", form=form)
    outcome = signin.sign_in(form.username.data, form.password.data, client_address(), clock.now())
    db.session.commit()
    if outcome.locked is not None and not outcome.failed:
        return locked_page("accounts/login.html", outcome.locked, form=form)
    if outcome.user is None:
        form.password.errors = [WRONG]
        return render_template("accounts/login.html", form=form)
    if outcome.needs_code:
        session[PENDING] = {
            "uid": outcome.user.id,
            "version": outcome.user.session_version or 0,
            "remember": bool(form.remember.data),
            "at": clock.now().timestamp(),
            "next": safe_next(request.args.get("next")),
        }
        return redirect(url_for("accounts.login_code"))
    return _signed_in(outcome.user, bool(form.remember.data), request.args.get("next"))


def pending_user() -> tuple[User | None, dict]:
    """The account that passed the password and waits for its code (None when none, or too late)."""
    pending = session.get(PENDING) or {}
    fresh = clock.now().timestamp() - float(pending.get("at", 0)) <= current_app.config.get("LOGIN_CODE_SECONDS", 300)
    user = db.session.get(User, int(pending.get("uid", 0))) if fresh and pending.get("uid") else None
    if user is None or not user.active or (user.session_version or 0) != pending.get("version"):
        return None, {}
    return user, pending


@bp.route("/login/code", methods=["GET", "POST"])
def login_code():
    user, pending = pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash("Vui lòng đăng nhập lại.", "warning")
        return redirect(url_for("accounts.login"))
    form = CodeForm()
    if not form.validate_on_submit():
        return render_template("accounts/login_code.html", form=form)
    outcome = signin.second_step(user, form.code.data, client_address(), clock.now())
    db.session.commit()
    if outcome.locked is not None and not outcome.failed:
        return locked_page("accounts/login_code.html", outcome.locked, form=form)
    if outcome.user is None:
        form.code.errors = ["Mã xác thực không đúng, đã dùng hoặc đã hết hạn."]
        return render_template("accounts/login_code.html", form=form)
    return _signed_in(user, bool(pending.get("remember")), pending.get("next"))


@bp.post("/logout")
@login_required
def logout():
    user = current_user._get_current_object()
    operations.end_sessions(user)  # a copied session or remember cookie stops working too
    db.session.commit()
    logout_user()
    session.clear()
    flash("Bạn đã đăng xuất.", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    user = current_user._get_current_object()
    form = PasswordChangeForm(for_username=user.username)
    if not form.validate_on_submit():
        return render_template("accounts/password.html", form=form)
    check = signin.current_password_ok(user, form.current_password.data, client_address(), clock.now())
    db.session.commit()
    if check.locked is not None and not check.failed:
        return locked_page("accounts/password.html", check.locked, form=form)
    if check.user is None:
        form.current_password.errors = ["Mật khẩu hiện tại không đúng."]
        return render_template("accounts/password.html", form=form)
    if attempt(form, lambda: operations.change_own_password(user, form.new_password.data, form.confirm.data))[0]:
        start_session(user, remember=False)  # this browser stays signed in, with the new version
        flash("Đã đổi mật khẩu. Các phiên đăng nhập khác đã bị đăng xuất.", "success")
        return redirect(url_for("home"))
    return render_template("accounts/password.html", form=form)


def _second_factor_context(user: User, **context) -> dict:
    """What the user's "Xác thực hai bước" page shows: enrolment, or, when on, the forms that turn it off
    and make new recovery codes (``off``, ``renew``: their posted copies, with the messages beside the
    fields)."""
    context = {"user": user, "form": CodeForm(), "start": BaseForm(), **context}
    if user.has_second_factor:
        context.setdefault("off", ReauthForm(prefix="off", formdata=None))
        context.setdefault("renew", ReauthForm(prefix="renew", formdata=None))
        context["unused_codes"] = totp.unused_recovery_codes(user)
    elif user.totp_secret:
        uri = totp.provisioning_uri(user, user.totp_secret)
        context.update(secret=user.totp_secret, qr=totp.qr_data_uri(uri))
    return context


def _second_factor_page(user: User, status: int = 200, **context):
    return render_template("accounts/second_factor.html", **_second_factor_context(user, **context)), status


@bp.get("/account/2fa")
@login_required
def second_factor():
    return _second_factor_page(current_user._get_current_object())


def _not_reauthenticated(user: User, form: ReauthForm, key: str):
    """None when the form's password and code are the account's (throttled like a sign-in); else the
    page to answer with, the message beside the field (422), or the lock (429). Nothing else is changed."""
    if not user.has_second_factor:
        flash(operations.NOT_ON, "warning")
        return redirect(url_for("accounts.second_factor"))
    if not form.validate_on_submit():
        return _second_factor_page(user, 422, **{key: form})
    outcome, checked = signin.password_and_code_ok(user, form.password.data, form.code.data, client_address(), clock.now())
    db.session.commit()
    if outcome.locked is not None and not outcome.failed:
        return locked_page("accounts/second_factor.html", outcome.locked, **_second_factor_context(user, **{key: form}))
    if outcome.user is None:
        if checked == "password":
            form.password.errors = ["Mật khẩu không đúng."]
        else:
            form.code.errors = ["Mã xác thực không đúng, đã dùng hoặc đã hết hạn."]
        return _second_factor_page(user, 422, **{key: form})
    return None


@bp.post("/account/2fa/disable")
@login_required
def second_factor_disable():
    user = current_user._get_current_object()
    form = ReauthForm(prefix="off")
    refused = _not_reauthenticated(user, form, "off")
    if refused is not None:
        return refused
    if attempt(form, lambda: operations.disable_own_second_factor(user))[0]:
        start_session(user, remember=False)  # this browser stays signed in; the others are signed out
        flash("Đã tắt xác thực hai bước. Các phiên đăng nhập khác của bạn đã bị đăng xuất.", "success")
    return redirect(url_for("accounts.second_factor"))


@bp.post("/account/2fa/recovery-codes")
@login_required
def second_factor_renew_codes():
    user = current_user._get_current_object()
    form = ReauthForm(prefix="renew")
    refused = _not_reauthenticated(user, form, "renew")
    if refused is not None:
        return refused
    done, codes = attempt(form, lambda: operations.renew_recovery_codes(user))
    if done:
        return render_template("accounts/recovery_codes.html", codes=codes, renewed=True)
    return redirect(url_for("accounts.second_factor"))


@bp.post("/account/2fa/start")
@login_required
def second_factor_start():
    form = BaseForm()
    if not form.validate_on_submit():
        abort(400)
    attempt(form, lambda: operations.begin_second_factor(current_user._get_current_object()))
    return redirect(url_for("accounts.second_factor"))


@bp.post("/account/2fa/confirm")
@login_required
def second_factor_confirm():
    user = current_user._get_current_object()
    form = CodeForm()
    if form.validate_on_submit():
        done, codes = attempt(form, lambda: operations.confirm_second_factor(user, form.code.data, clock.now()))
        if done:
            return render_template("accounts/recovery_codes.html", codes=codes)
    for message in form.code.errors:
        flash(message, "danger")
    return redirect(url_for("accounts.second_factor"))


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
    users = all_users()
    return render_template("accounts/users.html", users=users, locks=account_locks(users, clock.now()), action=BaseForm())


@bp.post("/admin/users/<user_id>/unlock")
@login_required
def unlock(user_id):
    return _account_action(user_id, operations.unlock_account, "Đã mở khoá đăng nhập cho {}.")


@bp.post("/admin/users/<user_id>/2fa/reset")
@login_required
def reset_second_factor(user_id):
    return _account_action(user_id, operations.reset_second_factor, "Đã tắt xác thực hai bước của {}; người dùng có thể bật lại.")


def _account_action(user_id, operation, done: str):
    """One of the administrator's buttons on the users page: ``operation(user, actor)``, then back."""
    user = get_or_404(User, user_id)
    require(can_manage_accounts(current_user))
    form = BaseForm()
    if not form.validate_on_submit():
        abort(400)
    if attempt(form, lambda: operation(user, current_user))[0]:
        flash(done.format(user.username), "success")
    return redirect(url_for("accounts.users"))


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
