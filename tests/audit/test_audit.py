from tracker.audit import operations, queries
from tracker.extensions import db
from tracker.rules.labels import LabelledEnum


class Colour(LabelledEnum):
    RED = "red", "Đỏ", "#b00020"
    GREY = "grey", "Xám"


def test_labelled_enum_member_is_its_value_with_label_and_colour():
    assert Colour("red") is Colour.RED
    assert Colour.RED == "red" and Colour.RED.label == "Đỏ" and Colour.RED.colour == "#b00020"
    assert Colour.GREY.colour is None
    assert Colour.choices() == [("red", "Đỏ"), ("grey", "Xám")]


def test_changes_lists_only_fields_that_differ():
    assert operations.changes({"a": 1, "b": Colour.RED}, {"a": 1, "b": Colour.GREY, "c": None}) == {"b": ["red", "grey"]}


def test_record_is_part_of_the_callers_transaction(app, db_session):
    with app.app_context():
        operations.record(None, "calendar.shift_changed", "setting", None, "Bật dời hạn", {"on": [False, True]})
        db.session.rollback()
        assert queries.recent() == []
        operations.record(None, "calendar.shift_changed", "setting", None, "Bật dời hạn", {"on": [False, True]})
        db.session.commit()
        [entry] = queries.recent()
        assert entry.action == "calendar.shift_changed" and entry.details == {"on": [False, True]}
