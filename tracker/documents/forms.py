"""The one form of *Tệp đã xuất*: removing a file (its CSRF token is all it carries)."""

from __future__ import annotations

from tracker.forms import BaseForm


class RemoveForm(BaseForm):
    pass
