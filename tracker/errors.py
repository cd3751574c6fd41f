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
