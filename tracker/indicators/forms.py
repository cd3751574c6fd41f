from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from tracker.accounts.forms import _optional_int
from tracker.forms import BaseForm
from tracker.indicators.models import RowKind
from tracker.rules.deadlines import Frequency


class IndicatorForm(BaseForm):
    ordinal = StringField("STT", validators=[Optional(), Length(max=20, message="Tối đa 20 ký tự.")])
    title = TextAreaField(
        "Nội dung chỉ tiêu",
        validators=[DataRequired("Vui lòng nhập nội dung chỉ tiêu."), Length(max=2000, message="Tối đa 2.000 ký tự.")],
        description="Như văn bản ghi, ví dụ: Tỷ lệ hồ sơ được xử lý hoàn toàn trực tuyến đạt trên 70%. "
        "Chỉ tiêu nhiều phần: ghi các phần trong ngoặc, cách nhau bởi dấu chấm phẩy.",
    )
    group_title = StringField("Nhóm chỉ tiêu", validators=[Optional(), Length(max=300, message="Tối đa 300 ký tự.")])
    lead_text = StringField(
        "Đơn vị chủ trì (như văn bản ghi)", validators=[Optional(), Length(max=300, message="Tối đa 300 ký tự.")]
    )
    lead_unit_ids = SelectMultipleField("Đơn vị chủ trì nhập kết quả", coerce=int)
    monitoring_unit_id = SelectField("Đơn vị theo dõi, đôn đốc", coerce=_optional_int)
    frequency = SelectField(
        "Kỳ báo cáo kết quả",
        choices=[("", "Theo chế độ báo cáo của kế hoạch")] + [(f.value, f.label) for f in Frequency],
        default="",
    )
    targets = TextAreaField(
        "Sửa chỉ tiêu đọc được (mỗi phần một dòng)",
        validators=[Optional(), Length(max=2000, message="Tối đa 2.000 ký tự.")],
        description="Để trống: đọc từ nội dung. Ví dụ: trên 70%, tối thiểu 70%, 100%, 12 văn bản.",
    )


class ResultForm(BaseForm):
    period_code = SelectField("Kỳ báo cáo", validate_choice=False)
    note = TextAreaField("Ghi chú", validators=[Optional(), Length(max=5000, message="Tối đa 5.000 ký tự.")])
    evidence = FileField("Tài liệu kiểm chứng")


class DecisionForm(BaseForm):
    reason = TextAreaField("Lý do trả lại", validators=[Optional(), Length(max=5000, message="Tối đa 5.000 ký tự.")])


class PlainForm(BaseForm):
    """Only the CSRF token."""


class StatFormForm(BaseForm):
    title = StringField(
        "Tên biểu thống kê",
        validators=[DataRequired("Vui lòng nhập tên biểu thống kê."), Length(max=300, message="Tối đa 300 ký tự.")],
    )
    year = IntegerField("Năm", validators=[DataRequired("Vui lòng nhập năm."), NumberRange(2000, 2100, "Năm không hợp lệ.")])


class CopyFormForm(BaseForm):
    year = IntegerField("Sao chép sang năm", validators=[Optional(), NumberRange(2000, 2100, "Năm không hợp lệ.")])


class RowForm(BaseForm):
    ordinal = StringField("STT", validators=[Optional(), Length(max=20, message="Tối đa 20 ký tự.")])
    label = TextAreaField(
        "Chỉ tiêu thống kê",
        validators=[DataRequired("Vui lòng nhập tên chỉ tiêu thống kê."), Length(max=2000, message="Tối đa 2.000 ký tự.")],
    )
    unit_label = StringField("Đơn vị tính", validators=[Optional(), Length(max=100, message="Tối đa 100 ký tự.")])
    note = TextAreaField("Ghi chú", validators=[Optional(), Length(max=2000, message="Tối đa 2.000 ký tự.")])
    kind = SelectField("Số liệu", choices=[(k.value, k.label) for k in RowKind], default=RowKind.TYPED.value)
    plan_id = SelectField("Kế hoạch (dòng lấy số liệu từ kế hoạch)", coerce=_optional_int)
    indicator_id = SelectField("Chỉ tiêu (dòng lấy kết quả chỉ tiêu)", coerce=_optional_int)
    unit_id = SelectField("Đơn vị nhập số liệu (dòng nhập theo kỳ)", coerce=_optional_int)


class ValueForm(BaseForm):
    period_code = StringField(
        "Kỳ", validators=[DataRequired("Vui lòng nhập kỳ.")], description="Ví dụ: Y-2023 (năm), Q4-2023 (quý)"
    )
    value = StringField(
        "Số liệu", validators=[DataRequired("Vui lòng nhập số liệu."), Length(max=200, message="Tối đa 200 ký tự.")]
    )
