"""The report's spreadsheet colours each box's row with the box's own colour (rules.status.Box)."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.reports.conftest import create_draft, draft_id, plan_id, sign_in
from tracker.reports.document import BOX_LABELS
from tracker.rules.colours import BADGE_TEXT, argb


def test_the_box_rows_of_the_xlsx_carry_the_box_colours(demo, client):
    token = sign_in(client, "vanphong")
    rid = draft_id(create_draft(client, token, plan_id(demo)))
    ws = load_workbook(io.BytesIO(client.get(f"/reports/{rid}/download/xlsx").data))["Tiến độ"]
    by_label = {row[0].value: row[0] for row in ws.iter_rows() if row[0].value}
    for box, label in BOX_LABELS:
        cell = by_label[label]
        assert (cell.fill.fgColor.rgb, cell.font.color.rgb) == (argb(box.hex), argb(BADGE_TEXT)), label
    total = by_label["Tổng số phần việc"]
    assert total.fill.fill_type is None and total.font.b
