"""The demo department, loaded on a "today" after the work it records (early 2025)."""

from datetime import datetime

import pytest

from tracker import clock
from tracker.extensions import db
from tracker.plans.models import Plan


@pytest.fixture
def demo(runner, app) -> int:
    """Loads the demo; returns the id of plan 01/KH.CCHC-STTTT (seed 003)."""
    clock.freeze(datetime(2025, 6, 2, 8, 30))
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    with app.app_context():
        return db.session.query(Plan.id).filter_by(number="01/KH.CCHC-STTTT").scalar()
