"""The demo loaded (on 02/06/2025, as its finished work needs) inside each test's rolled-back
transaction; helpers to sign in as the demo's accounts and to read the files back."""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import date, datetime

import pytest

from tests.conftest import CSRF_RE
from tracker import clock
from tracker.demo import load_demo
from tracker.extensions import db
from tracker.plans.models import Plan

DEMO_NOW = datetime(2025, 6, 2, 8, 30)
CUT_OFF = date(2023, 12, 15)
CCHC = "01/KH.CCHC-STTTT"


@pytest.fixture
def demo(app, db_session):
    clock.freeze(DEMO_NOW)
    with app.app_context():
        load_demo()
        db.session.commit()
    return app


def plan_id(app, number: str = CCHC) -> int:
    with app.app_context():
        return db.session.query(Plan.id).filter_by(number=number).scalar()


def sign_in(client, username: str) -> str:
    html = client.get("/login").get_data(as_text=True)
    token = CSRF_RE.search(html).group(1)
    response = client.post("/login", data={"csrf_token": token, "username": username, "password": "demo-2026-tracker"})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return CSRF_RE.search(client.get("/plans").get_data(as_text=True)).group(1)


def pdf_text(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [unicodedata.normalize("NFC", page.extract_text() or "") for page in PdfReader(io.BytesIO(data)).pages]


def flat(text: str) -> str:
    """Text with line breaks and runs of spaces made single spaces (the PDF wraps lines anywhere)."""
    return re.sub(r"\s+", " ", text)


def create_draft(client, token: str, plan: int | None, as_of: str = "15/12/2023", **fields) -> object:
    """POST the Báo cáo page's form as văn phòng would; returns the response."""
    data = {
        "csrf_token": token,
        "scope": "plan" if plan else "year",
        "plan_id": str(plan or ""),
        "year": "",
        "period_kind": "",
        "period_index": "",
        "period_year": "",
        "period_scheme": "calendar",
        "as_of": as_of,
        "subject": "",
        "achievements": "",
        "shortcomings": "",
        "proposals": "",
        "next_tasks": "",
        **fields,
    }
    return client.post("/reports/new", data=data)


def draft_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def fetch(client, url: str) -> bytes:
    """A download's bytes, the response closed (a stored file is streamed from disk)."""
    response = client.get(url)
    try:
        assert response.status_code == 200, (url, response.status_code)
        return response.data
    finally:
        response.close()
