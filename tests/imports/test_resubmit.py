"""Issue 15.12 for the import: the preview's "Tạo kế hoạch" sent again after Back creates no second plan
and links the one created."""

import re

from sqlalchemy import func, select

from tests.conftest import login
from tracker.extensions import db
from tracker.forms import RESUBMITTED
from tracker.plans.models import Plan

TEXT = (
    "UBND TỈNH BẮC GIANG\nSỞ NỘI VỤ\nSố: 43/KH-SNV\nBắc Giang, ngày 05 tháng 3 năm 2024\nKẾ HOẠCH\nKiểm tra công vụ năm 2024\n"
    "II. NỘI DUNG\n1. Kiểm tra công vụ tại các phòng (Đơn vị thực hiện: Thanh tra Sở)\n"
)


def test_confirming_an_import_twice_creates_one_plan(client, app, department):
    token = login(client, "vp.import")
    response = client.post("/imports/", data={"csrf_token": token, "text": TEXT})
    draft_id = int(re.search(r"/imports/(\d+)$", response.headers["Location"]).group(1))
    first = client.post(f"/imports/{draft_id}", data={"csrf_token": token, "action": "confirm"})
    assert first.status_code == 302, first.get_data(as_text=True)[:2000]
    plan_url = first.headers["Location"]
    client.get(plan_url)
    again = client.post(f"/imports/{draft_id}", data={"csrf_token": token, "action": "confirm"})
    assert again.status_code == 302 and again.headers["Location"] == plan_url
    html = client.get(plan_url).get_data(as_text=True)
    assert RESUBMITTED in html and f'<a href="{plan_url}">kế hoạch từ tệp' in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Plan).where(Plan.number == "43/KH-SNV")) == 1
