"""How long a sign-in must wait after failed attempts (issue 16): the rule the login page, the second step
and the password-change page apply, to an account (its name as typed) and to a client address alike.

* Failures older than ``policy.window`` are forgotten; a successful sign-in forgets the account's (the
  caller deletes them).
* Up to ``free_failures`` failures cost nothing. From then on each failure locks the next attempt for a
  delay that doubles: ``first_delay`` after the ``free_failures``-th, twice that after the next, and so on,
  never more than ``max_delay``. The delay counts from the latest failure.
* An attempt refused because of the lock is not a failure (it never reaches the password), so hammering
  a locked account does not lengthen its lock.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

# 2**MAX_DOUBLINGS × first_delay is already beyond any sane max_delay; stops an overflow on huge counts.
MAX_DOUBLINGS = 40


@dataclass(frozen=True)
class ThrottlePolicy:
    free_failures: int = 5
    first_delay: timedelta = timedelta(minutes=1)
    max_delay: timedelta = timedelta(hours=1)
    window: timedelta = timedelta(hours=24)


ACCOUNT_POLICY = ThrottlePolicy()
# An office's computers often share one address (NAT): more room per address than per account.
ADDRESS_POLICY = ThrottlePolicy(free_failures=20)


def delay_after(failures: int, policy: ThrottlePolicy) -> timedelta:
    """The wait after ``failures`` recent failures: none below ``free_failures``, then doubling, capped."""
    if failures < policy.free_failures:
        return timedelta(0)
    doublings = min(failures - policy.free_failures, MAX_DOUBLINGS)
    seconds = policy.first_delay.total_seconds() * 2.0**doublings  # a float: never a timedelta overflow
    return policy.max_delay if seconds >= policy.max_delay.total_seconds() else policy.first_delay * (2**doublings)


def recent(failures: Iterable[datetime], now: datetime, policy: ThrottlePolicy) -> list[datetime]:
    """The failures still counted at ``now`` (one stamped after ``now``, a clock set back, counts too)."""
    start = now - policy.window
    return [at for at in failures if at > start]


def locked_until(failures: Iterable[datetime], now: datetime, policy: ThrottlePolicy) -> datetime | None:
    """When the next attempt may be made, if that is after ``now``; None when it may be made now."""
    counted = recent(failures, now, policy)
    delay = delay_after(len(counted), policy)
    if not delay:
        return None
    until = max(counted) + delay
    return until if until > now else None


def retry_after_seconds(until: datetime, now: datetime) -> int:
    """The Retry-After header's whole seconds (at least 1) until ``until``."""
    return max(1, math.ceil((until - now).total_seconds()))


def later(*moments: datetime | None) -> datetime | None:
    """The latest of the locks given (None when there is none)."""
    known = [m for m in moments if m is not None]
    return max(known) if known else None
