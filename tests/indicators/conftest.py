"""Seed 004's plan with its twelve Phụ lục 1 indicators, the units and people who enter and confirm
results, and helpers to walk the pages as they do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pytest
from sqlalchemy import select

from tests.conftest import login
from tests.imports.conftest import department  # noqa: F401  (a fixture of these tests too)
from tests.reports.conftest import demo  # noqa: F401  (a fixture of these tests too)
from tracker import clock
from tracker.accounts.models import Role, Unit, UnitKind
from tracker.extensions import db
from tracker.indicators.demo import seed_004_indicators
from tracker.indicators.models import Indicator, IndicatorResult
from tracker.plans.models import Plan


@dataclass
class Cds:
    plan_id: int
    indicator_ids: list[int]
    office: str
    head: str
    head_ccvc: str
    director: str
    staff_other: str


@pytest.fixture
def cds(app, factory) -> Cds:
    vp = factory.unit("Văn phòng Sở", UnitKind.OFFICE)
    cchc = factory.unit("Phòng Cải cách hành chính")
    ccvc = factory.unit("Phòng Công chức, viên chức")
    other = factory.unit("Thanh tra Sở")
    plan_id = factory.plan("25/KH-SNV", year=2024, monitoring_unit_id=vp, issued_on=date(2024, 2, 20))
    names = Cds(
        plan_id,
        [],
        factory.user(Role.OFFICE, vp, "vp.ind"),
        factory.user(Role.UNIT_HEAD, cchc, "tp.cchc"),
        factory.user(Role.UNIT_HEAD, ccvc, "tp.ccvc"),
        factory.user(Role.LEADER, None, "gd.ind"),
        factory.user(Role.UNIT_HEAD, other, "tp.ttra"),
    )
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        units = {"VP": db.session.get(Unit, vp), "CCHC": db.session.get(Unit, cchc), "CCVC": db.session.get(Unit, ccvc)}
        names.indicator_ids = [i.id for i in seed_004_indicators(plan, units, None)]
        db.session.commit()
    return names


def at(day: date, hour: int = 9) -> None:
    clock.freeze(datetime(day.year, day.month, day.day, hour, 0))


def enter(client, token: str, indicator_id: int, period: str, *values: str, note: str = ""):
    return client.post(
        f"/indicators/{indicator_id}/results",
        data={"csrf_token": token, "period_code": period, "values": list(values), "note": note},
    )


def latest_result(app, indicator_id: int) -> int:
    with app.app_context():
        return db.session.scalar(
            select(IndicatorResult.id).where(IndicatorResult.indicator_id == indicator_id).order_by(IndicatorResult.id.desc())
        )


def signed_in(app, username: str):
    """A browser of its own for each person: (client, CSRF token)."""
    client = app.test_client()
    return client, login(client, username)


def indicator(app, indicator_id: int) -> Indicator:
    with app.app_context():
        ind = db.session.get(Indicator, indicator_id)
        db.session.expunge(ind)
        return ind
