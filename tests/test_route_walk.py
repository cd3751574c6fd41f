"""Walk every route as every role with bad ids and bad form data: never a 500, never a half-saved row."""

import re

import pytest
from sqlalchemy import func, select

from tests.conftest import login
from tracker.accounts.models import Role, User
from tracker.extensions import db
from tracker.tasks.models import ExtensionRequest, Task, TaskEvent

BAD_IDS = ["0", "999999", "abc", "-5", "1.5", "99999999999999999999999", "%00"]
GARBAGE = {
    "title": "",
    "number": "??",
    "issued_on": "32/13/2024",
    "year": "năm",
    "lead_unit_id": "x",
    "cooperating_unit_ids": ["y", "999999"],
    "deadline_text": "31/02/2024",
    "due_date": "hôm nay",
    "start_date": "0/0/0",
    "p-status": "xong",
    "p-progress": "-7",
    "p-completed_on": "31/04/2024",
    "a-assignee_id": "999999",
    "r-reason": "",
    "e-proposed_due": "abc",
    "e-reason": "",
    "d-decision": "maybe",
    "m-parent_id": "-1",
    "m-position": "0",
    "name": "",
    "kind": "ufo",
    "parent_id": "zz",
    "role": "king",
    "unit_id": "q",
    "username": "a b",
    "day": "30/02/2025",
    "email": "không-phải-email",
    "doc_type": "thu",
    "status": "??",
}
ROLES = [None, Role.ADMIN, Role.OFFICE, Role.LEADER, Role.UNIT_HEAD, Role.STAFF]


def _counts(app):
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Task, TaskEvent, ExtensionRequest))


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value if r else "anonymous")
def test_every_route_with_bad_input(client, factory, app, role):
    unit = factory.unit()
    plan = factory.plan()
    task = factory.task(plan, unit)
    username = factory.user(role, unit) if role else None
    token = login(client, username) if role else None
    api_headers = {}
    if role:
        with app.app_context():
            user = db.session.query(User).filter_by(username=username).one()
            api_headers = {"Authorization": f"Bearer {user.new_api_token()}"}
            db.session.commit()
    # Logging out would turn the rest of the walk into an anonymous one; deleting a real task is a valid action.
    rules = [
        r
        for r in app.url_map.iter_rules()
        if r.endpoint not in ("static", "accounts.logout") and not r.endpoint.startswith("bootstrap")
    ]
    before = _counts(app)
    seen = 0
    for rule in rules:
        names = list(rule.arguments)
        id_sets = [dict.fromkeys(names, bad) for bad in BAD_IDS] if names else [{}]
        id_sets.append({n: str(task if "task" in n else plan if "plan" in n else unit) for n in names})
        for ids in id_sets:
            url = re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m, ids=ids: ids[m.group(1)], rule.rule)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                if method == "POST" and rule.endpoint == "tasks.delete" and ids.get("task_id") == str(task):
                    continue
                data = {**GARBAGE, "csrf_token": token} if token else GARBAGE
                if method == "GET":
                    response = client.get(url, query_string={"as_of": "99/99/9999", "page": "-3", "box": "xx", "plan": "abc"})
                elif url.startswith("/api/"):
                    response = client.open(
                        url,
                        method=method,
                        headers=api_headers,
                        json={"status": 5, "approve": "x", "issued_on": 7, "lead_unit_id": "a", "cooperating_unit_ids": "b"},
                    )
                else:
                    response = client.open(url, method=method, data=data)
                seen += 1
                assert response.status_code < 500, (role, method, url, response.status_code)
                if response.status_code >= 400 and not url.startswith("/api/"):
                    text = response.get_data(as_text=True)
                    assert 'lang="vi"' in text, (method, url)
                response.close()
    assert seen > 100
    if role is not None:
        assert client.get("/plans").status_code == 200  # still signed in: the walk ran as this role
    # Garbage never half-saves anything (a valid "cancel" or "delete" is not garbage, so none happened).
    assert _counts(app)[0] == before[0]
    assert _counts(app)[2] == before[2]


# --- Edge values (issue 16.4): ids and numbers that overflow or are not ASCII digits, dates outside the year
# window, control characters, JSON that no decoder should take. Every route, as every role: a 4xx, never a 500.

