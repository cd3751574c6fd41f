"""The pages, the command line and the API of the import, through the real app and database."""

from __future__ import annotations

import io
import json
import re

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from tests.conftest import login
from tests.imports.builders import seed_004_docx, workbook
from tests.test_api import token_for
from tracker.accounts.models import Role
from tracker.extensions import db
from tracker.imports.models import ImportDraft
from tracker.plans.models import Plan
from tracker.tasks.models import Task

SMALL = (
    "UBND TỈNH BẮC GIANG\nSỞ NỘI VỤ\nSố: 41/KH-SNV\nBắc Giang, ngày 05 tháng 3 năm 2024\nKẾ HOẠCH\nKiểm tra công vụ năm 2024\n"
    "II. NỘI DUNG\n1. Kiểm tra công vụ tại các phòng (Đơn vị thực hiện: Thanh tra Sở)\n"
    "2. Báo cáo kết quả\n+ Đơn vị chủ trì: Phòng Tổng hợp mới\n+ Thời gian thực hiện: Quý IV/2024\n"
)


def _post(client, url, data):
    """POST multipart data encoded in memory (the test client spools large bodies to a file it never
    closes, which the suite's warnings-as-errors would report)."""
    fields = MultiDict()
    for key, value in data.items():
        fields.add(key, FileStorage(value[0], filename=value[1]) if isinstance(value, tuple) else value)
    boundary, body = encode_multipart(fields)
    return client.post(url, data=body, content_type=f'multipart/form-data; boundary="{boundary}"')


def _counts(app):
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Plan, Task, ImportDraft))


def _draft_id(response) -> int:
    return int(re.search(r"/imports/(\d+)$", response.headers["Location"]).group(1))


