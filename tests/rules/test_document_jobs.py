"""The rules of background documents (tracker.rules.document_jobs), over every size and moment."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.rules.document_jobs import Route, expires_at, progress_percent, route

sizes = st.integers(min_value=0, max_value=10**9)
moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1))
spans = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400))


@given(sizes, sizes, st.one_of(st.none(), sizes))
def test_route_inline_up_to_the_threshold_background_above_refused_over_the_limit(size, inline_up_to, limit):
    how = route(size, inline_up_to, limit)
    if limit is not None and size > limit:
        assert how is Route.TOO_LARGE
    elif size <= inline_up_to:
        assert how is Route.INLINE
    else:
        assert how is Route.BACKGROUND


def test_route_edges():
    assert route(1000, 1000) is Route.INLINE
    assert route(1001, 1000) is Route.BACKGROUND
    assert route(200_000, 1000, 200_000) is Route.BACKGROUND
    assert route(200_001, 1000, 200_000) is Route.TOO_LARGE
    with pytest.raises(ValueError):
        route(-1, 1000)


@given(sizes, sizes)
def test_progress_is_a_whole_percent_that_never_passes_100(done, total):
    percent = progress_percent(done, total)
    assert 0 <= percent <= 100
    if total > 0 and 0 < done <= total:
        assert percent == done * 100 // total
    if total <= 0:
        assert percent == 0


def test_progress_edges():
    assert progress_percent(0, 0) == 0
    assert progress_percent(5000, 18884) == 26
    assert progress_percent(18884, 18884) == 100
    assert progress_percent(20000, 18884) == 100


@given(moments, spans)
def test_a_file_expires_its_keep_after_it_was_built(finished, keep):
    assert expires_at(finished, keep) - finished == keep
