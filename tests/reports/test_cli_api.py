"""``flask report`` and ``GET /api/v1/reports/plan``: the same document from live figures, the same
Vietnamese refusals."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.reports.conftest import flat, pdf_text
from tracker.accounts.models import User
from tracker.extensions import db
from tracker.reports.models import Report


@pytest.fixture
def cli(demo):
    return demo.test_cli_runner()


def test_report_command_writes_each_format(cli, tmp_path):
    out = tmp_path / "bc.pdf"
    result = cli.invoke(args=["report", "01/KH.CCHC-STTTT", "--as-of", "2023-12-15", "--format", "pdf", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Đã ghi" in result.output
    text = flat(" ".join(pdf_text(out.read_bytes())))
    assert "đã thực hiện 41/47 phần việc" in text and "87,23%" in text
    for fmt in ("docx", "xlsx"):
        target = tmp_path / f"bc.{fmt}"
        assert (
            cli.invoke(args=["report", "01/KH.CCHC-STTTT", "--as-of", "2023-12-15", "--format", fmt, "-o", str(target)]).exit_code
            == 0
        )
        assert target.read_bytes()[:2] == b"PK"
    period = tmp_path / "q4.pdf"
    result = cli.invoke(args=["report", "01/KH.CCHC-STTTT", "--as-of", "2023-12-15", "--period", "Q4-2023", "-o", str(period)])
    assert result.exit_code == 0, result.output
    assert "Nhiệm vụ đến hạn trong kỳ Quý IV/2023" in flat(" ".join(pdf_text(period.read_bytes())))


@pytest.mark.parametrize(
    "args, message",
    [
        (["99/KH-XYZ", "--as-of", "2023-12-15"], "Không có kế hoạch, văn bản số “99/KH-XYZ”"),
        (["01/KH.CCHC-STTTT", "--as-of", "2030-01-01"], "ở sau ngày hôm nay"),
        (["01/KH.CCHC-STTTT", "--as-of", "2023-12-15", "--period", "Q3-2023"], "không nằm trong kỳ Quý III/2023"),
        (["01/KH.CCHC-STTTT", "--as-of", "2023-12-15", "--period", "Q7-2023"], "Kỳ báo cáo “Q7-2023” không hợp lệ"),
        (["01/KH.CCHC-STTTT", "--as-of", "2023-13-15"], "không tồn tại"),
    ],
)
def test_report_command_refusals(cli, demo, tmp_path, args, message):
    out = tmp_path / "x.pdf"
    result = cli.invoke(args=["report", *args, "-o", str(out)])
    assert result.exit_code != 0
    assert message in result.output
    assert not out.exists()
    with demo.app_context():
        assert db.session.scalar(select(func.count()).select_from(Report)) == 0


def _token(app, username: str) -> dict:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        token = user.new_api_token()
        db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_report_through_the_api(demo, client):
    head = _token(demo, "vanphong")
    response = client.get("/api/v1/reports/plan?plan=01/KH.CCHC-STTTT&as_of=2023-12-15&format=pdf", headers=head)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "41/47" in flat(" ".join(pdf_text(response.data)))
    xlsx = client.get("/api/v1/reports/plan?plan=01/KH.CCHC-STTTT&as_of=2023-12-15&format=xlsx", headers=head)
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    bad = client.get("/api/v1/reports/plan?plan=01/KH.CCHC-STTTT&as_of=2023-12-15&period=Q3-2023", headers=head)
    assert bad.status_code == 422 and "không nằm trong kỳ" in bad.get_json()["error"]["fields"]["as_of"]
    unknown = client.get("/api/v1/reports/plan?plan=nope&format=docx", headers=head)
    assert unknown.status_code == 422 and "Không có kế hoạch" in unknown.get_json()["error"]["fields"]["plan"]
    assert client.get("/api/v1/reports/plan?plan=01/KH.CCHC-STTTT&format=exe", headers=head).status_code == 422
    assert client.get("/api/v1/reports/plan?plan=01/KH.CCHC-STTTT").status_code == 401
    assert client.get("/api/v1/reports/plan?plan=01/KH.CCHC-STTTT", headers=_token(demo, "truongphong")).status_code == 403
