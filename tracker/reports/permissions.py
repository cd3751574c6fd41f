"""Who may do what with reports (checked on the server by the pages, the API and the CLI alike)."""

from __future__ import annotations

from tracker.accounts.models import Role, User
from tracker.reports.models import Report


def can_draft_reports(user: User) -> bool:
    """Văn phòng writes the reports (and the administrator, who stands in for it)."""
    return user.role in (Role.OFFICE, Role.ADMIN)


def can_read_drafts(user: User) -> bool:
    return user.role in (Role.OFFICE, Role.ADMIN, Role.LEADER)


def can_issue(user: User) -> bool:
    """Văn phòng issues; lãnh đạo, who signs, may issue too."""
    return user.role in (Role.OFFICE, Role.LEADER)


def can_read_report(user: User, report: Report) -> bool:
    """An issued report may be read by whoever may read its plan (every account of the Sở); a draft by
    those who write or sign it."""
    return report.is_issued or can_read_drafts(user)


def can_edit_office(user: User) -> bool:
    return user.role is Role.ADMIN
