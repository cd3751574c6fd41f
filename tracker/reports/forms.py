"""The Báo cáo page's forms: what the report covers, the four narrative sections, the office details
(settings and per-report override), and issuing."""

from __future__ import annotations

from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from tracker.accounts.forms import _optional_int
from tracker.forms import BaseForm, VNDateField
from tracker.reports.models import SECTIONS, ReportScope
from tracker.rules.periods import PeriodKind, Scheme

PERIOD_CHOICES = [("", "— Không theo kỳ (lũy kế đến ngày chốt) —")] + [(k.value, k.label) for k in PeriodKind]


class ReportForm(BaseForm):
    scope = SelectField("Phạm vi báo cáo", choices=[(s.value, s.label) for s in ReportScope], default=ReportScope.PLAN.value)
    plan_id = SelectField("Kế hoạch, văn bản", coerce=_optional_int)
    year = IntegerField("Năm", validators=[Optional(), NumberRange(2000, 2100, "Năm không hợp lệ.")])
    period_kind = SelectField("Kỳ báo cáo", choices=PERIOD_CHOICES, default="")
    period_index = IntegerField(
        "Tháng / quý số", validators=[Optional(), NumberRange(1, 12, "Số kỳ không hợp lệ.")], description="Ví dụ: 3 cho quý III"
    )
    period_year = IntegerField("Năm của kỳ", validators=[Optional(), NumberRange(2000, 2100, "Năm không hợp lệ.")])
    period_scheme = SelectField("Cách tính kỳ", choices=[(s.value, s.label) for s in Scheme], default=Scheme.CALENDAR.value)
    as_of = VNDateField("Ngày chốt số liệu", validators=[DataRequired("Vui lòng nhập ngày chốt số liệu (dd/mm/yyyy).")])
    subject = TextAreaField(
        "Trích yếu",
        validators=[Optional(), Length(max=1000, message="Tối đa 1.000 ký tự.")],
        description="Để trống: “Kết quả thực hiện …” theo phạm vi và kỳ đã chọn.",
        render_kw={"rows": 2},
    )
    achievements = TextAreaField(SECTIONS[0][1], render_kw={"rows": 6})
    shortcomings = TextAreaField(SECTIONS[1][1], render_kw={"rows": 4})
    proposals = TextAreaField(SECTIONS[2][1], render_kw={"rows": 4})
    next_tasks = TextAreaField(SECTIONS[3][1], render_kw={"rows": 4})
    office_signer_name = StringField("Người ký (nếu khác cài đặt chung)", validators=[Optional(), Length(max=200)])
    office_signer_title = StringField("Chức vụ người ký (nếu khác)", validators=[Optional(), Length(max=200)])
    office_recipients = TextAreaField("Nơi nhận (nếu khác; mỗi dòng một nơi)", render_kw={"rows": 3})


class OfficeForm(BaseForm):
    governing_body = StringField(
        "Cơ quan, tổ chức chủ quản", description="Ví dụ: UBND TỈNH BẮC GIANG", validators=[Length(max=300)]
    )
    name = StringField("Tên cơ quan ban hành báo cáo", description="Ví dụ: SỞ NỘI VỤ", validators=[Length(max=300)])
    code = StringField("Chữ viết tắt tên cơ quan", description="Trong số ký hiệu: …/BC-SNV", validators=[Length(max=40)])
    place = StringField("Địa danh", description="Ví dụ: Bắc Giang", validators=[Length(max=100)])
    head_title = StringField("Chức danh người đứng đầu", description="Ví dụ: GIÁM ĐỐC", validators=[Length(max=100)])
    signer_title = StringField(
        "Chức vụ người ký", description="GIÁM ĐỐC, hoặc PHÓ GIÁM ĐỐC khi ký thay", validators=[Length(max=100)]
    )
    deputy = BooleanField("Cấp phó ký thay (in “KT. GIÁM ĐỐC”)")
    signer_name = StringField("Họ và tên người ký", validators=[Length(max=200)])
    recipients = TextAreaField("Nơi nhận (mỗi dòng một nơi)", render_kw={"rows": 4})
    archive = StringField("Lưu", description="Ví dụ: VT, VP", validators=[Length(max=100)])


class IssueForm(BaseForm):
    serial = StringField(
        "Số báo cáo",
        validators=[DataRequired("Vui lòng nhập số của báo cáo (ví dụ 12).")],
        description="Chỉ phần số; ký hiệu /BC-… được thêm tự động.",
    )


class DeleteForm(BaseForm):
    """Only the CSRF token."""
