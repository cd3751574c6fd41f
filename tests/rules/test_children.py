"""A parent's state from its children: the sentence and the figures, pure."""

from hypothesis import given
from hypothesis import strategies as st

from tracker.rules.children import ChildRollup, rollup_sentence
from tracker.rules.rollup import Counts
from tracker.rules.status import Box


def test_the_sentence_of_the_issue():
    assert rollup_sentence(3, 5, 1) == "3/5 phần việc hoàn thành, 1 quá hạn"
    assert rollup_sentence(5, 5, 0) == "5/5 phần việc hoàn thành"
    assert rollup_sentence(0, 2, 2) == "0/2 phần việc hoàn thành, 2 quá hạn"
    assert rollup_sentence(1200, 1500, 12) == "1.200/1.500 phần việc hoàn thành, 12 quá hạn"
    assert rollup_sentence(0, 0, 0) == "Các phần việc đều đã hủy"


@given(st.dictionaries(st.sampled_from(list(Box)), st.integers(min_value=0, max_value=10_000)))
def test_the_rollup_reads_the_same_figures_as_the_summary(boxes):
    counts = Counts(boxes)
    rollup = ChildRollup.of(counts)
    assert rollup.completed == counts.completed == sum(n for b, n in boxes.items() if b.completed)
    assert rollup.total == counts.total == sum(boxes.values())
    assert rollup.overdue == boxes.get(Box.OPEN_OVERDUE, 0)
    assert rollup.as_dict() == {
        "completed": rollup.completed,
        "total": rollup.total,
        "overdue": rollup.overdue,
        "text": rollup.text,
    }
    # The sentence carries exactly these figures, in Vietnamese digit grouping.
    done, _, rest = rollup.text.partition("/")
    if rollup.total:
        assert int(done.replace(".", "")) == rollup.completed
        assert int(rest.split(" ")[0].replace(".", "")) == rollup.total
        assert ("quá hạn" in rollup.text) == bool(rollup.overdue)


def test_colours_follow_the_offices_code():
    assert ChildRollup(3, 5, 1).css == "danger"
    assert ChildRollup(5, 5, 0).css == "success"
    assert ChildRollup(3, 5, 0).css == "primary"
    assert ChildRollup(0, 0, 0).css == "primary"
