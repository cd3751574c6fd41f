"""The one exception a service raises for bad input: field -> Vietnamese message.

Views show each message next to its field (HTML) or return them as JSON; nothing is written, because
services validate before they change anything and the request rolls back on this error.
"""

from __future__ import annotations


class ValidationFailed(Exception):
    def __init__(self, errors: dict[str, str] | str):
        if isinstance(errors, str):
            errors = {"": errors}
        self.errors = errors
        super().__init__("; ".join(errors.values()))


class StaleVersion(ValidationFailed):
    """A write based on an older version of a task or plan than the one stored (issue 16.9): nothing
    is saved. Pages show the current values with ``message`` (what changed since); the API answers 412.
    A ``ValidationFailed``, so every caller that rolls back on bad input rolls back on this too."""

    def __init__(self, message: str, current_version: int):
        super().__init__({"": message})
        self.message = message
        self.current_version = current_version