def test_paste_preview_fix_a_flagged_unit_confirm(client, app, department):
    token = login(client, "vp.import")
    response = client.post("/imports/", data={"csrf_token": token, "text": SMALL})
    assert response.status_code == 302
    draft_id = _draft_id(response)
    page = client.get(f"/imports/{draft_id}").get_data(as_text=True)
    assert "Sẽ tạo: <strong>2</strong> nhiệm vụ" in page
    assert "Phòng Tổng hợp mới" in page and "Chưa xác định đơn vị chủ trì" in page
    assert "dòng 9" in page  # the line the flagged row came from
    before = _counts(app)
    refused = client.post(f"/imports/{draft_id}", data={"csrf_token": token, "action": "confirm"})
    assert refused.status_code == 422 and "chưa xác định đơn vị chủ trì" in refused.get_data(as_text=True)
    assert _counts(app) == before
    with app.app_context():
        rows = {t["title"]: t["key"] for t in db.session.get(ImportDraft, draft_id).data["tasks"]}
    response = client.post(
        f"/imports/{draft_id}",
        data={
            "csrf_token": token,
            "action": "confirm",
            f"{rows['Báo cáo kết quả']}-lead": str(department["VP"]),
            f"{rows['Báo cáo kết quả']}-title": "Báo cáo kết quả kiểm tra",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    plan_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "41/KH-SNV" in plan_page and "Báo cáo kết quả kiểm tra" in plan_page
    with app.app_context():
        plan = db.session.scalar(select(Plan).where(Plan.number == "41/KH-SNV"))
        assert {t.title: t.lead_unit.name for t in db.session.scalars(select(Task).where(Task.plan_id == plan.id))} == {
            "Kiểm tra công vụ tại các phòng": "Thanh tra Sở",
            "Báo cáo kết quả kiểm tra": "Văn phòng Sở",
        }
        plan_id = plan.id
    assert "Nhập từ tệp: <a" in plan_page and "van-ban-dan.txt" in plan_page
    source = client.get(f"/imports/plan/{plan_id}/source")
    assert source.status_code == 200 and source.data.decode() == SMALL
    # The spent draft goes to its plan.
    assert client.get(f"/imports/{draft_id}").headers["Location"].endswith(f"/plans/{plan_id}")


def test_upload_docx_shows_the_tree_and_counts(client, app, department):
    token = login(client, "vp.import")
    data = {"csrf_token": token, "file": (io.BytesIO(seed_004_docx()), "KH 25 chuyển đổi số.docx")}
    response = client.post("/imports/", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    response.close()
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        state = db.session.get(ImportDraft, _draft_id(response)).data
    content = sum(1 for t in state["tasks"] if not t["duty"])
    assert f"Sẽ tạo: <strong>{content}</strong> nhiệm vụ" in page and "<strong>2</strong> nhiệm vụ báo cáo định kỳ" in page
    assert "Xác nhận “Các phòng, đơn vị thuộc Sở” gồm" in page
    assert "Phòng Cải cách chính hành" in page  # the typo in Phụ lục 2, flagged with its cell
    assert "Bảng 3, dòng 2" in page
    assert page.count('data-testid="row"') > 30
    assert "Dòng nhóm: giao đơn vị theo dõi (Văn phòng Sở)" in page  # e.g. "3. Đẩy mạnh phát triển nguồn nhân lực"


def test_bad_uploads_are_refused_in_vietnamese_and_write_nothing(client, app, department):
    token = login(client, "vp.import")
    before = _counts(app)
    cases = [
        ((io.BytesIO(b""), "trong.docx"), "rỗng"),
        ((io.BytesIO(b"MZ" + b"\x01" * 400), "virus.docx"), "không phải tệp DOCX thật"),
        ((io.BytesIO(workbook([["Họ tên", "Ngày sinh"], ["A", "B"]])), "ds.xlsx"), "Không tìm thấy bảng nhiệm vụ"),
        ((io.BytesIO(b"a" * (1024 * 1024 + 10)), "lon.txt"), "quá lớn"),
    ]
    for upload, message in cases:
        response = _post(client, "/imports/", {"csrf_token": token, "file": upload})
        assert response.status_code == 422, message
        assert message in response.get_data(as_text=True)
    # Above the request limit Werkzeug refuses before our code: still a Vietnamese page, nothing written.
    big = _post(client, "/imports/", {"csrf_token": token, "file": (io.BytesIO(b"a" * (3 * 1024 * 1024)), "x.txt")})
    assert big.status_code == 413 and "Tệp quá lớn" in big.get_data(as_text=True)
    empty = client.post("/imports/", data={"csrf_token": token, "text": "   "})
    assert empty.status_code == 422 and "hãy dán văn bản" in empty.get_data(as_text=True)
    long_paste = client.post("/imports/", data={"csrf_token": token, "text": "1. Rà soát thủ tục.\n" * 16_000})
    assert long_paste.status_code == 422
    assert "Văn bản dán quá dài (320.000 ký tự; tối đa 300.000" in long_paste.get_data(as_text=True)
    assert _counts(app) == before


def test_only_the_office_imports(client, app, department, factory):
    login(client, factory.user(Role.UNIT_HEAD, department["CCHC"]))
    assert client.get("/imports/").status_code == 403
    assert client.get("/imports/template.xlsx").status_code == 403


def test_the_template_downloads(client, department):
    login(client, "vp.import")
    response = client.get("/imports/template.xlsx")
    assert response.status_code == 200 and response.data[:2] == b"PK"


def test_aliases_page(client, app, department):
    token = login(client, "vp.import")
    response = client.post(
        "/imports/aliases", data={"csrf_token": token, "unit_id": department["VP"], "alias": "Bộ phận văn thư"}
    )
    assert response.status_code == 302
    again = client.post("/imports/aliases", data={"csrf_token": token, "unit_id": department["TTRA"], "alias": "bo phan van thu"})
    assert again.status_code == 422 and "đã là tên gọi khác của Văn phòng Sở" in again.get_data(as_text=True)


def test_cli_json_prints_the_parse_and_writes_nothing(app, runner, department, tmp_path):
    path = tmp_path / "kh25.docx"
    path.write_bytes(seed_004_docx())
    before = _counts(app)
    result = runner.invoke(args=["import-plan", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["number"], data["doc_type"], data["issuer"], data["issued_on"]) == (
        "25/KH-SNV",
        "plan",
        "Sở Nội vụ tỉnh Bắc Giang",
        "2024-02-20",
    )
    assert data["parent_plan_numbers"] == ["199/KH-UBND"]
    first = data["tasks"][0]
    assert first["title"].startswith("Công tác tuyên truyền") and first["lead_unit"] == "Văn phòng Sở"
    assert first["children"][0]["deadline"] == {"kind": "ongoing", "date": None, "phrase": "Thường xuyên", "flag": None}
    assert [d["deadline"]["phrase"] for d in data["reporting_duties"]] == [
        "Định kỳ trước ngày 15 của tháng cuối quý",
        "trước ngày 20 của tháng cuối quý",
    ]
    assert len(data["indicator_candidates"]) == 25
    assert any(
        u["problem"].startswith("Chưa xác định đơn vị chủ trì") and u["source"] == "Bảng 3, dòng 2" for u in data["unresolved"]
    )
    assert _counts(app) == before
    dry = runner.invoke(args=["import-plan", str(path), "--dry-run"])
    assert dry.exit_code == 0 and "dòng cần kiểm tra" in dry.output and _counts(app) == before
    bad = tmp_path / "x.docx"
    bad.write_bytes(b"")
    assert "rỗng" in runner.invoke(args=["import-plan", str(bad), "--json"]).output


def test_cli_writes_when_everything_resolves(app, runner, department, tmp_path):
    path = tmp_path / "kh.txt"
    path.write_text(SMALL.replace("Phòng Tổng hợp mới", "Văn phòng Sở"), encoding="utf-8")
    result = runner.invoke(args=["import-plan", str(path), "--user", "vp.import"])
    assert result.exit_code == 0, result.output
    assert "Đã tạo Kế hoạch số 41/KH-SNV" in result.output
    assert _counts(app)[:2] == (1, 2)


def test_api_parses_and_confirms(client, app, department):
    auth = token_for(app, "vp.import")
    before = _counts(app)
    parsed = client.post("/api/v1/imports", json={"text": SMALL}, headers=auth)
    assert parsed.status_code == 200 and parsed.json["number"] == "41/KH-SNV"
    assert any(
        u["problem"].startswith("Chưa xác định đơn vị chủ trì") and u["source"] == "dòng 9" for u in parsed.json["unresolved"]
    )
    assert _counts(app) == before  # a dry run keeps not even the draft
    refused = client.post("/api/v1/imports?confirm=1", json={"text": SMALL}, headers=auth)
    assert refused.status_code == 422 and "chưa xác định đơn vị chủ trì" in json.dumps(refused.json, ensure_ascii=False)
    assert _counts(app) == before
    files = {"file": (io.BytesIO(SMALL.replace("Phòng Tổng hợp mới", "Văn phòng Sở").encode()), "kh.txt")}
    created = client.post("/api/v1/imports?confirm=1", data=files, headers=auth, content_type="multipart/form-data")
    assert created.status_code == 201, created.json
    assert _counts(app)[:2] == (before[0] + 1, before[1] + 2)
    assert client.post("/api/v1/imports", json={"text": SMALL}).status_code == 401
    bad = client.post(
        "/api/v1/imports", data={"file": (io.BytesIO(b""), "a.docx")}, headers=auth, content_type="multipart/form-data"
    )
    assert bad.status_code == 422 and "rỗng" in bad.json["error"]["message"]


def test_group_phrases_are_confirmed_in_the_preview(client, app, department):
    token = login(client, "vp.import")
    text = SMALL.replace("Phòng Tổng hợp mới", "Các phòng, đơn vị thuộc Sở")
    draft_id = _draft_id(client.post("/imports/", data={"csrf_token": token, "text": text}))
    page = client.get(f"/imports/{draft_id}").get_data(as_text=True)
    assert "Nhóm đơn vị cần xác nhận: Các phòng, đơn vị thuộc Sở" in page
    key = "cac phong don vi thuoc so"
    chosen = [str(department["CCHC"]), str(department["TTRA"])]
    response = client.post(
        f"/imports/{draft_id}",
        data={
            "csrf_token": token,
            "action": "confirm",
            f"g-{key}-present": "1",
            f"g-{key}-confirmed": "1",
            f"g-{key}-units": chosen,
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        plan = db.session.scalar(select(Plan).where(Plan.number == "41/KH-SNV"))
        report = db.session.scalar(select(Task).where(Task.plan_id == plan.id, Task.title == "Báo cáo kết quả"))
        assert sorted(c.lead_unit.name for c in report.children) == ["Phòng Cải cách hành chính", "Thanh tra Sở"]


def test_the_preview_of_a_2000_row_workbook_stays_light(client, department):
    token = login(client, "vp.import")
    rows = [["STT", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "Thời gian thực hiện"]]
    rows += [[i, f"Nhiệm vụ số {i}", "Văn phòng Sở", "Quý II/2025"] for i in range(1, 2001)]
    response = _post(client, "/imports/", {"csrf_token": token, "file": (io.BytesIO(workbook(rows)), "lon.xlsx")})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert page.count('data-testid="row"') == 2000
    assert len(page) < 25 * 1024 * 1024  # one list of rows for re-parenting, not one per row