EDGE_NUMBERS = [
    "9223372036854775807",  # 2⁶³ − 1: a valid id that does not exist (a page that overflows OFFSET)
    "9223372036854775808",  # 2⁶³
    "²",  # passes str.isdigit(), int() raises
    "١٢",  # Arabic-Indic 12: int() reads it
    "１２",  # fullwidth 12
]
# Also in the query strings (the path walk above has -5, 1.5 and 10²³ already).
EDGE_QUERY_NUMBERS = [*EDGE_NUMBERS, "-9223372036854775809", "1e309", "1_2"]
# Every query parameter a view reads (grep request.args in tracker/), each set to one edge value at once.
QUERY_NAMES = [
    "as_of", "year", "index", "period", "scheme", "page", "per_page", "plan", "unit", "plan_id", "unit_id",
    "parent", "box", "boxes", "status", "kind", "format", "leaves", "extended", "confirm", "confirmation",
    "due_from", "due_to", "done_from", "done_to", "q", "sort", "next",
]  # fmt: skip
EDGE_QUERIES = [
    *({name: value for name in QUERY_NAMES} for value in EDGE_QUERY_NUMBERS),
    {"as_of": "9999-12-31"},
    {"as_of": "31/12/9999"},
    {"as_of": "0001-01-01"},
    {"period": "year", "year": "9999"},
    {"period": "quarter", "year": "2024", "index": "99999999999999999999"},
    {"period": "year", "year": "١٢٠٢٤"},
    {"q": "a\x00b\x0b", "due_from": "01/01/0001", "due_to": "31/12/9999"},
    "q=a%ED%A0%80b&as_of=%FF&year=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%94",  # a UTF-8 lone surrogate, a bad byte, "２０２４"
]
EDGE_FORM = {name: "9223372036854775808" for name in GARBAGE} | {
    "title": "Tiêu đề\r\nBcc: x@example.com",
    "name": "Tên\x0bđơn vị",
    "number": "\x00",
    "reason": "Lý do\x07",
    "issued_on": "31/12/9999",
    "due_date": "01/01/0001",
    "p-completed_on": "01/01/1024",
    "e-proposed_due": "31/12/9999",
    "deadline_text": "Trong năm 1024",
    "p-progress": "١٢",
    "m-position": "²",
    "year": "9999",
}
BIG = 2**64
EDGE_JSON = [
    {"title": "A\nB", "status": "done", "progress": BIG, "lead_unit_id": BIG, "parent_id": 2**63, "year": 9999},
    {"issued_on": "9999-12-31", "due_date": "0001-01-01", "proposed_due": "1024-01-01", "completed_on": "9999-12-31"},
    {"approve": "false", "requires_confirmation": 0, "reason": "x\x00", "note": "\x1b[31m", "result": "a" * 100_001},
    {"cooperating_unit_ids": list(range(1, 5000)), "values": ["1"] * 5000, "lead_unit_id": -1, "progress": 1.5},
]
# Raw bodies the JSON decoder used to take or choke on.
EDGE_RAW = [
    '{"title": "\\ud800", "reason": "\\udc00x"}',
    "[" * 100_000 + "]" * 100_000,
    '{"a":' * 50_000 + "1" + "}" * 50_000,
    "[1, 2, 3]",
    '"chuỗi"',
    "null",
    "{bad json",
    '{"progress": 1e999, "lead_unit_id": 123456789012345678901234567890}',
]


def _path_sets(rule, real):
    names = list(rule.arguments)
    if not names:
        return [{}]
    return [*(dict.fromkeys(names, v) for v in EDGE_NUMBERS), {n: real(n) for n in names}]


# The administrator sees every page: every query above. The other roles (whose pages are the same views,
# or a 403) get the two worst numbers and the two window edges, to keep the walk within a few minutes.
SHORT_QUERIES = [
    EDGE_QUERIES[0],
    EDGE_QUERIES[3],
    EDGE_QUERIES[len(EDGE_QUERY_NUMBERS)],
    EDGE_QUERIES[len(EDGE_QUERY_NUMBERS) + 3],
]


def _edge_requests(rule, url, real_ids, queries):
    """(method, kwargs) pairs to send to ``url``: edge query strings on GET with the real ids, edge forms
    or JSON otherwise."""
    for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
        if method == "GET":
            for query in queries if real_ids else [EDGE_QUERIES[1]]:
                yield method, {"query_string": query}
        elif url.startswith("/api/"):
            for body in EDGE_JSON:
                yield method, {"json": body}
            if real_ids:
                for raw in EDGE_RAW:
                    yield method, {"data": raw, "content_type": "application/json"}
        else:
            yield method, {"data": EDGE_FORM}


def _answer_problem(response, api: bool) -> str | None:
    """What is wrong with an answer to an edge value: a 5xx, or a 4xx without its Vietnamese message."""
    if response.status_code >= 500:
        return f"{response.status_code}"
    if response.status_code < 400:
        return None
    if api:
        body = response.get_json(silent=True) or {}
        return None if (body.get("error") or {}).get("message") else f"{response.status_code} without a JSON message"
    return None if 'lang="vi"' in response.get_data(as_text=True) else f"{response.status_code} not the error page"


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value if r else "anonymous")
def test_every_route_with_edge_values(client, factory, app, role):
    unit = factory.unit()
    plan = factory.plan()
    task = factory.task(plan, unit)
    username = factory.user(role, unit) if role else None
    token = login(client, username) if role else None
    headers = {}
    if role:
        with app.app_context():
            user = db.session.query(User).filter_by(username=username).one()
            headers = {"Authorization": f"Bearer {user.new_api_token()}"}
            db.session.commit()
    EDGE_FORM["csrf_token"] = token or ""
    queries = EDGE_QUERIES if role is Role.ADMIN else SHORT_QUERIES

    def real(name):
        return str(task if "task" in name else plan if "plan" in name else unit)

    rules = [
        r
        for r in app.url_map.iter_rules()
        if r.endpoint not in ("static", "accounts.logout") and not r.endpoint.startswith("bootstrap")
    ]
    before = _counts(app)
    seen = 0
    failures: list[tuple] = []
    for rule in rules:
        for ids in _path_sets(rule, real):
            url = re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m, ids=ids: ids[m.group(1)], rule.rule)
            real_ids = not ids or ids == {n: real(n) for n in ids}
            for method, kwargs in _edge_requests(rule, url, real_ids, queries):
                if method == "POST" and rule.endpoint == "tasks.delete" and real_ids:
                    continue
                response = client.open(url, method=method, headers=headers, **kwargs)
                seen += 1
                if problem := _answer_problem(response, url.startswith("/api/")):
                    failures.append((method, url, str(kwargs)[:120], problem))
                response.close()
    assert not failures, f"{len(failures)} bad answers, e.g. {failures[:20]}"
    assert seen > 500
    if role is not None:
        assert client.get("/plans").status_code == 200  # the walk ran as this role to the end
    after = _counts(app)
    assert (after[0], after[2]) == (before[0], before[2]), "an edge value half-saved a task or an extension"
