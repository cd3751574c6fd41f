"""Issue 10 item 5: the issuing body chosen from a list the administrator keeps, numbers unique per body
and year (by the operation with a message, and by the database), lower-case numbers normalised, no
issue date in the future."""

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests.conftest import login
from tests.test_api import token_for
from tracker.accounts.models import Role
from tracker.extensions import db
from tracker.plans.models import Issuer, Plan

SNV = "Sở Nội vụ tỉnh Bắc Giang"


def _form(factory, **over) -> dict:
    return {
        "doc_type": "plan",
        "number": "01/KH-SNV",
        "title": "Kế hoạch cải cách hành chính năm 2024",
        "issuer_id": str(factory.issuer_id(SNV)),
        "issued_on": "15/02/2024",
        "year": "",
        "parent_reference": "",
        "status": "active",
        "requires_confirmation": "y",
        **over,
    }


def _plans(app) -> list[tuple[str, str, int]]:
    with app.app_context():
        rows = db.session.execute(select(Plan.number, Issuer.name, Plan.year).join(Plan.issuer).order_by(Plan.id)).all()
        return [tuple(r) for r in rows]


def test_lower_case_number_is_stored_as_printed_and_then_clashes(client, factory, app):
    token = login(client, factory.user(Role.OFFICE))
    response = client.post("/plans/new", data={**_form(factory, number="01/kh-snv"), "csrf_token": token})
    assert response.status_code == 302
    assert _plans(app) == [("01/KH-SNV", SNV, 2024)]
    html = client.post("/plans/new", data={**_form(factory, number=" 01/Kh-snv"), "csrf_token": token}).get_data(as_text=True)
    assert f"Đã có văn bản số 01/KH-SNV của {SNV} năm 2024." in html
    assert len(_plans(app)) == 1


def test_an_issue_date_in_the_future_is_refused(client, factory, app):
    token = login(client, factory.user(Role.OFFICE))  # the clock is frozen at 01/10/2024
    html = client.post("/plans/new", data={**_form(factory, issued_on="02/10/2024"), "csrf_token": token}).get_data(as_text=True)
    assert "Ngày ban hành (02/10/2024) không được sau ngày hôm nay (01/10/2024)." in html
    assert _plans(app) == []
    assert client.post("/plans/new", data={**_form(factory, issued_on="01/10/2024"), "csrf_token": token}).status_code == 302


def test_the_issuer_is_chosen_from_the_list(client, factory, app):
    factory.issuer_id("Ủy ban nhân dân tỉnh Bắc Giang")
    factory.issuer_id(SNV)
    token = login(client, factory.user(Role.OFFICE))
    html = client.get("/plans/new").get_data(as_text=True)
    assert f">{SNV}</option>" in html and ">Ủy ban nhân dân tỉnh Bắc Giang</option>" in html
    html = client.post("/plans/new", data={**_form(factory, issuer_id=""), "csrf_token": token}).get_data(as_text=True)
    assert "Vui lòng chọn cơ quan ban hành." in html
    html = client.post("/plans/new", data={**_form(factory, issuer_id="999999"), "csrf_token": token}).get_data(as_text=True)
    assert "Lựa chọn không hợp lệ." in html
    assert _plans(app) == []


def test_the_api_names_a_listed_issuer_whatever_its_case_and_refuses_others(client, factory, app):
    auth = token_for(app, factory.user(Role.OFFICE))
    factory.issuer_id(SNV)
    body = {"number": "25/kh-snv", "title": "Kế hoạch chuyển đổi số", "issued_on": "2024-02-20"}
    bad = client.post("/api/v1/plans", headers=auth, json={**body, "issuer": "Sở Nội vụ"})
    assert bad.status_code == 422
    assert "“Sở Nội vụ” không có trong danh mục" in bad.get_json()["error"]["fields"]["issuer_id"]
    ok = client.post("/api/v1/plans", headers=auth, json={**body, "issuer": "sở nội vụ  tỉnh Bắc Giang"})
    assert ok.status_code == 201, ok.get_json()
    assert ok.get_json()["issuer"] == SNV and ok.get_json()["number"] == "25/KH-SNV"
    again = client.post("/api/v1/plans", headers=auth, json={**body, "issuer_id": ok.get_json()["issuer_id"]})
    assert again.status_code == 422 and "Đã có văn bản số 25/KH-SNV" in again.get_json()["error"]["fields"]["number"]
    future = client.post(
        "/api/v1/plans", headers=auth, json={**body, "number": "26/KH-SNV", "issuer": SNV, "issued_on": "2024-12-01"}
    )
    assert "không được sau ngày hôm nay" in future.get_json()["error"]["fields"]["issued_on"]


def test_the_database_refuses_a_second_plan_with_the_same_number_body_and_year(app, db_session, factory):
    with app.app_context():
        issuer = factory.issuer(SNV)
        for _ in range(2):
            db.session.add(Plan(number="7/KH-SNV", title="KH", issuer=issuer, issued_on=date(2024, 1, 2), year=2024))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_administrator_keeps_the_list(client, factory, app):
    used = factory.plan("3/KH-SNV", issuer=SNV)
    token = login(client, factory.user(Role.ADMIN))
    assert (
        client.post("/admin/issuers", data={"csrf_token": token, "name": " Bộ  Nội vụ", "code": "BNV", "active": "y"}).status_code
        == 302
    )
    html = client.post("/admin/issuers", data={"csrf_token": token, "name": "bộ nội vụ", "active": "y"}).get_data(as_text=True)
    assert "Danh mục đã có “Bộ Nội vụ”." in html
    with app.app_context():
        bnv = db.session.scalars(select(Issuer).where(Issuer.name == "Bộ Nội vụ")).one()
        snv = db.session.get(Plan, used).issuer_id
        assert bnv.code == "BNV" and bnv.updated_by.role is Role.ADMIN
        bnv_id = bnv.id
    # A body in use is only stopped; its plans keep it, and new plans can no longer choose it.
    client.post(f"/admin/issuers/{snv}/delete", data={"csrf_token": token})
    assert "đang được 1 văn bản sử dụng" in client.get("/admin/issuers").get_data(as_text=True)
    client.post(f"/admin/issuers/{snv}", data={"csrf_token": token, "name": SNV, "code": "SNV"})
    office = app.test_client()
    office_token = login(office, factory.user(Role.OFFICE))
    assert f">{SNV}</option>" not in office.get("/plans/new").get_data(as_text=True)
    assert f">{SNV}</option>" in office.get(f"/plans/{used}/edit").get_data(as_text=True)
    html = office.post(
        "/plans/new", data={**_form(factory, issuer_id=str(snv), number="4/KH-SNV"), "csrf_token": office_token}
    ).get_data(as_text=True)
    assert "Lựa chọn không hợp lệ." in html
    assert office.get("/admin/issuers").status_code == 403
    # An unused body can be deleted.
    client.post(f"/admin/issuers/{bnv_id}/delete", data={"csrf_token": token})
    with app.app_context():
        assert db.session.get(Issuer, bnv_id) is None
        assert db.session.scalar(select(func.count()).select_from(Plan)) == 1
