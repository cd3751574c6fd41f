"""As-of, period and year parameters outside the year window answer 400 with a Vietnamese message, fast
(issue 16, item 3): ``GET /unit?as_of=0001-01-01`` cost 151–219 s of CPU. The work is counted in Python
lines executed (tests/steps.py), the same on a loaded machine; a day-by-day count over the years adds
tens of millions."""

from tests.conftest import login
from tests.dashboard.conftest import demo  # noqa: F401  (fixture)
from tests.steps import python_lines
from tracker.accounts.models import User
from tracker.extensions import db

OUT = [
    "/unit?as_of=0001-01-01",
    "/unit?as_of=9999-12-31",
    "/tasks?as_of=31/12/1999",
    "/dashboard?as_of=2101-01-01",
    "/dashboard?period=year&year=9999",
    "/dashboard?period=quarter&year=1024&index=1",
    "/board?as_of=0001-01-01",
    "/plans?year=1024",
    "/plans?as_of=0001-01-01",
    "/reports/new?year=9999",
    "/reports/new?as_of=0001-01-01",
    "/reports/late-list.pdf?as_of=0001-01-01",
]


def test_out_of_window_parameters_answer_400_in_vietnamese_fast(client, demo):  # noqa: F811
    """One demo load for every URL (loading it takes seconds)."""
    login(client, "vanphong", "demo-2026-tracker")
    for url in OUT:
        response, spent = python_lines(client.get, url)
        assert response.status_code == 400, url
        assert "nằm ngoài khoảng cho phép" in response.get_data(as_text=True), url
        assert spent < 100_000, f"{url}: {spent} Python lines (a refusal runs ~17,000–26,000)"


def test_the_api_answers_400_in_json(client, demo, app):  # noqa: F811
    with app.app_context():
        user = db.session.query(User).filter_by(username="vanphong").one()
        headers = {"Authorization": f"Bearer {user.new_api_token()}"}
        db.session.commit()
    response = client.get("/api/v1/tasks?as_of=0001-01-01", headers=headers)
    assert response.status_code == 400
    assert "nằm ngoài khoảng cho phép" in response.get_json()["error"]["message"]
    assert client.get("/api/v1/tasks?as_of=2024-12-31", headers=headers).status_code == 200


def test_window_edges_are_accepted_within_a_cpu_budget(client, demo):  # noqa: F811
    """The oldest and newest accepted as-of dates on the demo department: each page within a bound of Python lines."""
    login(client, "vanphong", "demo-2026-tracker")
    for url in ["/unit?as_of=2000-01-01", "/unit?as_of=2100-12-31", "/board?as_of=2000-01-01", "/dashboard?as_of=2100-12-31"]:
        response, spent = python_lines(client.get, url)
        assert response.status_code == 200, url
        assert spent < 3_000_000, f"{url}: {spent} Python lines (these pages run 110,000–680,000)"


def test_the_window_is_configurable(client, demo, app):  # noqa: F811
    login(client, "vanphong", "demo-2026-tracker")
    app.config["YEAR_MIN"] = 1990
    try:
        assert client.get("/unit?as_of=1995-01-01").status_code == 200
    finally:
        app.config["YEAR_MIN"] = 2000
    assert client.get("/unit?as_of=1995-01-01").status_code == 400
