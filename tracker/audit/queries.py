"""Reads of the audit trail, newest first, and the lines the administrator's page shows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from tracker.audit.models import AuditAction, AuditEntry, AuditKind
from tracker.extensions import db
from tracker.formatting import fmt_datetime

PAGE_SIZE = 50
# Who made a change recorded without a named user: the command line, the demo loader, the scheduler.
NO_ACTOR = "Dòng lệnh / hệ thống"

# How the page names each recorded field (fields not listed show their own name).
FIELD_LABELS: dict[str, str] = {
    "name": "Tên",
    "short_name": "Tên viết tắt",
    "kind": "Loại",
    "parent": "Cấp trên",
    "position": "Thứ tự hiển thị",
    "email": "Thư điện tử",
    "active": "Đang hoạt động",
    "username": "Tên đăng nhập",
    "full_name": "Họ và tên",
    "role": "Vai trò",
    "unit": "Đơn vị",
    "password": "Mật khẩu",  # nosec B105 (a field label)
    "doc_type": "Loại văn bản",
    "number": "Số, ký hiệu",
    "title": "Trích yếu",
    "issuer": "Cơ quan ban hành",
    "issued_on": "Ngày ban hành",
    "year": "Năm",
    "parent_reference": "Văn bản cấp trên (không theo dõi)",
    "monitoring_unit": "Đơn vị theo dõi",
    "status": "Tình trạng",
    "requires_confirmation": "Cần Văn phòng xác nhận hoàn thành",
    "code": "Ký hiệu",
    "higher_level": "Cơ quan cấp trên của Sở",
    "day": "Ngày",
    "note": "Ghi chú",
    "shift": "Dời thời hạn rơi vào ngày nghỉ (Điều 148 BLDS)",
    "moved": "Số thời hạn được tính lại",
    "days": "Số ngày làm việc được ghi lùi",
    "plan_version": "Phiên bản trước khi sửa",
}


@dataclass(frozen=True)
class AuditLine:
    """One change as the page shows it: every value already in words."""

    at: str
    actor: str
    action: str
    kind: str
    summary: str
    changes: list[tuple[str, str, str]]
    facts: list[tuple[str, str]]


def shown(value: Any) -> str:
    """A recorded value in words: yes/no for switches, a dash for nothing."""
    if value is True:
        return "Có"
    if value is False:
        return "Không"
    if value is None or value == "":
        return "—"
    return str(value)


def _label(enum: type[AuditAction] | type[AuditKind], value: str) -> str:
    try:
        return enum(value).label
    except ValueError:
        return value  # written by a package whose names this page does not know yet


def _is_change(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2


def audit_line(entry: AuditEntry) -> AuditLine:
    details = entry.details or {}
    return AuditLine(
        at=fmt_datetime(entry.at),
        actor=entry.actor.full_name if entry.actor is not None else NO_ACTOR,
        action=_label(AuditAction, entry.action),
        kind=_label(AuditKind, entry.target_kind),
        summary=entry.summary,
        changes=[(FIELD_LABELS.get(k, k), shown(v[0]), shown(v[1])) for k, v in details.items() if _is_change(v)],
        facts=[(FIELD_LABELS.get(k, k), shown(v)) for k, v in details.items() if not _is_change(v)],
    )


def recent(limit: int = 200, target_kind: str | None = None, target_id: int | None = None) -> list[AuditEntry]:
    stmt = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if target_kind is not None:
        stmt = stmt.where(AuditEntry.target_kind == target_kind)
    if target_id is not None:
        stmt = stmt.where(AuditEntry.target_id == target_id)
    return list(db.session.scalars(stmt))


def kind_choices() -> list[tuple[str, str]]:
    """Every kind this page knows, then any other kind already recorded (another package's)."""
    known = AuditKind.choices()
    recorded = db.session.scalars(select(AuditEntry.target_kind).distinct()).all()
    values = {value for value, _ in known}
    return known + [(k, k) for k in sorted(recorded) if k not in values]


def audit_page(target_kind: str | None, page: int, per_page: int = PAGE_SIZE) -> tuple[list[AuditLine], bool]:
    """One page of changes, newest first, and whether there are older ones. One query."""
    stmt = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if target_kind:
        stmt = stmt.where(AuditEntry.target_kind == target_kind)
    entries = list(db.session.scalars(stmt.offset((page - 1) * per_page).limit(per_page + 1)))
    return [audit_line(e) for e in entries[:per_page]], len(entries) > per_page
