"""A plan's tree shown a page at a time (issue 16 item 3: no request may cost seconds at the shared
workload's million tasks, whose plans hold 5,000–28,000 tasks): rows in tree order, parents kept above
their children across the break, the figures of the whole plan on every page."""

from __future__ import annotations

import re

import pytest

from tests.conftest import login
from tracker.accounts.models import Role
from tracker.plans import views as plan_views


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(plan_views, "PLAN_PAGE_ROWS", 3)


def _titles(html: str) -> list[str]:
    table = html.split('data-testid="task-tree"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<a href="/tasks/\d+">([^<]+)</a>', table)


def test_the_tree_is_cut_into_pages_in_tree_order(client, factory, small_pages):
    unit = factory.unit()
    plan = factory.plan()
    first = factory.task(plan, unit, title="Nhiệm vụ 1")
    factory.task(plan, unit, parent_id=first, title="Phần việc 1.1")
    factory.task(plan, unit, parent_id=first, title="Phần việc 1.2")
    second = factory.task(plan, unit, title="Nhiệm vụ 2")
    factory.task(plan, unit, parent_id=second, title="Phần việc 2.1")
    login(client, factory.user(Role.OFFICE))

    pages = [client.get(f"/plans/{plan}?page={n}").get_data(as_text=True) for n in (1, 2)]
    assert _titles(pages[0]) == ["Nhiệm vụ 1", "Phần việc 1.1", "Phần việc 1.2"]
    assert _titles(pages[1]) == ["Nhiệm vụ 2", "Phần việc 2.1"]
    assert "Trang 1/2" in pages[0] and "Trang 2/2" in pages[1]
    # The plan's figures are the whole plan's on every page (3 leaves, whichever page is shown).
    headline = [re.search(r"(\d+)/(\d+) phần việc", p) for p in pages]
    assert all(h is not None and h.group(2) == "3" for h in headline)
    # A page past the end shows the last one, a page below 1 the first.
    assert _titles(client.get(f"/plans/{plan}?page=99").get_data(as_text=True)) == ["Nhiệm vụ 2", "Phần việc 2.1"]
    assert _titles(client.get(f"/plans/{plan}?page=0").get_data(as_text=True))[0] == "Nhiệm vụ 1"


def test_a_plan_that_fits_has_no_pager(client, factory, small_pages):
    unit = factory.unit()
    plan = factory.plan()
    for n in range(3):
        factory.task(plan, unit, title=f"Nhiệm vụ {n}")
    login(client, factory.user(Role.OFFICE))
    html = client.get(f"/plans/{plan}").get_data(as_text=True)
    assert _titles(html) == ["Nhiệm vụ 0", "Nhiệm vụ 1", "Nhiệm vụ 2"] and "Phân trang" not in html
