"""Old import path, kept for callers outside this package that have not moved yet (tracker/scheduler.py
imports ``tick`` from here). The feature now lives in operations, queries, messages, delivery and jobs."""

from tracker.notifications.jobs import tick  # noqa: F401
from tracker.notifications.queries import nudge_options, unread_count  # noqa: F401
