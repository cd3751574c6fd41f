"""Kept for the modules that import from here: the reads now live in ``settings.queries`` and the writes
(each audited) in ``settings.operations``, as in every feature package."""

from tracker.settings.operations import (  # noqa: F401
    remove_calendar_day,
    set_backdate_working_days,
    set_calendar_day,
    set_shift_deadlines,
    set_state,
)
from tracker.settings.queries import (  # noqa: F401
    BACKDATE_KEY,
    SHIFT_KEY,
    backdate_working_days,
    get_state,
    load_calendar,
    shift_deadlines,
)
