"""rules.journal.shown_values and rules.completion's self-confirmation rule (issue 16.12)."""

from __future__ import annotations

import pytest

from tracker.rules.completion import SELF_CONFIRMATION, is_own_completion, self_confirmation_refusal
from tracker.rules.journal import HIDDEN_FILE, JournalAction, shown_values


def test_a_file_name_is_shown_only_to_those_who_may_download_it():
    line = (JournalAction.ATTACHMENT_ADDED.value, "attachment", "", "Bien-ban-ky-luat.pdf")
    assert shown_values(*line, may_download=True) == ("", "Bien-ban-ky-luat.pdf")
    assert shown_values(*line, may_download=False) == ("", HIDDEN_FILE)
    assert HIDDEN_FILE == "đã đính kèm 1 tệp"


@pytest.mark.parametrize("action", [a.value for a in JournalAction if a is not JournalAction.ATTACHMENT_ADDED])
@pytest.mark.parametrize("may_download", [True, False])
def test_other_lines_are_shown_as_written(action, may_download):
    assert shown_values(action, "due_date", "30/06/2026", "15/07/2026", may_download) == ("30/06/2026", "15/07/2026")


def test_a_line_about_the_attachment_field_is_hidden_whatever_its_action():
    assert shown_values("edited", "attachment", "a.pdf", "b.pdf", False) == ("", HIDDEN_FILE)


def test_nobody_confirms_a_completion_they_recorded():
    assert is_own_completion(7, 7)
    assert self_confirmation_refusal(7, 7) == SELF_CONFIRMATION
    assert not is_own_completion(7, 8) and self_confirmation_refusal(7, 8) is None
    # Completions recorded before the reporter was kept are nobody's own.
    assert not is_own_completion(None, 7) and self_confirmation_refusal(None, 7) is None
