"""Create and restore backups: one ``.tar`` archive holding the database, the uploads directory and the
issued reports' files.

* SQLite is copied through its online backup API (a consistent copy while the app keeps serving, WAL
  included), and restored through the same API into the live file.
* PostgreSQL is dumped with ``pg_dump --format=custom`` and restored with ``pg_restore --clean
  --single-transaction``: a restore that fails leaves the database as it was. The binaries are found
  the way ``scripts/with-postgres.sh`` finds the server (the newest ``/usr/lib/postgresql/*/bin``), unless
  ``TRACKER_PG_BIN`` names their folder; ``pg_dump`` must be at least the server's version.
* ``manifest.json`` records the kind of database, the schema revision and every file's SHA-256 — the
  uploads (``UPLOAD_DIR``, archived under ``uploads/``) and the issued reports' PDF/DOCX/XLSX
  (``reports.operations.report_dir()``, archived under ``reports/``); the restore checks each file
  against it before it replaces anything, then swaps both directories in.
* Format 1 (before the reports were archived) has no ``reports`` entry: it still restores, and leaves
  the reports directory as it is (``RestoreResult.reports`` is None). The background documents
  (``instance/documents``, 7-day exports made again on request) are not archived.
"""

from __future__ import annotations

import getpass
import hashlib
import io
import json
import logging
import os
import re
import shutil
import sqlite3
import subprocess  # pg_dump / pg_restore, run with an argument list, never a shell  # nosec B404
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import text
from sqlalchemy.engine import make_url

from tracker import clock
from tracker.extensions import db

log = logging.getLogger(__name__)

FORMAT = 2
READABLE_FORMATS = (1, 2)  # 1: the database and the uploads only, before the reports were archived
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
UPLOADS = "uploads"
REPORTS = "reports"


