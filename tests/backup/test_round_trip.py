"""A backup restores to identical data: every table, every row, every uploaded file and every issued
report's PDF/DOCX/XLSX, which the app then serves again (issue 16, item 11).

Runs on the suite's database kind: a SQLite file, or PostgreSQL through pg_dump/pg_restore when
TEST_DATABASE_URL is set (CI's PostgreSQL run). Its own database, committed for real, with the demo.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from tests.conftest import build_app
from tests.reports.conftest import create_draft, draft_id, fetch, plan_id, sign_in
from tracker import clock
from tracker.backup.operations import BackupError, create_backup, restore_backup
from tracker.demo import load_demo
from tracker.extensions import db
from tracker.reports.models import Report
from tracker.reports.operations import report_dir

FORMATS = ("pdf", "docx", "xlsx")


@pytest.fixture
def live(tmp_path):
    clock.freeze(datetime(2025, 6, 2, 8, 30))
    app = build_app(tmp_path / "instance", name="backup")
    with app.app_context():
        load_demo()
        db.session.commit()
    uploads = Path(app.config["UPLOAD_DIR"])
    (uploads / "ab").mkdir(parents=True, exist_ok=True)
    (uploads / "ab" / "bao-cao-quy-3.pdf").write_bytes(b"%PDF-1.4 " + os.urandom(4096))
    (uploads / "ke-hoach.docx").write_bytes(os.urandom(10_000))
    (uploads / "tên tiếng Việt.xlsx").write_bytes(b"PK" + os.urandom(2000))
    client = app.test_client()
    token = sign_in(client, "vanphong")
    rid = draft_id(create_draft(client, token, plan_id(app), achievements="Đã ban hành đủ văn bản hướng dẫn."))
    response = client.post(f"/reports/{rid}/issue", data={"csrf_token": token, "serial": "12"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    app.config["ISSUED_REPORT"] = rid
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def snapshot_tables(app) -> dict[str, list[tuple]]:
    """Every row of every table (the schema's revision included), in a stable order."""
    with app.app_context():
        names = sorted(inspect(db.engine).get_table_names())
        tables = {}
        for name in names:
            rows = db.session.execute(text(f'SELECT * FROM "{name}"')).all()  # noqa: S608 (names from the schema)
            tables[name] = sorted((tuple(r) for r in rows), key=repr)
        db.session.rollback()
        return tables


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def snapshot_files(app) -> dict[str, str]:
    return {name: hashlib.sha256(data).hexdigest() for name, data in _files(Path(app.config["UPLOAD_DIR"])).items()}


def reports_folder(app) -> Path:
    with app.app_context():
        return report_dir()


def snapshot_reports(app) -> dict[str, bytes]:
    """The issued reports' directory, byte for byte."""
    return _files(reports_folder(app))


def issued_downloads(app) -> dict[str, bytes]:
    """The issued report's three files as the app serves them to văn phòng."""
    client = app.test_client()
    sign_in(client, "vanphong")
    rid = app.config["ISSUED_REPORT"]
    return {fmt: fetch(client, f"/reports/{rid}/download/{fmt}") for fmt in FORMATS}


def download_status(app, fmt: str) -> int:
    client = app.test_client()
    sign_in(client, "vanphong")
    response = client.get(f"/reports/{app.config['ISSUED_REPORT']}/download/{fmt}")
    response.close()
    return response.status_code


def damage(app) -> None:
    """What a bad day looks like: rows deleted and changed, files lost, changed and added."""
    with app.app_context():
        db.session.execute(text("DELETE FROM task_event"))
        db.session.execute(text("UPDATE plan SET title = 'hỏng'"))
        db.session.execute(text("UPDATE user_account SET full_name = 'x'"))
        db.session.commit()
    uploads = Path(app.config["UPLOAD_DIR"])
    (uploads / "ke-hoach.docx").unlink()
    (uploads / "ab" / "bao-cao-quy-3.pdf").write_bytes(b"changed")
    (uploads / "moi.txt").write_text("không có trong bản sao lưu")
    with app.app_context():
        stored = json.loads(db.session.get(Report, app.config["ISSUED_REPORT"]).files)
        db.session.rollback()
    reports = reports_folder(app)
    (reports / stored["pdf"]).unlink()
    (reports / stored["docx"]).write_bytes(b"not the signed document")
    (reports / "report-999-lac.pdf").write_bytes(b"%PDF stray")


def rewrite(archive: Path, target: Path, change) -> Path:
    """A copy of ``archive`` where ``change(name, data)`` returns a member's new bytes, or None to drop it."""
    with tarfile.open(archive) as src, tarfile.open(target, "w") as dst:
        for member in src.getmembers():
            payload = change(member.name, src.extractfile(member).read())
            if payload is None:
                continue
            member.size = len(payload)
            dst.addfile(member, io.BytesIO(payload))
    return target


def test_restore_round_trip_gives_identical_tables_and_files(live, tmp_path):
    before_downloads = issued_downloads(live)  # signed in first: the snapshots are taken after any sign-in write
    before_tables, before_files, before_reports = snapshot_tables(live), snapshot_files(live), snapshot_reports(live)
    assert sum(map(len, before_tables.values())) > 100 and len(before_files) == 3
    assert len(before_reports) == 3 and sorted(before_reports.values()) == sorted(before_downloads.values())
    assert before_downloads["pdf"].startswith(b"%PDF")
    runner = live.test_cli_runner()
    out = runner.invoke(args=["backup", "create", "--output", str(tmp_path / "backups")])
    assert out.exit_code == 0, out.output
    archive = next((tmp_path / "backups").glob("tracker-backup-*.tar"))
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    assert "Đã sao lưu" in out.output and "3 tệp báo cáo đã ban hành" in out.output
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        assert {m.name for m in tar.getmembers() if m.name.startswith("reports/")} == {f"reports/{n}" for n in before_reports}
    assert manifest["format"] == 2
    assert manifest["reports"] == {n: hashlib.sha256(b).hexdigest() for n, b in before_reports.items()}

    damage(live)
    assert snapshot_tables(live) != before_tables and snapshot_files(live) != before_files
    assert snapshot_reports(live) != before_reports and download_status(live, "pdf") == 404

    out = runner.invoke(args=["backup", "restore", str(archive), "--yes"])
    assert out.exit_code == 0, out.output
    assert "Đã khôi phục" in out.output
    assert "3 tệp báo cáo đã ban hành" in out.output
    assert snapshot_tables(live) == before_tables
    assert snapshot_files(live) == before_files
    assert snapshot_reports(live) == before_reports  # byte for byte; the stray file is gone
    # The app works on the restored database: a page reads it, the issued report downloads as signed.
    client = live.test_client()
    assert client.get("/login").status_code == 200
    assert issued_downloads(live) == before_downloads


def _state(app) -> tuple:
    return snapshot_tables(app), snapshot_files(app), snapshot_reports(app)


@pytest.mark.parametrize(
    ("where", "hurt"),
    [
        ("uploads/ke-hoach.docx", lambda data: b"tampered"),  # an upload changed
        ("reports/*.pdf", lambda data: data[:-1] + bytes([data[-1] ^ 1])),  # one bit of the signed PDF
        ("reports/*.xlsx", lambda data: None),  # a report file missing from the archive
    ],
)
def test_a_damaged_archive_restores_nothing(live, tmp_path, where, hurt):
    with live.app_context():
        archive = create_backup(tmp_path / "b").path
    # Change (or drop) one file inside the archive: it no longer matches the manifest.
    broken = rewrite(archive, tmp_path / "broken.tar", lambda name, data: hurt(data) if Path(name).match(where) else data)
    damage(live)
    after_damage = _state(live)
    out = live.test_cli_runner().invoke(args=["backup", "restore", str(broken), "--yes"])
    assert out.exit_code != 0
    assert "Chưa khôi phục gì" in out.output
    assert ("tệp báo cáo đã ban hành" in out.output) == where.startswith("reports/")
    assert _state(live) == after_damage


def test_an_archive_from_before_the_reports_restores_and_leaves_them(live, tmp_path):
    """Format 1 (the database and the uploads only) still restores; the reports directory stays as it is."""
    before_tables, before_files = snapshot_tables(live), snapshot_files(live)
    with live.app_context():
        archive = create_backup(tmp_path / "b").path

    def as_format_1(name: str, data: bytes) -> bytes | None:
        if name.startswith("reports/"):
            return None
        if name == "manifest.json":
            manifest = json.loads(data)
            del manifest["reports"]
            return json.dumps(manifest | {"format": 1}).encode()
        return data

    old = rewrite(archive, tmp_path / "old.tar", as_format_1)
    damage(live)
    reports_after_damage = snapshot_reports(live)
    out = live.test_cli_runner().invoke(args=["backup", "restore", str(old), "--yes"])
    assert out.exit_code == 0, out.output
    assert "Đã khôi phục" in out.output and "tệp báo cáo đã ban hành" in out.output
    assert f"thư mục báo cáo {reports_folder(live)} được giữ nguyên" in out.output
    assert snapshot_tables(live) == before_tables and snapshot_files(live) == before_files
    assert snapshot_reports(live) == reports_after_damage  # left exactly as it was, stray file and all


def test_a_format_1_archive_carrying_reports_or_a_format_2_without_them_is_refused(live, tmp_path):
    with live.app_context():
        archive = create_backup(tmp_path / "b").path

    def manifest_edit(edit):
        return lambda name, data: json.dumps(edit(json.loads(data))).encode() if name == "manifest.json" else data

    cases = {
        "no_list.tar": (manifest_edit(lambda m: {k: v for k, v in m.items() if k != "reports"}), "thiếu mục reports"),
        "old_with_reports.tar": (manifest_edit(lambda m: m | {"format": 1}), "có thư mục reports/"),
        "future.tar": (manifest_edit(lambda m: m | {"format": 3}), "định dạng 3 không đọc được"),
    }
    damage(live)
    after_damage = _state(live)
    for name, (change, message) in cases.items():
        with live.app_context(), pytest.raises(BackupError, match=message):
            restore_backup(rewrite(archive, tmp_path / name, change))
        assert _state(live) == after_damage, name


def test_reports_inside_the_uploads_are_refused(tmp_path):
    clock.freeze(datetime(2025, 6, 2, 8, 30))
    app = build_app(tmp_path / "instance", name="backup", REPORTS_DIR=tmp_path / "instance" / "uploads" / "reports")
    with app.app_context(), pytest.raises(BackupError, match="lồng nhau"):
        create_backup(tmp_path / "b")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_file_that_is_no_backup_is_refused(live, tmp_path):
    bogus = tmp_path / "x.tar"
    with tarfile.open(bogus, "w") as tar:
        tar.add(__file__, arcname="something.py")
    with live.app_context(), pytest.raises(BackupError, match="manifest"):
        restore_backup(bogus)
