from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import HiddenField, IntegerField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from tracker.accounts.forms import _optional_int
from tracker.forms import BaseForm, OneTimeTokenMixin, VNDateField
from tracker.rules.numbers import INT_MAX
from tracker.rules.status import TaskStatus


class VersionMixin:
    """The version of the task the form was read at (issue 16.9): a write based on an older one is
    refused (``tracker.tasks.versions``)."""

    version = HiddenField()


class TaskForm(VersionMixin, OneTimeTokenMixin, BaseForm):
    ordinal = StringField(
        "Số thứ tự",
        validators=[Optional(), Length(max=30, message="Tối đa 30 ký tự.")],
        description="Để trống để đánh số tự động (1, 1.1, 1.2…); có thể ghi I, II, a, b…",
    )
    title = TextAreaField(
        "Tên nhiệm vụ / phần việc",
        validators=[DataRequired("Vui lòng nhập tên nhiệm vụ."), Length(max=2000, message="Tối đa 2.000 ký tự.")],
    )
    description = TextAreaField("Nội dung chi tiết", validators=[Optional()])
    lead_unit_id = SelectField("Đơn vị chủ trì", coerce=_optional_int, validators=[DataRequired("Vui lòng chọn đơn vị chủ trì.")])
    # Searchable with JavaScript (static/js/multiselect.js, Tom Select); a plain list without.
    cooperating_unit_ids = SelectMultipleField(
        "Đơn vị phối hợp", coerce=int, render_kw={"data-multiselect": True, "data-placeholder": "Gõ để tìm đơn vị…"}
    )
    assignee_id = SelectField("Người thực hiện", coerce=_optional_int, validate_choice=False)
    start_date = VNDateField("Ngày bắt đầu")
    deadline_text = StringField(
        "Thời hạn theo văn bản",
        validators=[Optional(), Length(max=300, message="Tối đa 300 ký tự.")],
        description="Ví dụ: Quý III/2024; Trong năm 2024; Thường xuyên; trước ngày 15 của tháng cuối quý",
    )
    due_date = VNDateField("Hoặc ngày hết hạn cụ thể", description="Nếu nhập, ngày này được dùng làm thời hạn.")


class ProgressForm(VersionMixin, BaseForm):
    status = SelectField("Trạng thái", choices=[(s.value, s.label) for s in TaskStatus])
    progress = IntegerField("Tiến độ (%)", validators=[Optional(), NumberRange(0, 100, "Tiến độ phải từ 0 đến 100%%.")])
    completed_on = VNDateField("Ngày hoàn thành", description="Để trống: hôm nay.")
    result = TextAreaField("Kết quả thực hiện", validators=[Optional(), Length(max=20000, message="Quá dài.")])


class AssignForm(VersionMixin, BaseForm):
    assignee_id = SelectField("Giao cho", coerce=_optional_int)


class ConfirmForm(VersionMixin, BaseForm):
    """Xác nhận hoàn thành: nothing to type, only the version."""


class DeleteForm(VersionMixin, BaseForm):
    """Xoá / hủy nhiệm vụ: what the page said (deleted, or cancelled as it has history) holds for the
    version it was read at."""


class ReturnForm(VersionMixin, BaseForm):
    reason = TextAreaField("Lý do trả lại", validators=[DataRequired("Vui lòng nêu lý do trả lại.")])


class ExtensionForm(OneTimeTokenMixin, BaseForm):
    proposed_due = VNDateField("Thời hạn đề nghị", validators=[DataRequired("Vui lòng nhập thời hạn đề nghị (dd/mm/yyyy).")])
    reason = TextAreaField("Lý do", validators=[DataRequired("Vui lòng nêu lý do xin gia hạn.")])


class DecisionForm(VersionMixin, BaseForm):
    decision = RadioField(
        "Quyết định",
        choices=[("approve", "Duyệt"), ("reject", "Không duyệt")],
        validators=[DataRequired("Vui lòng chọn duyệt hoặc không duyệt.")],
    )
    decision_note = TextAreaField("Ý kiến", validators=[Optional()])


class AttachmentForm(OneTimeTokenMixin, BaseForm):
    file = FileField("Tài liệu kiểm chứng")


class MoveForm(VersionMixin, BaseForm):
    parent_id = SelectField("Chuyển vào", coerce=_optional_int)
    # A plan of thousands of tasks: its parent is given by number (the #… of its page and of the search),
    # not chosen from a list of every task (tasks.views.MOVE_CHOICES_LIMIT).
    parent_number = IntegerField(
        "Chuyển vào nhiệm vụ số",
        validators=[Optional(), NumberRange(1, INT_MAX, "Mã số nhiệm vụ không hợp lệ.")],
        description="Số sau dấu # ở đầu trang của nhiệm vụ cha; để trống: chuyển lên cấp cao nhất.",
    )
    by_number = False
    position = IntegerField("Vị trí", validators=[Optional(), NumberRange(1, 10000, "Vị trí không hợp lệ.")])
