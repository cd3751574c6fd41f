"""Who may open what: one declarative row per route and method, checked for every kind of person.

``ACCESS`` maps ``(method, URL rule)`` to a ``Row``: the people allowed, and the status each side gets.
The people (``Actor``) are roles *and* their relation to the objects the URL names: the head of the task's
lead unit, the head of a cooperating unit, the head of another unit, the assignee, a chuyên viên of the
lead unit who is not the assignee, one of a cooperating unit, one of another unit. Every route of the
application must have a row (``test_every_route_has_a_row`` names the missing ones and prints the line to
add), and every row must still be a route.

Each request runs in its own transaction that is rolled back, so an allowed write (a deletion, a
confirmation) never changes what the next person sees. CSRF is off in this app only: the permission is
what is checked, and a form without a token would be refused (400) before it.

Adding a route: add one line to ``ACCESS``, e.g. ``("GET", "/archive"): Row(SIGNED_IN)``, or
``("POST", "/x/<task_id>/y"): Row(EDITORS, ok=WRITE)``. Unknown URL arguments need a value in ``WORLD_ARGS``.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from enum import Enum
from urllib.parse import urlsplit

import pytest
from flask import Flask
from werkzeug.datastructures import FileStorage
from werkzeug.routing import Map, Rule

from tests.conftest import PASSWORD, Factory, build_app, rolled_back
from tracker import clock
from tracker.accounts.models import Role, UnitKind, User
from tracker.extensions import db
from tracker.tasks.models import Task


class Actor(Enum):
    ANONYMOUS = "anonymous"
    ADMIN = "admin"
    OFFICE = "office"
    LEADER = "leader"
    HEAD = "head of the lead unit"
    HEAD_COOP = "head of a cooperating unit"
    HEAD_OTHER = "head of another unit"
    ASSIGNEE = "assignee (chuyên viên of the lead unit)"
    STAFF_LEAD = "chuyên viên of the lead unit, not the assignee"
    STAFF_COOP = "chuyên viên of a cooperating unit"
    STAFF_OTHER = "chuyên viên of another unit"


A = Actor
EVERYONE = frozenset(Actor)
SIGNED_IN = EVERYONE - {A.ANONYMOUS}
ADMIN = frozenset({A.ADMIN})
EDITORS = frozenset({A.ADMIN, A.OFFICE})  # permissions.can_edit_plans
SEES_ALL = frozenset({A.ADMIN, A.OFFICE, A.LEADER})
PLAN_DOCUMENT_UPLOADERS = EDITORS | {A.LEADER}  # permissions.can_upload_plan_document
# permissions.can_see_evidence: those who see everything, the assignee, the lead and cooperating units.
EVIDENCE = SEES_ALL | {A.HEAD, A.HEAD_COOP, A.ASSIGNEE, A.STAFF_LEAD, A.STAFF_COOP}
UPDATERS = frozenset({A.OFFICE, A.LEADER, A.HEAD, A.ASSIGNEE})  # can_update_task
ASSIGNERS = frozenset({A.OFFICE, A.HEAD})  # can_assign
CONFIRMERS = frozenset({A.OFFICE})  # can_confirm
REQUESTERS = frozenset({A.HEAD})  # can_request_extension
DECIDERS = frozenset({A.LEADER, A.OFFICE})  # can_decide_extension
REPORT_DRAFTERS = frozenset({A.OFFICE, A.ADMIN})  # reports.permissions
DRAFT_READERS = frozenset({A.OFFICE, A.ADMIN, A.LEADER})
REPORT_ISSUERS = frozenset({A.OFFICE, A.LEADER})
REMINDER_RULES = EDITORS  # office-wide reminder rules: quản trị or văn phòng
RECIPIENT = frozenset({A.HEAD})  # the notification in WORLD belongs to the head of the lead unit
# Indicators (tracker.indicators.operations). WORLD's indicator is of the task's plan, led by the task's lead
# unit and monitored by Văn phòng Sở, a unit none of the actors belongs to (``test_the_monitoring_unit_s_head``
# checks its head apart); its result is pending, with evidence; its statistics form has a typed row for the lead unit.
INDICATOR_EDITORS = EDITORS  # can_edit_indicators: quản trị or văn phòng
# can_enter_result: văn phòng, a head or chuyên viên of one of the indicator's lead units (not only the assignee:
# results are the unit's, not a task's). Not quản trị nor lãnh đạo.
RESULT_ENTERERS = frozenset({A.OFFICE, A.HEAD, A.ASSIGNEE, A.STAFF_LEAD})
RESULT_DECIDERS = frozenset({A.OFFICE})  # can_decide_result: văn phòng, or the head of the monitoring unit
# can_see_evidence (of indicators): those who see everything, the lead units and the monitoring unit. An
# indicator has no cooperating units, so the cooperating unit of WORLD's task sees nothing of it.
RESULT_EVIDENCE = SEES_ALL | {A.HEAD, A.ASSIGNEE, A.STAFF_LEAD}
FORM_TYPISTS = frozenset({A.OFFICE, A.HEAD})  # can_type_form_value: văn phòng, the head of the row's unit (not its staff)

PAGE = frozenset({200})
REDIRECT = frozenset({302})  # anywhere but the sign-in page
LOGIN = "302 to /login"
# A write sent empty: re-rendered with messages (200, 422), refused as malformed (400), or done and
# redirected (302). Never 401/403/404/405 nor a 5xx for someone allowed.
WRITE = frozenset({200, 302, 400, 422})


@dataclass(frozen=True)
class Row:
    allowed: frozenset[Actor]
    ok: frozenset[int | str] = PAGE
    denied: int = 403
    note: str = ""

    def expected(self, actor: Actor, api: bool) -> frozenset[int | str]:
        if actor in self.allowed:
            return self.ok
        if actor is A.ANONYMOUS:
            return frozenset({401}) if api else frozenset({LOGIN})
        return frozenset({self.denied})


ACCESS: dict[tuple[str, str], Row] = {
    # Public
    ("GET", "/login"): Row(EVERYONE, ok=frozenset({200, 302})),  # a signed-in person is sent home
    ("POST", "/login"): Row(EVERYONE, ok=WRITE),
    ("GET", "/healthz"): Row(EVERYONE),
    ("GET", "/static/<path:filename>"): Row(EVERYONE),
    ("GET", "/bootstrap/static/<path:filename>"): Row(EVERYONE),
    ("GET", "/api/v1/openapi.json"): Row(EVERYONE),
    # Everyone signed in
    ("GET", "/"): Row(SIGNED_IN, ok=REDIRECT),  # each role's home page
    ("POST", "/logout"): Row(EVERYONE, ok=frozenset({LOGIN})),  # back to the sign-in page
    # The sign-in's second step: nobody has passed the password on these clients, so back to /login.
    ("GET", "/login/code"): Row(EVERYONE, ok=frozenset({LOGIN}), denied=302),
    ("POST", "/login/code"): Row(EVERYONE, ok=frozenset({LOGIN}), denied=302),
    # One's own account (issue 16)
    ("GET", "/account/password"): Row(SIGNED_IN),
    ("POST", "/account/password"): Row(SIGNED_IN, ok=WRITE),
    ("GET", "/account/2fa"): Row(SIGNED_IN),
    ("POST", "/account/2fa/start"): Row(SIGNED_IN, ok=WRITE),
    ("POST", "/account/2fa/confirm"): Row(SIGNED_IN, ok=WRITE),
    ("POST", "/account/2fa/disable"): Row(SIGNED_IN, ok=WRITE),
    ("POST", "/account/2fa/recovery-codes"): Row(SIGNED_IN, ok=WRITE),
    ("GET", "/plans"): Row(SIGNED_IN),
    ("GET", "/plans/<plan_id>"): Row(SIGNED_IN),
    ("GET", "/plans/export.xlsx"): Row(SIGNED_IN),
    ("GET", "/plan-documents/<doc_id>"): Row(SIGNED_IN),  # whoever sees the plan reads its signed document
    ("POST", "/plans/<plan_id>/documents"): Row(PLAN_DOCUMENT_UPLOADERS, ok=WRITE),
    ("POST", "/plan-documents/<doc_id>/delete"): Row(PLAN_DOCUMENT_UPLOADERS, ok=WRITE),
    ("GET", "/tasks"): Row(SIGNED_IN),
    ("GET", "/tasks/export.xlsx"): Row(SIGNED_IN),
    ("GET", "/tasks/<task_id>"): Row(SIGNED_IN),
    ("GET", "/unit"): Row(SIGNED_IN, ok=frozenset({200, 302})),  # no unit (quản trị…): sent to a page that fits
    ("GET", "/dashboard"): Row(SIGNED_IN),
    ("GET", "/notifications"): Row(SIGNED_IN),
    ("POST", "/notifications/read"): Row(SIGNED_IN, ok=WRITE),
    ("POST", "/notifications/<delivery_id>/open"): Row(RECIPIENT, ok=REDIRECT, denied=404, note="someone else's: not found"),
    ("GET", "/profile"): Row(SIGNED_IN),
    ("POST", "/profile"): Row(SIGNED_IN, ok=WRITE),
    ("GET", "/imports/plan/<plan_id>/source"): Row(SIGNED_IN, ok=REDIRECT, note="WORLD's plan was not imported"),
    # Evidence: the lead and cooperating units, the assignee, those who see everything
    ("GET", "/attachments/<att_id>"): Row(EVIDENCE),
    # Updating a task
    ("POST", "/tasks/<task_id>/progress"): Row(UPDATERS, ok=WRITE),
    ("POST", "/tasks/<task_id>/attachments"): Row(UPDATERS, ok=WRITE),
    ("POST", "/tasks/<task_id>/assign"): Row(ASSIGNERS, ok=WRITE),
    ("POST", "/tasks/<task_id>/confirm"): Row(CONFIRMERS, ok=WRITE),
    ("POST", "/tasks/<task_id>/return"): Row(CONFIRMERS, ok=WRITE),
    ("POST", "/tasks/<task_id>/extensions"): Row(REQUESTERS, ok=WRITE),
    ("POST", "/extensions/<ext_id>/decide"): Row(DECIDERS, ok=WRITE),
    # Editing plans and tasks: văn phòng and quản trị
    ("GET", "/board"): Row(EDITORS),
    ("GET", "/plans/new"): Row(EDITORS),
    ("POST", "/plans/new"): Row(EDITORS, ok=WRITE),
    ("GET", "/plans/<plan_id>/edit"): Row(EDITORS),
    ("POST", "/plans/<plan_id>/edit"): Row(EDITORS, ok=WRITE),
    ("GET", "/plans/<plan_id>/tasks/new"): Row(EDITORS),
    ("POST", "/plans/<plan_id>/tasks/new"): Row(EDITORS, ok=WRITE),
    ("GET", "/tasks/<task_id>/edit"): Row(EDITORS),
    ("POST", "/tasks/<task_id>/edit"): Row(EDITORS, ok=WRITE),
    ("GET", "/tasks/<task_id>/delete"): Row(EDITORS),
    ("POST", "/tasks/<task_id>/delete"): Row(EDITORS, ok=WRITE),
    ("POST", "/tasks/<task_id>/move"): Row(EDITORS, ok=WRITE),
    ("POST", "/tasks/<task_id>/nudge"): Row(EDITORS, ok=WRITE),
    ("GET", "/plans/<plan_id>/reminders"): Row(EDITORS),
    ("POST", "/plans/<plan_id>/reminders"): Row(EDITORS, ok=WRITE),
    ("GET", "/admin/reminders"): Row(REMINDER_RULES),
    ("POST", "/admin/reminders"): Row(REMINDER_RULES, ok=WRITE),
    ("GET", "/imports/"): Row(EDITORS),
    ("POST", "/imports/"): Row(EDITORS, ok=WRITE),
    ("GET", "/imports/template.xlsx"): Row(EDITORS),
    ("GET", "/imports/<draft_id>"): Row(EDITORS),
    ("POST", "/imports/<draft_id>"): Row(EDITORS, ok=WRITE),
    ("GET", "/imports/<draft_id>/source"): Row(EDITORS),
    ("GET", "/imports/aliases"): Row(EDITORS),
    ("POST", "/imports/aliases"): Row(EDITORS, ok=WRITE),
    ("POST", "/imports/aliases/<alias_id>/delete"): Row(EDITORS, ok=WRITE),
    # Reports: văn phòng and quản trị draft, lãnh đạo reads drafts and issues; WORLD's report is a draft
    ("GET", "/reports"): Row(DRAFT_READERS),
    ("GET", "/reports/new"): Row(REPORT_DRAFTERS),
    ("POST", "/reports/new"): Row(REPORT_DRAFTERS, ok=WRITE),
    ("GET", "/reports/<report_id>"): Row(DRAFT_READERS),
    ("POST", "/reports/<report_id>"): Row(REPORT_DRAFTERS, ok=WRITE),
    ("GET", "/reports/<report_id>/preview"): Row(DRAFT_READERS),
    ("GET", "/reports/<report_id>/download/<fmt>"): Row(DRAFT_READERS),  # a draft is drawn on the fly
    ("POST", "/reports/<report_id>/issue"): Row(REPORT_ISSUERS, ok=WRITE),
    ("POST", "/reports/<report_id>/delete"): Row(REPORT_DRAFTERS, ok=WRITE),
    ("GET", "/reports/late-list.<fmt>"): Row(DRAFT_READERS),
    ("GET", "/reports/settings"): Row(ADMIN),
    ("POST", "/reports/settings"): Row(ADMIN, ok=WRITE),
    # Administration: quản trị only
    ("GET", "/admin/audit"): Row(ADMIN),
    ("GET", "/admin/units"): Row(ADMIN),
    ("GET", "/admin/units/new"): Row(ADMIN),
    ("POST", "/admin/units/new"): Row(ADMIN, ok=WRITE),
    ("GET", "/admin/units/<unit_id>"): Row(ADMIN),
    ("POST", "/admin/units/<unit_id>"): Row(ADMIN, ok=WRITE),
    ("GET", "/admin/users"): Row(ADMIN),
    ("GET", "/admin/users/new"): Row(ADMIN),
    ("POST", "/admin/users/new"): Row(ADMIN, ok=WRITE),
    ("GET", "/admin/users/<user_id>"): Row(ADMIN),
    ("POST", "/admin/users/<user_id>"): Row(ADMIN, ok=WRITE),
    ("POST", "/admin/users/<user_id>/unlock"): Row(ADMIN, ok=WRITE),
    ("POST", "/admin/users/<user_id>/2fa/reset"): Row(ADMIN, ok=WRITE),
    ("GET", "/admin/issuers"): Row(ADMIN),
    ("POST", "/admin/issuers"): Row(ADMIN, ok=WRITE),
    ("GET", "/admin/issuers/<issuer_id>"): Row(ADMIN),
    ("POST", "/admin/issuers/<issuer_id>"): Row(ADMIN, ok=WRITE),
    ("POST", "/admin/issuers/<issuer_id>/delete"): Row(ADMIN, ok=WRITE),
    ("GET", "/admin/calendar"): Row(ADMIN),
    ("POST", "/admin/calendar"): Row(ADMIN, ok=WRITE),
    ("POST", "/admin/calendar/backdate"): Row(ADMIN, ok=WRITE),
    ("POST", "/admin/calendar/delete"): Row(ADMIN, ok=WRITE),
    ("POST", "/admin/calendar/shift"): Row(ADMIN, ok=WRITE),
    ("GET", "/admin/deliveries"): Row(ADMIN),
    ("POST", "/admin/deliveries/<delivery_id>/retry"): Row(ADMIN, ok=WRITE),
    # The JSON API (a Bearer token; none: 401)
    ("GET", "/api/v1/plans"): Row(SIGNED_IN),
    ("POST", "/api/v1/plans"): Row(EDITORS, ok=frozenset({422})),
    ("GET", "/api/v1/plans/<plan_id>"): Row(SIGNED_IN),
    ("PATCH", "/api/v1/plans/<plan_id>"): Row(EDITORS, ok=frozenset({200, 422})),
    ("GET", "/api/v1/plans/<plan_id>/summary"): Row(SIGNED_IN),
    ("POST", "/api/v1/plans/<plan_id>/tasks"): Row(EDITORS, ok=frozenset({422})),
    ("GET", "/api/v1/tasks"): Row(SIGNED_IN),
    ("GET", "/api/v1/tasks/<task_id>"): Row(SIGNED_IN),
    ("PATCH", "/api/v1/tasks/<task_id>"): Row(UPDATERS, ok=frozenset({200, 422})),
    ("POST", "/api/v1/tasks/<task_id>/confirm"): Row(CONFIRMERS, ok=frozenset({200, 422})),
    ("POST", "/api/v1/tasks/<task_id>/return"): Row(CONFIRMERS, ok=frozenset({200, 422})),
    ("POST", "/api/v1/tasks/<task_id>/extensions"): Row(REQUESTERS, ok=frozenset({201, 422})),
    ("POST", "/api/v1/extensions/<ext_id>/decision"): Row(DECIDERS, ok=frozenset({200, 422})),
    ("GET", "/api/v1/reports/plan"): Row(DRAFT_READERS, ok=frozenset({422})),  # no plan named
    ("POST", "/api/v1/imports"): Row(EDITORS, ok=frozenset({422})),
    # Indicators of a plan: read by everyone signed in, edited by văn phòng and quản trị
    ("GET", "/plans/<plan_id>/indicators"): Row(SIGNED_IN),
    ("GET", "/plans/<plan_id>/indicators/new"): Row(INDICATOR_EDITORS),
    ("POST", "/plans/<plan_id>/indicators/new"): Row(INDICATOR_EDITORS, ok=WRITE),
    ("GET", "/indicators/<indicator_id>"): Row(SIGNED_IN),
    ("GET", "/indicators/<indicator_id>/edit"): Row(INDICATOR_EDITORS),
    ("POST", "/indicators/<indicator_id>/edit"): Row(INDICATOR_EDITORS, ok=WRITE),
    ("POST", "/indicators/<indicator_id>/delete"): Row(INDICATOR_EDITORS, ok=WRITE, note="it has a result: refused, redirected"),
    # Results: the lead unit enters, the monitoring unit (văn phòng) confirms or returns
    ("POST", "/indicators/<indicator_id>/results"): Row(RESULT_ENTERERS, ok=WRITE),
    ("POST", "/indicator-results/<result_id>/confirm"): Row(RESULT_DECIDERS, ok=WRITE),
    ("POST", "/indicator-results/<result_id>/return"): Row(RESULT_DECIDERS, ok=WRITE),
    ("GET", "/indicator-results/<result_id>/evidence"): Row(RESULT_EVIDENCE),
    # "Văn phòng's list" by its docstring, but the view has no check: every signed-in account opens it. What it
    # lists (typed results, who entered them, what is missing) is on each indicator's page, open to all.
    ("GET", "/indicators/pending"): Row(SIGNED_IN, note="no check in the view; see the report"),
    # Statistics forms: read by everyone signed in; made, extended and copied by văn phòng and quản trị
    ("GET", "/stat-forms"): Row(SIGNED_IN),
    ("POST", "/stat-forms/new"): Row(INDICATOR_EDITORS, ok=WRITE),
    ("GET", "/stat-forms/<form_id>"): Row(SIGNED_IN),
    ("POST", "/stat-forms/<form_id>/rows"): Row(INDICATOR_EDITORS, ok=WRITE),
    ("POST", "/stat-forms/<form_id>/copy"): Row(INDICATOR_EDITORS, ok=WRITE),
    ("POST", "/stat-rows/<row_id>/value"): Row(FORM_TYPISTS, ok=WRITE),
    # Indicators through the API (an empty JSON body: 422 for those allowed)
    ("GET", "/api/v1/plans/<plan_id>/indicators"): Row(SIGNED_IN),
    ("POST", "/api/v1/plans/<plan_id>/indicators"): Row(INDICATOR_EDITORS, ok=frozenset({422})),
    ("GET", "/api/v1/indicators/<indicator_id>"): Row(SIGNED_IN),
    ("POST", "/api/v1/indicators/<indicator_id>/results"): Row(RESULT_ENTERERS, ok=frozenset({422})),
    ("POST", "/api/v1/indicator-results/<result_id>/confirm"): Row(RESULT_DECIDERS, ok=frozenset({200})),  # needs no body
    ("POST", "/api/v1/indicator-results/<result_id>/return"): Row(RESULT_DECIDERS, ok=frozenset({422})),  # no reason
    ("GET", "/api/v1/stat-forms/<form_id>"): Row(SIGNED_IN),
    # Search: reading plans and tasks is open to every signed-in account, so is finding them
    ("GET", "/search"): Row(SIGNED_IN),
    ("GET", "/api/v1/search"): Row(SIGNED_IN, ok=frozenset({422})),  # no query: too short
    # Việc của tôi: one's own page and calendar address
    ("GET", "/me"): Row(SIGNED_IN),
    # Tệp đã xuất: a person's own documents; another person's is not found (WORLD's belongs to văn phòng).
    ("GET", "/documents"): Row(SIGNED_IN),
    ("GET", "/documents/<job_id>/download"): Row(frozenset({A.OFFICE}), ok=frozenset({200, 302}), denied=404),
    ("POST", "/documents/<job_id>/remove"): Row(frozenset({A.OFFICE}), ok=WRITE, denied=404),
    ("POST", "/me/calendar"): Row(SIGNED_IN, ok=WRITE),
    ("POST", "/me/calendar/revoke"): Row(SIGNED_IN, ok=WRITE),
    # The calendar feed: no sign-in, the secret address is the key (WORLD's is the assignee's); a wrong or
    # revoked secret is 404 for everyone (tests/me)
    ("GET", "/calendar/<token>.ics"): Row(EVERYONE, note="the secret in the URL is the permission"),
}

# Values for the URL arguments, by argument name: ids of the objects WORLD creates (filled in by ``world``).
WORLD_ARGS: dict[str, str] = {"fmt": "pdf"}
STATIC_FILES = {"static": "app.css", "bootstrap.static": "css/bootstrap.min.css"}


def _methods(rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def _where(app: Flask, endpoint: str) -> str:
    view = app.view_functions[endpoint]
    return f"{view.__module__}.{view.__name__}"


def missing_rows(rules, where=lambda endpoint: "") -> list[str]:
    """The lines ACCESS lacks for these URL rules, ready to paste (with ``...`` for who may open them)."""
    return [
        f'    ("{method}", "{rule.rule}"): Row(...),  # endpoint {rule.endpoint} {where(rule.endpoint)}'.rstrip()
        for rule in rules
        for method in _methods(rule)
        if (method, rule.rule) not in ACCESS
    ]


def test_every_route_has_a_row(app):
    """A route without a row fails here, naming the line to add to ACCESS."""
    missing = missing_rows(app.url_map.iter_rules(), lambda endpoint: f"({_where(app, endpoint)})")
    assert not missing, "Routes with no row in tests/test_permissions.py ACCESS (say who may open them):\n" + "\n".join(missing)


def test_a_new_route_is_named_with_the_line_to_add():
    rules = Map(
        [Rule("/archive", endpoint="archive.index", methods=["GET"]), Rule("/plans", endpoint="plans.index", methods=["GET"])]
    )
    assert missing_rows(rules.iter_rules()) == ['    ("GET", "/archive"): Row(...),  # endpoint archive.index']


def test_every_row_is_a_route(app):
    routes = {(method, rule.rule) for rule in app.url_map.iter_rules() for method in _methods(rule)}
    stale = sorted(set(ACCESS) - routes)
    assert not stale, f"Rows in ACCESS for routes that no longer exist (remove them): {stale}"


@dataclass
class World:
    app: Flask
    clients: dict[Actor, object]
    tokens: dict[Actor, str]
    usernames: dict[Actor, str]
    monitor_head: object = None  # a signed-in client of the head of Văn phòng Sở, the indicator's monitoring unit


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    app = build_app(tmp_path_factory.mktemp("permissions"), name="permissions", WTF_CSRF_ENABLED=False)
    factory = Factory(app)
    lead, coop, other = factory.unit("Phòng chủ trì"), factory.unit("Phòng phối hợp"), factory.unit("Phòng khác")
    office_unit = factory.unit("Văn phòng Sở", UnitKind.OFFICE)  # monitors WORLD's indicator; none of the actors is in it
    names = {
        A.ADMIN: factory.user(Role.ADMIN),
        A.OFFICE: factory.user(Role.OFFICE),
        A.LEADER: factory.user(Role.LEADER),
        A.HEAD: factory.user(Role.UNIT_HEAD, lead),
        A.HEAD_COOP: factory.user(Role.UNIT_HEAD, coop),
        A.HEAD_OTHER: factory.user(Role.UNIT_HEAD, other),
        A.ASSIGNEE: factory.user(Role.STAFF, lead),
        A.STAFF_LEAD: factory.user(Role.STAFF, lead),
        A.STAFF_COOP: factory.user(Role.STAFF, coop),
        A.STAFF_OTHER: factory.user(Role.STAFF, other),
    }
    plan = factory.plan()
    task = factory.task(plan, lead, "31/12/2024", cooperating_unit_ids=[coop], assignee_id=factory.user_id(names[A.ASSIGNEE]))
    tokens = {}
    with app.app_context():
        users = {actor: db.session.query(User).filter_by(username=name).one() for actor, name in names.items()}
        for actor, user in users.items():
            tokens[actor] = user.new_api_token()
        WORLD_ARGS.update(_objects(app, db.session.get(Task, task), users, lead))
        WORLD_ARGS.update(_indicator_objects(db.session.get(Task, task), users, lead, office_unit))
        db.session.commit()
    WORLD_ARGS.update(task_id=str(task), plan_id=str(plan), unit_id=str(lead))
    clients = {A.ANONYMOUS: app.test_client()}
    for actor, name in names.items():
        client = app.test_client()
        response = client.post("/login", data={"username": name, "password": PASSWORD})
        assert response.status_code == 302, (actor, response.status_code)
        clients[actor] = client
    monitor_head = app.test_client()
    response = monitor_head.post("/login", data={"username": factory.user(Role.UNIT_HEAD, office_unit), "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    yield World(app, clients, tokens, names, monitor_head)
    with app.app_context():
        db.engine.dispose()


def _document_of(owner: User):
    """A document built in the background for văn phòng (tracker/documents), its file on disk."""
    from tracker.documents import operations as doc_ops
    from tracker.documents.models import DocumentState

    job = doc_ops.request_document(
        "tasks_xlsx",
        {"args": {}},
        title="Danh sách",
        filename="nhiem-vu.xlsx",
        mimetype="application/octet-stream",
        rows_total=2,
        actor=owner,
    )
    doc_ops.finish(job, b"PK\x03\x04 tep xuat", clock.now())
    assert job.state is DocumentState.DONE
    return job


def _objects(app: Flask, task: Task, users: dict[Actor, User], lead_unit: int) -> dict[str, str]:
    """The objects the URLs name besides the plan and the task, made through the operations."""
    from tracker.imports import operations as import_ops
    from tracker.notifications.models import Channel, Delivery
    from tracker.plans.models import Issuer
    from tracker.reports import operations as report_ops
    from tracker.reports.models import ReportScope
    from tracker.tasks import operations as ops

    office, head = users[A.OFFICE], users[A.HEAD]
    att = ops.add_attachment(task, FileStorage(io.BytesIO(b"%PDF-1.4 kiem chung"), filename="kiem-chung.pdf"), head)
    from tracker.plans.operations import add_plan_document

    signed = FileStorage(io.BytesIO(b"%PDF-1.4 ke hoach ban ky"), filename="ke-hoach.pdf")
    plan_doc = add_plan_document(task.plan, signed, "Bản ký", office)
    ext = ops.request_extension(task, head, "Chờ số liệu của Sở Tài chính", date(2025, 1, 31), date(2024, 10, 1))
    delivery = Delivery(key="perm:1", rule="ev_assigned", task_id=task.id, recipient_id=head.id, channel=Channel.INAPP)
    db.session.add(delivery)
    from tracker.reports import queries as report_queries

    office_details = {key: "Sở Nội vụ" for key, _, _ in report_queries.OFFICE_FIELDS}
    report_ops.save_office_settings({**office_details, "code": "SNV"}, users[A.ADMIN])
    report = report_ops.save_draft(None, report_ops.DraftInput(ReportScope.PLAN, date(2024, 9, 30), task.plan_id), office)
    draft = import_ops.create_draft(actor=office, text="1. Rà soát thủ tục hành chính", max_bytes=1 << 20)
    alias = import_ops.save_alias(unit_id=lead_unit, alias="P. chủ trì", actor=users[A.ADMIN])
    issuer = db.session.query(Issuer).first()
    job = _document_of(users[A.OFFICE])
    db.session.flush()
    return {
        "att_id": str(att.id),
        "job_id": str(job.id),
        "doc_id": str(plan_doc.id),
        "ext_id": str(ext.id),
        "delivery_id": str(delivery.id),
        "report_id": str(report.id),
        "draft_id": str(draft.id),
        "alias_id": str(alias.id),
        "issuer_id": str(issuer.id),
        "user_id": str(users[A.ASSIGNEE].id),
    }


def _indicator_objects(task: Task, users: dict[Actor, User], lead_unit: int, office_unit: int) -> dict[str, str]:
    """An indicator of the task's plan led by the task's lead unit and monitored by Văn phòng Sở, its pending
    result (with evidence) entered by the lead unit's head, a statistics form with a row the lead unit types
    (one value typed), and the assignee's calendar feed address; made through the operations."""
    from tracker.indicators import operations as ind_ops
    from tracker.indicators.models import RowKind
    from tracker.me import operations as me_ops
    from tracker.rules.deadlines import Frequency

    office, head, today = users[A.OFFICE], users[A.HEAD], date(2024, 10, 1)
    indicator = ind_ops.create_indicator(
        task.plan,
        ind_ops.IndicatorInput(
            title="Tỷ lệ hồ sơ giải quyết đúng hạn đạt trên 95%",
            ordinal="1",
            lead_unit_ids=(lead_unit,),
            monitoring_unit_id=office_unit,
            frequency=Frequency.QUARTERLY,
        ),
        office,
    )
    evidence = FileStorage(io.BytesIO(b"%PDF-1.4 ket qua quy III"), filename="ket-qua-q3.pdf")
    result = ind_ops.enter_result(indicator, ind_ops.ResultInput("Q3-2024", ("96,97%",), evidence=evidence), head, today)
    form = ind_ops.create_form("Biểu thống kê cải cách hành chính", 2024, office)
    row = ind_ops.add_row(form, ind_ops.RowInput("Số thủ tục hành chính được rà soát", RowKind.TYPED, unit_id=lead_unit), office)
    ind_ops.type_value(row, "Q3-2024", "12", head, today)
    feed = me_ops.new_feed(users[A.ASSIGNEE], users[A.ASSIGNEE])
    db.session.flush()
    return {
        "indicator_id": str(indicator.id),
        "result_id": str(result.id),
        "form_id": str(form.id),
        "row_id": str(row.id),
        "token": feed,
    }


