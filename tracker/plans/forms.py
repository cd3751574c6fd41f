from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from tracker.accounts.forms import _optional_int
from tracker.forms import BaseForm, OneTimeTokenMixin, VNDateField
from tracker.plans.models import PlanStatus
from tracker.rules.documents import DocumentType


class PlanForm(OneTimeTokenMixin, BaseForm):
    # The version the form was read at (issue 16.9): an edit based on an older one is refused.
    version = HiddenField()
    doc_type = SelectField("Loại văn bản", choices=[(t.value, t.label) for t in DocumentType])
    number = StringField(
        "Số ký hiệu",
        validators=[DataRequired("Vui lòng nhập số ký hiệu."), Length(max=80, message="Tối đa 80 ký tự.")],
        description="Ví dụ: 01/KH.CCHC-STTTT, 199/KH-UBND (chữ thường được chuyển thành chữ in hoa)",
    )
    title = TextAreaField(
        "Trích yếu", validators=[DataRequired("Vui lòng nhập trích yếu."), Length(max=2000, message="Tối đa 2.000 ký tự.")]
    )
    issuer_id = SelectField(
        "Cơ quan ban hành",
        coerce=_optional_int,
        validators=[DataRequired("Vui lòng chọn cơ quan ban hành.")],
        description="Chọn trong danh mục; cơ quan chưa có trong danh mục do Quản trị bổ sung.",
    )
    issued_on = VNDateField("Ngày ban hành", validators=[DataRequired("Vui lòng nhập ngày ban hành (dd/mm/yyyy).")])
    year = IntegerField(
        "Năm kế hoạch",
        validators=[Optional(), NumberRange(2000, 2100, "Năm không hợp lệ.")],
        description="Để trống: lấy năm của ngày ban hành.",
    )
    parent_id = SelectField("Thực hiện văn bản cấp trên (đang theo dõi)", coerce=_optional_int)
    parent_reference = StringField(
        "Hoặc văn bản cấp trên không theo dõi",
        validators=[Optional(), Length(max=300, message="Tối đa 300 ký tự.")],
        description="Ví dụ: Kế hoạch số 199/KH-UBND ngày 11/12/2023 của UBND tỉnh",
    )
    monitoring_unit_id = SelectField("Đơn vị theo dõi, đôn đốc", coerce=_optional_int)
    status = SelectField("Tình trạng", choices=[(s.value, s.label) for s in PlanStatus], default=PlanStatus.ACTIVE.value)
    requires_confirmation = BooleanField("Văn phòng xác nhận khi đơn vị báo hoàn thành", default=True)


class IssuerForm(BaseForm):
    name = StringField(
        "Tên cơ quan ban hành",
        validators=[DataRequired("Vui lòng nhập tên cơ quan ban hành."), Length(max=200, message="Tối đa 200 ký tự.")],
        description="Tên đầy đủ, ví dụ: Ủy ban nhân dân tỉnh Bắc Giang",
    )
    code = StringField(
        "Ký hiệu viết tắt",
        validators=[Optional(), Length(max=40, message="Tối đa 40 ký tự.")],
        description="Ví dụ: UBND, SNV, TTg",
    )
    active = BooleanField("Đang sử dụng", default=True)
    higher_level = BooleanField(
        "Cơ quan cấp trên của Sở (UBND tỉnh, Bộ, Chính phủ)",
        description="Nhiệm vụ trong văn bản của cơ quan này được báo cáo là “nhiệm vụ cấp trên giao”.",
    )


class IssuerDeleteForm(BaseForm):
    """Only the CSRF token."""


class PlanDocumentForm(BaseForm):
    """The plan's own signed document (plans.operations.add_plan_document checks the file)."""

    file = FileField("Tệp văn bản (PDF, Word)")
    note = StringField("Ghi chú phiên bản", validators=[Optional(), Length(max=200, message="Tối đa 200 ký tự.")])


class PlanDocumentDeleteForm(BaseForm):
    pass
