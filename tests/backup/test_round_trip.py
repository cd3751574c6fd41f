"""A backup restores to identical data: every table, every row, every uploaded file (issue 16, item 11).

Runs on the suite's database kind: a SQLite file, or PostgreSQL through pg_dump/pg_restore when
TEST_DATABASE_URL is set (CI's PostgreSQL run). Its own database, committed for real, with the demo.
"""

from __future__ import annotations

import hashlib
import io
import os
import tarfile
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from tests.conftest import build_app
from tracker import clock
from tracker.backup.operations import BackupError, create_backup, restore_backup
from tracker.demo import load_demo
from tracker.extensions import db


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


def snapshot_files(app) -> dict[str, str]:
    root = Path(app.config["UPLOAD_DIR"])
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()}


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


def test_restore_round_trip_gives_identical_tables_and_files(live, tmp_path):
    before_tables, before_files = snapshot_tables(live), snapshot_files(live)
    assert sum(map(len, before_tables.values())) > 100 and len(before_files) == 3
    runner = live.test_cli_runner()
    out = runner.invoke(args=["backup", "create", "--output", str(tmp_path / "backups")])
    assert out.exit_code == 0, out.output
    archive = next((tmp_path / "backups").glob("tracker-backup-*.tar"))
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    assert "Đã sao lưu" in out.output

    damage(live)
    assert snapshot_tables(live) != before_tables and snapshot_files(live) != before_files

    out = runner.invoke(args=["backup", "restore", str(archive), "--yes"])
    assert out.exit_code == 0, out.output
    assert "Đã khôi phục" in out.output
    assert snapshot_tables(live) == before_tables
    assert snapshot_files(live) == before_files
    # The app works on the restored database: a page reads it.
    client = live.test_client()
    assert client.get("/login").status_code == 200


def test_a_damaged_archive_restores_nothing(live, tmp_path):
    with live.app_context():
        archive = create_backup(tmp_path / "b").path
    # Change one file inside the archive: its checksum no longer matches the manifest.
    broken = tmp_path / "broken.tar"
    with tarfile.open(archive) as src, tarfile.open(broken, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member)
            if member.name.endswith("ke-hoach.docx"):
                payload = b"tampered"
                member.size = len(payload)
                data = io.BytesIO(payload)
            dst.addfile(member, data)
    damage(live)
    after_damage = snapshot_tables(live), snapshot_files(live)
    out = live.test_cli_runner().invoke(args=["backup", "restore", str(broken), "--yes"])
    assert out.exit_code != 0
    assert "Chưa khôi phục gì" in out.output
    assert (snapshot_tables(live), snapshot_files(live)) == after_damage


def test_a_file_that_is_no_backup_is_refused(live, tmp_path):
    bogus = tmp_path / "x.tar"
    with tarfile.open(bogus, "w") as tar:
        tar.add(__file__, arcname="something.py")
    with live.app_context(), pytest.raises(BackupError, match="manifest"):
        restore_backup(bogus)
