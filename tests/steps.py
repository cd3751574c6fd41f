"""Work counted in Python lines executed, not in seconds: the same code gives the same count on any
machine, however loaded, so a test of "it does not walk day by day" fails only when it does."""

import sys
from collections.abc import Callable
from typing import Any


def python_lines(fn: Callable[..., Any], *args: Any) -> tuple[Any, int]:
    """Call ``fn(*args)`` and count the Python lines it executed (in this thread, libraries included)."""
    count = 0

    def tracer(frame, event, arg):  # noqa: ARG001  (the signature sys.settrace calls)
        nonlocal count
        if event == "line":
            count += 1
        return tracer

    before = sys.gettrace()
    sys.settrace(tracer)
    try:
        result = fn(*args)
    finally:
        sys.settrace(before)
    return result, count
