"""The sign-in throttle, against its docstring: a reference computed the long way, and the exact delays."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from tracker.rules.throttle import (
    ACCOUNT_POLICY,
    ADDRESS_POLICY,
    ThrottlePolicy,
    delay_after,
    later,
    locked_until,
    retry_after_seconds,
)

NOW = datetime(2024, 10, 1, 2, 0, tzinfo=UTC)
P = ACCOUNT_POLICY


def test_the_exact_delays_of_the_account_policy():
    assert [delay_after(n, P) for n in range(5)] == [timedelta(0)] * 5
    assert delay_after(5, P) == timedelta(minutes=1)
    assert delay_after(6, P) == timedelta(minutes=2)
    assert delay_after(7, P) == timedelta(minutes=4)
    assert delay_after(10, P) == timedelta(minutes=32)
    assert delay_after(11, P) == timedelta(hours=1)
    assert delay_after(10**9, P) == timedelta(hours=1)  # no overflow, capped
    assert delay_after(19, ADDRESS_POLICY) == timedelta(0) and delay_after(20, ADDRESS_POLICY) == timedelta(minutes=1)


def test_five_failures_lock_for_a_minute_from_the_last():
    failures = [NOW - timedelta(seconds=s) for s in (50, 40, 30, 20, 10)]
    assert locked_until(failures[:4], NOW, P) is None
    assert locked_until(failures, NOW, P) == NOW + timedelta(seconds=50)
    assert locked_until(failures, NOW + timedelta(seconds=49), P) == NOW + timedelta(seconds=50)
    assert locked_until(failures, NOW + timedelta(seconds=50), P) is None


def test_failures_older_than_the_window_are_forgotten():
    old = [NOW - P.window - timedelta(seconds=1)] * 10
    assert locked_until(old, NOW, P) is None
    edge = [NOW - P.window] * 10  # exactly a window ago: forgotten too
    assert locked_until(edge, NOW, P) is None


def test_retry_after_is_whole_seconds_at_least_one():
    assert retry_after_seconds(NOW + timedelta(seconds=59.2), NOW) == 60
    assert retry_after_seconds(NOW + timedelta(milliseconds=1), NOW) == 1
    assert retry_after_seconds(NOW, NOW) == 1
    assert later(None, None) is None and later(NOW, None, NOW + timedelta(1)) == NOW + timedelta(1)


def reference(failures, now, policy):
    counted = sorted(at for at in failures if now - at < policy.window)
    if len(counted) < policy.free_failures:
        return None
    delay = policy.first_delay
    for _ in range(len(counted) - policy.free_failures):
        delay = min(delay * 2, policy.max_delay)
    delay = min(delay, policy.max_delay)
    until = counted[-1] + delay
    return until if until > now else None


offsets = st.lists(st.integers(min_value=-3 * 24 * 3600, max_value=600), max_size=40)
policies = st.builds(
    ThrottlePolicy,
    free_failures=st.integers(1, 30),
    first_delay=st.integers(1, 3600).map(lambda s: timedelta(seconds=s)),
    max_delay=st.integers(1, 86400).map(lambda s: timedelta(seconds=s)),
    window=st.integers(60, 3 * 86400).map(lambda s: timedelta(seconds=s)),
)


@given(offsets, st.integers(0, 7200), policies)
def test_locked_until_matches_the_reference(seconds, later_by, policy):
    failures = [NOW + timedelta(seconds=s) for s in seconds]
    now = NOW + timedelta(seconds=later_by)
    assert locked_until(failures, now, policy) == reference(failures, now, policy)


@given(st.integers(0, 200), policies)
def test_the_delay_never_shrinks_with_more_failures_and_stays_capped(n, policy):
    assert delay_after(n, policy) <= delay_after(n + 1, policy) <= max(policy.max_delay, timedelta(0))


@given(offsets, policies)
def test_a_lock_always_lies_in_the_future(seconds, policy):
    failures = [NOW + timedelta(seconds=s) for s in seconds]
    until = locked_until(failures, NOW, policy)
    assert until is None or until > NOW
