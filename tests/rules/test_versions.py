"""rules.versions: when a write is stale, how its version is read, what the refusal says."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tracker.rules.versions import Change, is_stale, parse_version, stale_message


@given(st.integers(1, 10**9), st.integers(1, 10**9))
def test_a_write_is_stale_exactly_when_based_on_another_version(based_on, current):
    assert is_stale(based_on, current) == (based_on != current)
    assert not is_stale(None, current)  # unchecked: no If-Match, no version sent


def test_versions_as_forms_and_if_match_send_them():
    assert parse_version("7") == 7
    assert parse_version('"7"') == 7
    assert parse_version('W/"12"') == 12
    assert parse_version(" 3 ") == 3
    for bad in (None, "", "abc", '"x"', "-1", "1.5", "²", "٣", "9" * 19):
        assert parse_version(bad) is None, bad
    # The largest integer the column holds, and one above it (the API fuzzing sent 447094994642309829:
    # a query with it failed with "integer out of range" on PostgreSQL).
    assert parse_version(str(2**31 - 1)) == 2**31 - 1
    assert parse_version(str(2**31)) is None
    assert parse_version('"447094994642309829"') is None


def test_the_message_names_who_changed_what_since():
    changes = [
        Change("01/12/2026 15:02", "Nguyễn Văn A", "Thời hạn", "30/06/2026", "10/07/2026"),
        Change("01/12/2026 15:03", "Trần Thị B", "Tiến độ (%)", "20", "50"),
        Change("01/12/2026 15:04", "Nguyễn Văn A", "Thời hạn", "10/07/2026", "15/07/2026"),
    ]
    message = stale_message("nhiệm vụ", changes)
    assert message.startswith("Người khác đã sửa nhiệm vụ này lúc 01/12/2026 15:04 (Nguyễn Văn A, Trần Thị B): ")
    # Each field once, from its first old value to its last new value.
    assert "Thời hạn 30/06/2026 → 15/07/2026" in message and message.count("Thời hạn") == 1
    assert "Tiến độ (%) 20 → 50" in message
    assert "chưa được lưu" in message


def test_the_message_without_journal_lines_still_says_it_was_changed():
    message = stale_message("kế hoạch", [])
    assert "Người khác đã sửa kế hoạch này" in message and "chưa được lưu" in message


def test_long_and_empty_values_are_shown_briefly():
    message = stale_message("nhiệm vụ", [Change("x", "", "Kết quả", "", "a" * 500)])
    assert "(trống) → " + "a" * 77 + "…" in message and "a" * 78 not in message
    assert "lúc x:" in message  # no author known: no brackets