class BackupError(Exception):
    """A backup or restore that cannot go on; ``str(exc)`` is the message for the administrator."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    database: str
    files: int
    reports: int = 0


@dataclass(frozen=True)
class RestoreResult:
    manifest: dict
    files: int
    reports: int | None  # None: a format-1 archive, the reports directory left as it was
    reports_dir: Path


def _actor() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in a container without /etc/passwd entry
        return f"uid {os.getuid()}"


def _kind() -> str:
    name = make_url(str(current_app.config["SQLALCHEMY_DATABASE_URI"])).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"Không hỗ trợ sao lưu cơ sở dữ liệu loại {name}.")
    return name


def _sqlite_path() -> Path:
    database = make_url(str(current_app.config["SQLALCHEMY_DATABASE_URI"])).database
    if not database or database == ":memory:":
        raise BackupError("Cơ sở dữ liệu SQLite trong bộ nhớ không sao lưu được.")
    return Path(database)


def pg_binary(name: str) -> str:
    """``pg_dump`` or ``pg_restore``: TRACKER_PG_BIN, else the newest Debian cluster's, else the PATH's."""
    folder = os.environ.get("TRACKER_PG_BIN")
    candidates = [Path(folder) / name] if folder else []

    def version(p: Path) -> tuple[int, ...]:
        return tuple(int(x) for x in re.findall(r"\d+", p.parent.parent.name)) or (0,)

    candidates += sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=version, reverse=True)
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if found:
        return found
    raise BackupError(f"Không tìm thấy {name} (cài gói postgresql-client hoặc đặt TRACKER_PG_BIN).")


def _pg_args() -> tuple[list[str], dict[str, str]]:
    """libpq connection options and environment: the password travels in PGPASSWORD, never in argv."""
    url = make_url(str(current_app.config["SQLALCHEMY_DATABASE_URI"]))
    args = ["--dbname", url.database or "", "--host", url.host or "localhost", "--port", str(url.port or 5432)]
    if url.username:
        args += ["--username", url.username]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _run(cmd: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # fixed argv, no shell  # nosec B603
    if done.returncode != 0:
        raise BackupError(f"{Path(cmd[0]).name} thất bại: {done.stderr.strip()[-2000:]}")


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _upload_files(folder: Path) -> dict[str, str]:
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): _digest(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def _folders() -> tuple[Path, Path]:
    """The uploads and the issued reports' directories, refused when one lies inside the other (each is
    archived and swapped in on its own)."""
    from tracker.reports.operations import report_dir

    uploads, reports = Path(current_app.config["UPLOAD_DIR"]), report_dir()
    real_uploads, real_reports = uploads.resolve(), reports.resolve()
    if real_uploads.is_relative_to(real_reports) or real_reports.is_relative_to(real_uploads):
        raise BackupError(f"Thư mục báo cáo {reports} và thư mục tệp đính kèm {uploads} lồng nhau: hãy tách riêng.")
    return uploads, reports


def _revision() -> str | None:
    try:
        return db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:
        db.session.rollback()
        return None


def _dump_database(kind: str, work: Path) -> Path:
    if kind == "sqlite":
        target = work / SQLITE_MEMBER
        source = sqlite3.connect(_sqlite_path())
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)
        finally:
            dest.close()
            source.close()
        return target
    target = work / PG_MEMBER
    args, env = _pg_args()
    _run([pg_binary("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", str(target), *args], env)
    return target


def create_backup(output_dir: Path, now: datetime | None = None) -> BackupResult:
    """Write ``tracker-backup-YYYYmmdd-HHMMSS.tar`` into ``output_dir`` (created owner-only)."""
    kind = _kind()
    moment = now or clock.now()
    output_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    uploads, reports_dir = _folders()
    files = _upload_files(uploads)
    reports = _upload_files(reports_dir)
    path = output_dir / f"tracker-backup-{moment:%Y%m%d-%H%M%S}.tar"
    with tempfile.TemporaryDirectory(dir=output_dir) as tmp:
        dump = _dump_database(kind, Path(tmp))
        manifest = {
            "format": FORMAT,
            "database": kind,
            "revision": _revision(),
            "created_at": moment.isoformat(),
            "created_by": _actor(),
            "files": files,
            "reports": reports,
        }
        partial = path.with_suffix(".tar.partial")
        with tarfile.open(partial, "w") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode = len(data), 0o600
            tar.addfile(info, io.BytesIO(data))
            tar.add(dump, arcname=dump.name)
            for name in files:
                tar.add(uploads / name, arcname=f"{UPLOADS}/{name}")
            for name in reports:
                tar.add(reports_dir / name, arcname=f"{REPORTS}/{name}")
        partial.chmod(0o600)
        partial.replace(path)  # a backup that stopped half-way never looks like a finished one
    log.info("backup %s created by %s (%s, %d files, %d report files)", path, _actor(), kind, len(files), len(reports))
    return BackupResult(path, kind, len(files), len(reports))


def _read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        member = tar.extractfile(MANIFEST)
    except KeyError:
        member = None
    if member is None:
        raise BackupError("Tệp không phải bản sao lưu của hệ thống (thiếu manifest.json).")
    manifest = json.loads(member.read())
    if not isinstance(manifest, dict) or manifest.get("format") not in READABLE_FORMATS:
        found = manifest.get("format") if isinstance(manifest, dict) else None
        raise BackupError(f"Bản sao lưu định dạng {found} không đọc được.")
    if manifest["format"] == 1:
        manifest.pop("reports", None)  # format 1 never archived the reports: nothing of them is trusted
    expected = {"database": str, "files": dict} | ({"reports": dict} if manifest["format"] >= 2 else {})
    for key, kind in expected.items():
        if not isinstance(manifest.get(key), kind):
            raise BackupError(f"Bản sao lưu bị hỏng: manifest.json thiếu mục {key}. Chưa khôi phục gì.")
    return manifest


def _check_folder(expected: dict[str, str], staged: Path, label: str) -> None:
    found = _upload_files(staged)
    if found != expected:
        missing = sorted(set(expected) - set(found))
        changed = sorted(k for k in found if expected.get(k) != found[k])
        raise BackupError(f"Bản sao lưu bị hỏng ({label}): thiếu {missing[:5]}, khác {changed[:5]}. Chưa khôi phục gì.")


def _check_files(manifest: dict, staged: Path) -> None:
    _check_folder(manifest["files"], staged / UPLOADS, "tệp đính kèm")
    if "reports" in manifest:
        _check_folder(manifest["reports"], staged / REPORTS, "tệp báo cáo đã ban hành")
    elif (staged / REPORTS).exists():
        raise BackupError("Bản sao lưu bị hỏng: có thư mục reports/ mà manifest.json không ghi. Chưa khôi phục gì.")


def _restore_database(kind: str, staged: Path) -> None:
    db.session.remove()
    db.engine.dispose()  # no pooled connection may hold the database while it is replaced
    if kind == "sqlite":
        source = sqlite3.connect(staged / SQLITE_MEMBER)
        dest = sqlite3.connect(_sqlite_path())
        try:
            source.backup(dest)
        finally:
            dest.close()
            source.close()
        return
    args, env = _pg_args()
    cmd = [pg_binary("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction"]
    _run([*cmd, *args, str(staged / PG_MEMBER)], env)


def _swap_folders(pairs: list[tuple[Path, Path]]) -> None:
    """Put each staged folder in place of its live one: every live folder is first set aside (renamed
    beside itself), then the staged ones moved in, then the old ones deleted."""
    aside = []
    for fresh, live in pairs:
        live.parent.mkdir(parents=True, exist_ok=True)
        fresh.mkdir(exist_ok=True)
        old = live.with_name(live.name + ".before-restore")
        if old.exists():
            shutil.rmtree(old)
        if live.exists():
            live.rename(old)
        aside.append(old)
    for fresh, live in pairs:
        shutil.move(str(fresh), str(live))
    for old in aside:
        if old.exists():
            shutil.rmtree(old)


def restore_backup(archive: Path) -> RestoreResult:
    """Replace the database, the uploads and the issued reports' files with the archive's.

    Everything is checked first (the kind of database, each file's checksum); then the database is
    restored (PostgreSQL in one transaction) and the uploads and reports directories swapped in. A
    format-1 archive holds no reports: the reports directory is then left as it is.
    """
    kind = _kind()
    if not archive.is_file():
        raise BackupError(f"Không có tệp {archive}.")
    uploads, reports_dir = _folders()
    work_parent = uploads.parent
    work_parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=work_parent) as tmp:
        staged = Path(tmp)
        try:
            with tarfile.open(archive, "r") as tar:
                manifest = _read_manifest(tar)
                tar.extractall(staged, filter="data")  # refuses absolute paths, "..", links out of staged
        except (tarfile.TarError, json.JSONDecodeError) as exc:
            raise BackupError(f"Không đọc được bản sao lưu: {exc}") from None
        if manifest["database"] != kind:
            raise BackupError(f"Bản sao lưu của cơ sở dữ liệu {manifest['database']} không khôi phục được vào {kind}.")
        _check_files(manifest, staged)
        _restore_database(kind, staged)
        pairs = [(staged / UPLOADS, uploads)]
        if "reports" in manifest:
            pairs.append((staged / REPORTS, reports_dir))
        _swap_folders(pairs)
    reports = len(manifest["reports"]) if "reports" in manifest else None
    log.warning(
        "backup %s (format %s, created %s) restored by %s: database, %d files and %s report files replaced",
        archive,
        manifest["format"],
        manifest.get("created_at"),
        _actor(),
        len(manifest["files"]),
        "no (reports directory left as it was)" if reports is None else reports,
    )
    return RestoreResult(manifest, len(manifest["files"]), reports, reports_dir)
