"""Reads of plans and issuing bodies."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.plans.models import Issuer, Plan, PlanDocument


def plans_numbered(number: str) -> list[Plan]:
    """Every plan with that number (issuers number independently, so there may be several)."""
    return list(db.session.scalars(select(Plan).where(Plan.number == (number or "").strip())))


def plan_list(year: int | None) -> list[Plan]:
    stmt = select(Plan).options(selectinload(Plan.issuer)).order_by(Plan.year.desc(), Plan.issued_on.desc(), Plan.id.desc())
    if year:
        stmt = stmt.where(Plan.year == year)
    return list(db.session.scalars(stmt))


def plan_years() -> list[int]:
    return list(db.session.scalars(select(Plan.year).distinct().order_by(Plan.year.desc())))


def parent_choices(plan: Plan | None) -> list[tuple]:
    """Plans a plan may implement: every other one (a cycle is refused by the operation)."""
    others = db.session.scalars(select(Plan).options(selectinload(Plan.issuer)).order_by(Plan.year.desc(), Plan.number))
    return [(None, "— Không —")] + [
        (p.id, f"{p.display_name} ({p.issuer.name})") for p in others if plan is None or p.id != plan.id
    ]


def issuer_choices(plan: Plan | None) -> list[tuple]:
    """Active bodies, plus the one a plan already has if it was deactivated since."""
    issuers = db.session.scalars(select(Issuer).order_by(Issuer.name))
    return [(None, "— Chọn cơ quan ban hành —")] + [
        (i.id, i.name) for i in issuers if i.active or (plan is not None and plan.issuer_id == i.id)
    ]


def issuers_with_use() -> list[tuple[Issuer, int]]:
    """Each body with the number of plans that name it."""
    rows = db.session.execute(
        select(Issuer, func.count(Plan.id)).outerjoin(Plan, Plan.issuer_id == Issuer.id).group_by(Issuer.id).order_by(Issuer.name)
    )
    return [(issuer, count) for issuer, count in rows]


def plan_documents(plan_id: int) -> list[PlanDocument]:
    """The versions of a plan's signed document, newest (the current one) first."""
    stmt = (
        select(PlanDocument)
        .options(selectinload(PlanDocument.uploaded_by))
        .where(PlanDocument.plan_id == plan_id)
        .order_by(PlanDocument.uploaded_at.desc(), PlanDocument.id.desc())
    )
    return list(db.session.scalars(stmt))
