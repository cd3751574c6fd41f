"""The calendar feed buttons (a form each, for the CSRF token)."""

from __future__ import annotations

from wtforms import SubmitField

from tracker.forms import BaseForm


class FeedForm(BaseForm):
    submit = SubmitField("Tạo địa chỉ lịch")


class RevokeFeedForm(BaseForm):
    submit = SubmitField("Thu hồi")
