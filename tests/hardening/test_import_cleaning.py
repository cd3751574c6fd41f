"""Imported text (issue 16.1, 16.5): Word's Shift+Enter (U+000B) and other control characters are cleaned
and reported — in the preview and by the command line — never stored, never a silently dropped row; the
preview's edits are checked by the same rule as the forms."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.conftest import login
from tests.imports.conftest import department  # noqa: F401 - the fixture
from tests.imports.test_views import SMALL
from tracker.extensions import db
from tracker.imports import operations as ops
from tracker.imports.parse_files import clean_document
from tracker.imports.parse_model import ParsedDocument, ParsedTask
from tracker.rules.text import refused_character
from tracker.tasks.models import Task

DIRTY = SMALL.replace("Kiểm tra công vụ tại các phòng", "Kiểm tra công vụ\x0btại các\x07 phòng").replace(
    "Kiểm tra công vụ năm 2024", "Kiểm tra công vụ\x0cnăm 2024"
)


def test_clean_document_cleans_every_row_and_says_where():
    doc = ParsedDocument(
        title="Kế hoạch\x0bnăm 2024",
        tasks=[
            ParsedTask(key="t1", ordinal="1", title="Tên\x0bnhiệm vụ", source="dòng 7", description="Dòng 1\x0bDòng 2\x00"),
            ParsedTask(key="t2", ordinal="2", title="Sạch", source="dòng 8"),
        ],
    )
    clean_document(doc)
    assert doc.title == "Kế hoạch năm 2024"
    assert [t.title for t in doc.tasks] == ["Tên nhiệm vụ", "Sạch"]
    assert doc.tasks[0].description == "Dòng 1\nDòng 2"
    assert len(doc.tasks) == 2  # nothing dropped
    assert doc.warnings == [
        "Đã thay ký tự ngắt dòng của Word và bỏ ký tự điều khiển không hiển thị được ở: phần đầu văn bản, dòng 7. "
        "Hãy kiểm tra lại các dòng này."
    ]


def test_pasted_plan_is_cleaned_reported_and_saved_clean(app, department):  # noqa: F811
    with app.app_context():
        state = ops.read_pasted(DIRTY)
        titles = [t["title"] for t in state["tasks"]]
        assert "Kiểm tra công vụ tại các phòng (Đơn vị thực hiện: Thanh tra Sở)" in titles or any(
            t.startswith("Kiểm tra công vụ tại các phòng") for t in titles
        )
        assert state["header"]["title"] == "Kế hoạch kiểm tra công vụ năm 2024"
        assert any(w.startswith("Đã thay ký tự ngắt dòng của Word") and "dòng 8" in w for w in state["warnings"])
        assert len(state["tasks"]) == len(ops.read_pasted(SMALL)["tasks"])


def test_cli_reports_the_cleaning(app, runner, department, tmp_path):  # noqa: F811
    path = tmp_path / "kh.txt"
    path.write_text(DIRTY.replace("Phòng Tổng hợp mới", "Văn phòng Sở"), encoding="utf-8")
    dry = runner.invoke(args=["import-plan", str(path), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Lưu ý: Đã thay ký tự ngắt dòng của Word" in dry.output
    done = runner.invoke(args=["import-plan", str(path), "--user", "vp.import"])
    assert done.exit_code == 0, done.output
    with app.app_context():
        titles = db.session.scalars(select(Task.title)).all()
    assert titles and all(refused_character(t, multiline=False) is None for t in titles)


def test_preview_edits_use_the_forms_rule(client, app, department):  # noqa: F811
    token = login(client, "vp.import")
    response = client.post("/imports/", data={"csrf_token": token, "text": SMALL})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    draft = re.search(r"/imports/(\d+)$", response.headers["Location"]).group(1)
    page = client.get(f"/imports/{draft}").get_data(as_text=True)
    key = re.search(r'name="(t\d+)-title"', page).group(1)
    edited = client.post(
        f"/imports/{draft}",
        data={"csrf_token": token, f"{key}-title": "Tên\r\nBcc: x@example.com", "h-title": "Trích\x00yếu", "action": "save"},
    )
    assert edited.status_code == 422
    text = edited.get_data(as_text=True)
    assert re.search(r"“dòng \d+: Tên nhiệm vụ / phần việc” phải viết trên một dòng", text)
    assert "“Trích yếu” có ký tự điều khiển không hiển thị được (U+0000)" in text
