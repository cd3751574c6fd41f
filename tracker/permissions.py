"""Who may do what. Checked on the server for every action, by the HTML views and the API alike.

Reading plans and tasks is open to every signed-in account of the department (plans are sent to every
unit). Evidence files are narrower: the lead and cooperating units, the assignee, and those who see
everything (quản trị, văn phòng, lãnh đạo).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import abort
from sqlalchemy import select

from tracker.accounts.models import Role, User
from tracker.extensions import db
from tracker.rules.numbers import INT_MAX, ascii_int

if TYPE_CHECKING:
    from tracker.tasks.models import Task


def can_manage_accounts(user: User) -> bool:
    return user.role is Role.ADMIN


def can_edit_plans(user: User) -> bool:
    return user.role in (Role.ADMIN, Role.OFFICE)


def can_upload_plan_document(user: User) -> bool:
    """The plan's signed document: those who edit plans, and lãnh đạo, who sign them."""
    return can_edit_plans(user) or user.role is Role.LEADER


def can_update_task(user: User, task: Task) -> bool:
    """Status, progress, result, evidence. Văn phòng and lãnh đạo may update any task (and back-date)."""
    if user.role in (Role.OFFICE, Role.LEADER):
        return True
    if user.role is Role.UNIT_HEAD:
        return user.unit_id is not None and task.lead_unit_id == user.unit_id
    if user.role is Role.STAFF:
        return task.assignee_id == user.id
    return False


def can_assign(user: User, task: Task) -> bool:
    if user.role is Role.OFFICE:
        return True
    return user.role is Role.UNIT_HEAD and user.unit_id == task.lead_unit_id


def can_backdate_completion(user: User) -> bool:
    return user.role in (Role.OFFICE, Role.LEADER)


def can_confirm(user: User, task: Task) -> bool:
    """The monitoring unit (văn phòng) confirms or returns a reported completion."""
    return user.role is Role.OFFICE


def awaits_other_confirmer(user: User, task) -> bool:
    """The completion waiting for confirmation was recorded by ``user``: someone else confirms it."""
    from tracker.rules.completion import is_own_completion

    return is_own_completion(getattr(task, "reported_by_id", None), user.id)


def can_request_extension(user: User, task: Task) -> bool:
    return user.role is Role.UNIT_HEAD and user.unit_id == task.lead_unit_id


def can_decide_extension(user: User) -> bool:
    return user.role in (Role.LEADER, Role.OFFICE)


def can_see_evidence(user: User, task: Task) -> bool:
    if user.sees_everything or task.assignee_id == user.id:
        return True
    if user.unit_id is None:
        return False
    return user.unit_id == task.lead_unit_id or any(u.id == user.unit_id for u in task.cooperating_units)


def require(allowed: bool) -> None:
    """403 when not allowed. Load the object first (404 for a missing id), then authorise."""
    if not allowed:
        abort(403)


def get_or_404(model, ident):
    """Load by primary key; an id that is not an integer is as missing as an id that does not exist."""
    key = ascii_int(ident, 1, INT_MAX)  # "١٢", "１２", "+12", "1_2" and 2³¹ (an INTEGER column) are no id either
    if key is None:
        abort(404)
    obj = db.session.get(model, key)
    if obj is None:
        abort(404)
    return obj


def users_of_unit(unit_id: int) -> list[User]:
    return list(db.session.scalars(select(User).where(User.unit_id == unit_id, User.active).order_by(User.full_name)))
