"""Forms of the administrator's calendar page."""

from __future__ import annotations

from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from tracker.forms import BaseForm, VNDateField
from tracker.rules.completion import MAX_BACKDATE_WORKING_DAYS
from tracker.settings.models import CalendarDayKind


class CalendarDayForm(BaseForm):
    day = VNDateField("Ngày", validators=[DataRequired("Vui lòng nhập ngày (dd/mm/yyyy).")])
    kind = SelectField("Loại", choices=[(k.value, k.label) for k in CalendarDayKind])
    note = StringField("Ghi chú", validators=[Optional(), Length(max=200, message="Tối đa 200 ký tự.")])


class ShiftForm(BaseForm):
    shift = BooleanField("Thời hạn rơi vào ngày nghỉ được chuyển sang ngày làm việc tiếp theo (Điều 148 Bộ luật Dân sự 2015)")


class BackdateForm(BaseForm):
    days = IntegerField(
        "Trưởng đơn vị được ghi ngày hoàn thành lùi tối đa (ngày làm việc)",
        validators=[
            InputRequired("Vui lòng nhập số ngày làm việc."),
            NumberRange(0, MAX_BACKDATE_WORKING_DAYS, f"Số ngày làm việc phải từ 0 đến {MAX_BACKDATE_WORKING_DAYS}."),
        ],
        description="Ngày sớm hơn chỉ Văn phòng hoặc Lãnh đạo Sở được ghi. 0: chỉ ngày hôm nay.",
    )


class DeleteDayForm(BaseForm):
    day = StringField(validators=[DataRequired()])
