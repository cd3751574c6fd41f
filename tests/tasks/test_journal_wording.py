"""Issue 10 item 11: the journal says what happened. An extension request reads as a request (proposed
date, reason), not as a changed deadline, until it is decided; no English word reaches the page."""

import io
import re
from pathlib import Path

from sqlalchemy import select

from tests.conftest import login
from tracker.accounts.models import Role
from tracker.extensions import db
from tracker.tasks.models import ExtensionRequest, TaskEvent

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
ENGLISH = re.compile(
    r"\b(attachments?|extensions?|status|tasks?|deadline|progress|upload|submit|cancel|save|delete|edit|none|true|false|"
    r"pending|approved|rejected|requested|created|updated|assigned|confirmed|returned|moved|nudged)\b",
    re.IGNORECASE,
)


def _journal_rows(html: str) -> list[tuple[str, str, str]]:
    """(what happened, old value, new value) of each journal row, newest first, as the reader sees them."""
    table = html.split('data-testid="journal"')[1].split("</table>")[0]
    rows = []
    for row in re.findall(r"<tr\b[^>]*>(.*?)</tr>", table, re.S)[1:]:
        cells = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td\b[^>]*>(.*?)</td>", row, re.S)]
        rows.append(tuple(cells[2:]))
    return rows


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    shown = " ".join(re.findall(r'(?:title|aria-label|placeholder|alt)="([^"]*)"', html))
    return re.sub(r"<[^>]+>", " ", html) + " " + shown


def _events(app, task):
    with app.app_context():
        return db.session.execute(
            select(TaskEvent.action, TaskEvent.field, TaskEvent.old_value, TaskEvent.new_value, TaskEvent.note)
            .where(TaskEvent.task_id == task)
            .order_by(TaskEvent.id)
        ).all()


def test_a_request_reads_as_a_request_until_decided(client, factory, app):
    unit = factory.unit()
    task = factory.task(factory.plan(), unit, "15/10/2024")
    head = app.test_client()
    head_token = login(head, factory.user(Role.UNIT_HEAD, unit))
    head.post(
        f"/tasks/{task}/extensions", data={"csrf_token": head_token, "e-proposed_due": "30/11/2024", "e-reason": "Chờ hướng dẫn"}
    )
    requested = [e for e in _events(app, task) if e.action == "extension_requested"]
    assert [(e.field, e.old_value, e.new_value) for e in requested] == [("", "", "")]
    assert "extended_due" not in {e.field for e in _events(app, task)}
    rows = _journal_rows(head.get(f"/tasks/{task}").get_data(as_text=True))
    assert rows[0] == ("Đề nghị gia hạn: Đến ngày 30/11/2024 (thời hạn hiện tại 15/10/2024). Lý do: Chờ hướng dẫn", "", "")
    assert not any("Thời hạn gia hạn" in r[0] for r in rows)

    token = login(client, factory.user(Role.LEADER))
    with app.app_context():
        ext = db.session.scalars(select(ExtensionRequest.id).where(ExtensionRequest.task_id == task)).one()
    client.post(f"/extensions/{ext}/decide", data={"csrf_token": token, "d-decision": "approve", "d-decision_note": "Đồng ý"})
    rows = _journal_rows(client.get(f"/tasks/{task}").get_data(as_text=True))
    assert rows[0] == ("Duyệt gia hạn — Thời hạn gia hạn: Đồng ý", "", "30/11/2024")


def test_a_rejection_says_what_was_refused_and_why(client, factory, app):
    unit = factory.unit()
    task = factory.task(factory.plan(), unit, "15/10/2024")
    head = app.test_client()
    head_token = login(head, factory.user(Role.UNIT_HEAD, unit))
    head.post(
        f"/tasks/{task}/extensions", data={"csrf_token": head_token, "e-proposed_due": "30/11/2024", "e-reason": "Thiếu người"}
    )
    token = login(client, factory.user(Role.LEADER))
    with app.app_context():
        ext = db.session.scalars(select(ExtensionRequest.id).where(ExtensionRequest.task_id == task)).one()
    client.post(
        f"/extensions/{ext}/decide", data={"csrf_token": token, "d-decision": "reject", "d-decision_note": "Không có căn cứ"}
    )
    rows = _journal_rows(client.get(f"/tasks/{task}").get_data(as_text=True))
    assert rows[0] == ("Không duyệt gia hạn: Đề nghị đến ngày 30/11/2024. Ý kiến: Không có căn cứ", "", "")


def test_an_entry_written_the_old_way_is_shown_as_the_request_it_was(client, factory, app):
    unit = factory.unit()
    task = factory.task(factory.plan(), unit, "15/10/2024")
    with app.app_context():
        db.session.add(
            TaskEvent(
                task_id=task,
                action="extension_requested",
                field="extended_due",
                old_value="15/10/2024",
                new_value="30/11/2024",
                note="Chờ hướng dẫn",
            )
        )
        db.session.commit()
    login(client, factory.user(Role.OFFICE))
    rows = _journal_rows(client.get(f"/tasks/{task}").get_data(as_text=True))
    assert ("Đề nghị gia hạn: đến ngày 30/11/2024 (thời hạn hiện tại 15/10/2024). Lý do: Chờ hướng dẫn", "", "") in rows
    assert not any("Thời hạn gia hạn" in r[0] for r in rows)


def test_evidence_and_every_other_entry_are_named_in_vietnamese(client, factory, app):
    unit = factory.unit()
    plan = factory.plan()
    task = factory.task(plan, unit, "15/10/2024", title="Việc có tài liệu")
    token = login(client, factory.user(Role.OFFICE, unit))
    client.post(f"/tasks/{task}/attachments", data={"csrf_token": token, "f-file": (io.BytesIO(b"%PDF-1.4 x"), "bao-cao.pdf")})
    client.post(f"/tasks/{task}/progress", data={"csrf_token": token, "p-status": "done", "p-completed_on": "01/10/2024"})
    html = client.get(f"/tasks/{task}").get_data(as_text=True)
    rows = _journal_rows(html)
    assert ("Tải lên tài liệu kiểm chứng — Tài liệu kiểm chứng", "", "bao-cao.pdf") in rows
    assert ("Cập nhật tình hình — Ngày hoàn thành", "", "01/10/2024") in rows
    assert not ENGLISH.search(" ".join(" ".join(r) for r in rows)), rows
    assert not ENGLISH.search(_visible_text(html)), ENGLISH.search(_visible_text(html))


def test_no_english_word_in_the_templates_text():
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")) + sorted(TEMPLATES.rglob("*.txt")):
        text = re.sub(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}", " ", path.read_text(), flags=re.S)
        for match in ENGLISH.finditer(_visible_text(text)):
            found.append(f"{path.relative_to(TEMPLATES)}: {match.group(0)}")
    assert found == []
