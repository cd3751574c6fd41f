"""This period against the last on the director's dashboard (issue 15, item 10): each headline figure's
change from the previous period of the same kind equals the two periods' figures recomputed through
their task lists."""

from __future__ import annotations

import html as html_lib
import re
from decimal import ROUND_DOWN, Decimal
from fractions import Fraction

import pytest

from tests.conftest import login

CHANGE = re.compile(r'data-testid="change-(\w+)">[^<]*<strong>([^<]+)</strong>\s*<span class="[^"]*">\(([^)]*)\)</span>', re.S)
# (dashboard query, the previous period's dates and name)
CASES = [
    ("period=quarter&index=4&year=2023", ("01/07/2023", "30/09/2023"), "Quý III/2023"),
    ("period=month&index=1&year=2024&scheme=nd09", ("15/11/2023", "14/12/2023"), "Tháng 12/2023"),
    ("period=year&year=2024", ("01/01/2023", "31/12/2023"), "Năm 2023"),
]


def _total(client, **args) -> int:
    query = "&".join(f"{k}={v}" for k, v in args.items())
    page = client.get(f"/tasks?{query}").get_data(as_text=True)
    return int(re.search(r'data-testid="total">(\d+) nhiệm vụ', page).group(1))


def _figures_from_lists(client, plan: int, start: str, end: str, as_of: str) -> dict[str, Decimal | None]:
    """A period's headline figures counted one list at a time (the task list pages, not the roll-up)."""
    args = {"plan": plan, "leaves": 1, "due_from": start, "due_to": end, "as_of": as_of}
    n = {box: _total(client, **args, box=box) for box in ("counted", "done", "done_on_time", "done_late", "open_overdue")}

    def cut(num: int, den: int) -> Decimal | None:
        if not den:
            return None
        rate = Fraction(num, den)
        return (Decimal(rate.numerator) * 100 / Decimal(rate.denominator)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)

    come_due = n["done_on_time"] + n["done_late"] + n["open_overdue"]
    return {
        "completed": Decimal(n["done"]),
        "done_on_time": Decimal(n["done_on_time"]),
        "done_late": Decimal(n["done_late"]),
        "open_overdue": Decimal(n["open_overdue"]),
        "rate_all": cut(n["done"], n["counted"]),
        "rate_due": cut(n["done_on_time"] + n["done_late"], come_due),
    }


def _number(text: str) -> Decimal:
    return Decimal(text.replace("%", "").replace(",", "."))


@pytest.mark.parametrize(("query", "before", "name"), CASES)
def test_each_change_is_the_difference_of_the_two_periods_lists(client, demo, query, before, name):
    login(client, "giamdoc", "demo-2026-tracker")
    page = client.get(f"/dashboard?plan={demo}&{query}").get_data(as_text=True)
    shown = {key: (current, html_lib.unescape(text)) for key, current, text in CHANGE.findall(page)}
    assert set(shown) == {"completed", "done_on_time", "done_late", "open_overdue", "rate_all", "rate_due"}
    counted_at = re.search(r'name="as_of" value="([^"]+)"', page).group(1)
    due_from = re.search(r"due_from=([0-9/%F]+)", html_lib.unescape(page)).group(1).replace("%2F", "/")
    due_to = re.search(r"due_to=([0-9/%F]+)", html_lib.unescape(page)).group(1).replace("%2F", "/")
    now = _figures_from_lists(client, demo, due_from, due_to, counted_at)
    then = _figures_from_lists(client, demo, *before, before[1])
    assert any(then.values()) or any(now.values())
    for key, (current, text) in shown.items():
        if now[key] is None or then[key] is None:
            assert text == f"chưa so sánh được so với {name}", key
            continue
        assert _number(current) == now[key], key
        delta = now[key] - then[key]
        sign = "+" if delta > 0 else "-" if delta < 0 else ""
        digits = f"{abs(delta):.2f}".replace(".", ",") if key.startswith("rate") else str(abs(int(delta)))
        unit = " điểm %" if key.startswith("rate") else ""
        assert text == f"{sign}{digits}{unit} so với {name}", key
    if name == "Quý III/2023":  # 18 of 22 done against 5 of 7 (tests/dashboard/test_written_periods.py)
        assert shown["completed"] == ("18", "+13 so với Quý III/2023")
        # Without a period there is nothing to compare with: the page says how to get a comparison.
        plain = client.get(f"/dashboard?plan={demo}").get_data(as_text=True)
        assert 'data-testid="period-changes-hint"' in plain and 'data-testid="period-changes"' not in plain
