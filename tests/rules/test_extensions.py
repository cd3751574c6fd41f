"""Who may ask for a deadline extension (tracker.rules.extensions), over every combination."""

import itertools
from datetime import date

import pytest

from tracker.rules.deadlines import DeadlineKind
from tracker.rules.extensions import ALREADY_PENDING, FINISHED, NOT_DATED, extension_refusal
from tracker.rules.status import TaskStatus

DUE = date(2024, 9, 30)


def reference(kind, due, status, pending):
    """From domain.md and the task page: one request at a time; a finished or cancelled task needs none;
    only a task with a single date in force can have it moved."""
    if pending:
        return ALREADY_PENDING
    if status in (TaskStatus.DONE, TaskStatus.CANCELLED):
        return FINISHED
    if kind is not DeadlineKind.FIXED or due is None:
        return NOT_DATED
    return None


@pytest.mark.parametrize(
    ("kind", "due", "status", "pending"),
    list(itertools.product(DeadlineKind, [DUE, None], TaskStatus, [False, True])),
)
def test_extension_refusal_every_combination(kind, due, status, pending):
    assert extension_refusal(kind, due, status, pending) == reference(kind, due, status, pending)


def test_the_only_case_offered():
    assert extension_refusal(DeadlineKind.FIXED, DUE, TaskStatus.IN_PROGRESS, False) is None
    assert extension_refusal(DeadlineKind.FIXED, DUE, TaskStatus.NOT_STARTED, False) is None
    assert extension_refusal(DeadlineKind.FIXED, DUE, TaskStatus.IN_PROGRESS, True) == ALREADY_PENDING
