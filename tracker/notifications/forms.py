"""The forms of the notifications pages: reminder rules, đôn đốc, the profile's e-mail switch."""

from __future__ import annotations

from wtforms import BooleanField, IntegerField, StringField, TextAreaField
from wtforms.validators import NumberRange, Optional

from tracker.errors import ValidationFailed
from tracker.forms import BaseForm
from tracker.notifications.rules import ReminderRules


class RulesForm(BaseForm):
    before_days = StringField("Nhắc trước hạn (ngày làm việc, cách nhau bởi dấu phẩy)", default="3, 1")
    on_due = BooleanField("Nhắc vào ngày đến hạn", default=True)
    overdue_every = IntegerField(
        "Khi quá hạn, nhắc lại sau mỗi (ngày làm việc; 0: không nhắc)",
        default=3,
        validators=[Optional(), NumberRange(0, 60, "Từ 0 đến 60.")],
    )
    escalate_after = IntegerField(
        "Báo Lãnh đạo Sở và Văn phòng khi quá hạn (ngày làm việc; 0: không báo)",
        default=5,
        validators=[Optional(), NumberRange(0, 250, "Từ 0 đến 250.")],
    )
    use_office = BooleanField("Dùng quy tắc chung của Sở")

    def fill(self, rules: ReminderRules) -> None:
        self.before_days.data = ", ".join(str(n) for n in rules.before_days)
        self.on_due.data = rules.on_due
        self.overdue_every.data = rules.overdue_every
        self.escalate_after.data = rules.escalate_after

    def rules(self) -> ReminderRules:
        """The rules as typed (``ValidationFailed`` by field when the days are not numbers; the ranges
        are checked by the operation)."""
        raw = (self.before_days.data or "").replace(";", ",")
        try:
            days = tuple(sorted({int(x) for x in raw.split(",") if x.strip()}, reverse=True))
        except ValueError:
            raise ValidationFailed({"before_days": "Nhập các số nguyên, ví dụ: 3, 1"}) from None
        return ReminderRules(days, bool(self.on_due.data), self.overdue_every.data or 0, self.escalate_after.data or 0)


class NudgeForm(BaseForm):
    note = TextAreaField("Nội dung đôn đốc", validators=[Optional()])


class ProfileForm(BaseForm):
    email_reminders = BooleanField(
        "Nhận thư điện tử nhắc việc (thư báo cáo lãnh đạo, và thư về gia hạn, xác nhận hoàn thành, giao việc, "
        "đổi thời hạn vẫn được gửi)"
    )