def _url(app: Flask, rule_text: str) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.rule == rule_text)

    def value(match: re.Match) -> str:
        name = match.group(1)
        return STATIC_FILES[rule.endpoint] if name == "filename" else WORLD_ARGS[name]

    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", value, rule_text)


def _outcome(response) -> int | str:
    status = response.status_code
    location = urlsplit(response.headers.get("Location", "")).path
    response.close()
    return LOGIN if status == 302 and location == "/login" else status


def _status(world: World, actor: Actor, method: str, url: str, client=None) -> int | str:
    client = client or world.clients[actor]
    with rolled_back(world.app):
        if url.startswith("/api/"):
            headers = {"Authorization": f"Bearer {world.tokens[actor]}"} if actor in world.tokens else {}
            return _outcome(client.open(url, method=method, headers=headers, json={}))
        return _outcome(client.open(url, method=method, data={}))


@pytest.mark.parametrize(("method", "rule"), sorted(ACCESS), ids=lambda v: v)
def test_each_person_gets_what_the_table_says(world, method, rule):
    row = ACCESS[(method, rule)]
    url = _url(world.app, rule)
    wrong = []
    for actor in Actor:
        client = None
        if (method, rule) == ("POST", "/logout") and actor is not A.ANONYMOUS:
            client = world.app.test_client()  # signing out here must not end the session the other rows use
            client.post("/login", data={"username": world.usernames[actor], "password": PASSWORD})
        status = _status(world, actor, method, url, client)
        expected = row.expected(actor, url.startswith("/api/"))
        if status not in expected:
            wrong.append(f"{actor.value}: got {status}, expected {' or '.join(map(str, sorted(expected, key=str)))}")
    assert not wrong, f"{method} {url} ({rule}):\n  " + "\n  ".join(wrong)


# The head of the indicator's monitoring unit (Văn phòng Sở), whom can_decide_result and can_see_evidence name
# and no actor is: decides and sees the evidence, but neither enters results nor edits the indicator.
MONITOR_HEAD: dict[tuple[str, str], frozenset[int | str]] = {
    ("POST", "/indicator-results/<result_id>/confirm"): WRITE,
    ("POST", "/indicator-results/<result_id>/return"): WRITE,
    ("GET", "/indicator-results/<result_id>/evidence"): PAGE,
    ("POST", "/indicators/<indicator_id>/results"): frozenset({403}),
    ("GET", "/indicators/<indicator_id>/edit"): frozenset({403}),
    ("POST", "/stat-rows/<row_id>/value"): frozenset({403}),  # the row is the lead unit's
}


@pytest.mark.parametrize(("method", "rule"), sorted(MONITOR_HEAD), ids=lambda v: v)
def test_the_monitoring_unit_s_head(world, method, rule):
    status = _status(world, A.HEAD_OTHER, method, _url(world.app, rule), world.monitor_head)
    assert status in MONITOR_HEAD[(method, rule)], f"{method} {rule}: the monitoring unit's head got {status}"
