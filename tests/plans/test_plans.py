import pytest
from sqlalchemy import func, select

from tests.conftest import login
from tracker.accounts.models import Role
from tracker.extensions import db
from tracker.plans.models import Plan

BCD = "Ban Chỉ đạo chuyển đổi số tỉnh"
GOOD = {
    "doc_type": "plan",
    "number": "48/KH-BCĐCĐS",
    "title": "Kế hoạch chuyển đổi số năm 2024",
    "issued_on": "15/02/2024",
    "year": "",
    "parent_reference": "Kế hoạch số 199/KH-UBND ngày 11/12/2023 của UBND tỉnh",
    "status": "active",
    "requires_confirmation": "y",
}


@pytest.fixture(autouse=True)
def _issuer(factory):
    """Every form below chooses the Ban Chỉ đạo from the list of issuers."""
    GOOD["issuer_id"] = str(factory.issuer_id(BCD))


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Plan))


def test_office_creates_a_plan(client, factory, app):
    unit = factory.unit()
    token = login(client, factory.user(Role.OFFICE, unit))
    response = client.post("/plans/new", data={**GOOD, "csrf_token": token, "monitoring_unit_id": str(unit)})
    assert response.status_code == 302
    with app.app_context():
        plan = db.session.scalars(select(Plan).where(Plan.number == "48/KH-BCĐCĐS")).one()
        assert plan.year == 2024 and plan.monitoring_unit_id == unit
        assert plan.parent_reference.startswith("Kế hoạch số 199")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Kế hoạch số 48/KH-BCĐCĐS" in html and "199/KH-UBND" in html


def test_malformed_number_impossible_date_and_missing_title_are_explained(client, factory, app):
    token = login(client, factory.user(Role.OFFICE))
    before = _count(app)
    html = client.post(
        "/plans/new", data={**GOOD, "csrf_token": token, "number": "KH 48", "issued_on": "31/02/2024", "title": ""}
    ).get_data(as_text=True)
    assert "Ngày 31/02/2024 không tồn tại." in html
    assert "Vui lòng nhập trích yếu." in html
    html = client.post("/plans/new", data={**GOOD, "csrf_token": token, "number": "KH 48"}).get_data(as_text=True)
    assert "không đúng thể thức" in html
    assert _count(app) == before


def test_number_must_match_the_document_type(client, factory):
    token = login(client, factory.user(Role.OFFICE))
    html = client.post("/plans/new", data={**GOOD, "csrf_token": token, "number": "13/CT-UBND"}).get_data(as_text=True)
    assert "không phải của một kế hoạch" in html
    ok = client.post("/plans/new", data={**GOOD, "csrf_token": token, "number": "13/CT-UBND", "doc_type": "directive"})
    assert ok.status_code == 302


def test_number_is_unique_per_issuer_and_year(client, factory, app):
    token = login(client, factory.user(Role.OFFICE))
    assert client.post("/plans/new", data={**GOOD, "csrf_token": token}).status_code == 302
    html = client.post("/plans/new", data={**GOOD, "csrf_token": token}).get_data(as_text=True)
    assert "Đã có văn bản số 48/KH-BCĐCĐS" in html
    # The same number by another issuer, or another year, is another document.
    other = str(factory.issuer_id("UBND tỉnh"))
    assert client.post("/plans/new", data={**GOOD, "csrf_token": token, "issuer_id": other}).status_code == 302
    assert client.post("/plans/new", data={**GOOD, "csrf_token": token, "issued_on": "10/01/2023"}).status_code == 302


def test_a_plan_cannot_implement_itself(client, factory):
    token = login(client, factory.user(Role.OFFICE))
    parent = factory.plan("10/KH-UBND")
    child = factory.plan("11/KH-SNV", parent_id=parent)
    html = client.post(
        f"/plans/{parent}/edit", data={**GOOD, "csrf_token": token, "number": "10/KH-UBND", "parent_id": str(child)}
    ).get_data(as_text=True)
    assert "không thể thực hiện chính nó" in html


def test_unit_roles_cannot_create_plans(client, factory):
    unit = factory.unit()
    login(client, factory.user(Role.UNIT_HEAD, unit))
    assert client.get("/plans/new").status_code == 403
    plan = factory.plan()
    assert client.get(f"/plans/{plan}/edit").status_code == 403
    assert client.get(f"/plans/{plan}").status_code == 200


def test_unknown_plan_is_404(client, factory):
    login(client, factory.user(Role.LEADER))
    for url in ("/plans/999999", "/plans/abc", "/plans/-1", "/plans/99999999999999999999999"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Không tìm thấy" in response.get_data(as_text=True)
