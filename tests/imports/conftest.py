"""The department of the demo (its units, issuers and a văn phòng account), for matching imports."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from tracker.accounts.models import Role, Unit, UnitKind, User
from tracker.accounts.operations import save_unit, save_user
from tracker.demo import ISSUERS, UNITS
from tracker.extensions import db
from tracker.plans.operations import save_issuer


@pytest.fixture
def department(app, db_session) -> dict[str, int]:
    """Unit key (VP, CCVC, …) → id, plus "office" → the văn phòng user's id."""
    with app.app_context():
        root = save_unit(None, name="Sở Nội vụ tỉnh Bắc Giang", short_name="SNV", kind=UnitKind.DEPARTMENT)
        ids = {"ROOT": root.id}
        for position, (key, name, short, kind) in enumerate(UNITS, start=1):
            ids[key] = save_unit(None, name=name, short_name=short, kind=kind, parent_id=root.id, position=position).id
        office = save_user(
            None,
            username="vp.import",
            full_name="Nguyễn Thị Hoa",
            role=Role.OFFICE,
            unit_id=ids["VP"],
            email="",
            password=PASSWORD,
        )
        for name, code, higher in ISSUERS:
            save_issuer(None, name=name, code=code, actor=office, higher_level=higher)
        db.session.commit()
        ids["office"] = office.id
        return ids


def office_user() -> User:
    return db.session.query(User).filter_by(username="vp.import").one()


def unit_named(name: str) -> Unit:
    return db.session.query(Unit).filter_by(name=name).one()
