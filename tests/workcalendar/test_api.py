"""/api/workcalendar/: due dates, a year's days, notices.
Bad input is a 400 by field, never a 500."""

import pytest

from govserve.workcalendar.models import HolidayNotice
from tests.accounts.factories import PersonFactory
from tests.accounts.worlds import make_staff
from tests.regions.factories import sichuan_tree

pytestmark = pytest.mark.django_db

DUE = "/api/workcalendar/due-date/"


# -- due date --------------------------------------------------------------------------------------
def test_due_date_get_domain_example(api):
    resp = api.get(DUE, {"start": "2026-09-30", "days": "20"})
    assert resp.status_code == 200, resp.content
    assert resp.json() == {
        "start": "2026-09-30",
        "days": 20,
        "due": "2026-11-03",
        "provisional": False,
        "suspended_working_days": 0,
    }


def test_due_date_get_with_suspensions_and_counted_days(api):
    resp = api.get(
        DUE,
        {
            "start": "2026-11-02",
            "days": "5",
            "suspensions": "2026-11-04:2026-11-06,2026-11-20:",
            "as_of": "2026-11-25",
            "counted_days": "true",
        },
    )
    body = resp.json()
    assert resp.status_code == 200, body
    assert (body["due"], body["suspended_working_days"]) == ("2026-11-11", 2)
    assert [d["date"] for d in body["counted_days"]] == [
        "2026-11-03",
        "2026-11-06",
        "2026-11-09",
        "2026-11-10",
        "2026-11-11",
    ]


def test_due_date_post_json(api):
    resp = api.post(
        DUE,
        {
            "start": "2026-12-20",
            "days": 20,
            "counted_days": True,
            "suspensions": [{"start": "2026-12-28", "end": "2027-01-05"}],
        },
        format="json",
    )
    body = resp.json()
    assert resp.status_code == 200, body
    assert body["provisional"] is True and body["due"] == "2027-01-25"
    assert body["suspended_working_days"] == 5  # 28–31 December and 4 January (1 January a holiday)
    assert body["counted_days"][-1] == {"date": "2027-01-25", "name": "", "provisional": True}


def test_immediate_item(api):
    assert api.get(DUE, {"start": "2026-10-01", "days": "0"}).json()["due"] == "2026-10-01"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"days": "20"}, "start"),
        ({"start": "2026-02-30", "days": "20"}, "start"),
        ({"start": "30/09/2026", "days": "20"}, "start"),
        ({"start": "2026-09-30T10:00", "days": "20"}, "start"),
        ({"start": "1899-12-31", "days": "20"}, "start"),
        ({"start": "2026-09-30"}, "days"),
        ({"start": "2026-09-30", "days": "-1"}, "days"),
        ({"start": "2026-09-30", "days": "1001"}, "days"),
        ({"start": "2026-09-30", "days": "二十"}, "days"),
        ({"start": "2026-09-30", "days": "2.5"}, "days"),
        ({"start": "2026-09-30", "days": "9" * 60}, "days"),
        ({"start": "2100-12-01", "days": "1000"}, "days"),
        ({"start": "2026-09-30", "days": "20", "suspensions": "2026-10-10"}, "suspensions"),
        (
            {"start": "2026-09-30", "days": "20", "suspensions": "2026-10-10:2026-10-05"},
            "suspensions",
        ),
        ({"start": "2026-09-30", "days": "20", "suspensions": "bad:2026-10-05"}, "suspensions"),
        ({"start": "2026-09-30", "days": "20", "as_of": "tomorrow"}, "as_of"),
    ],
)
def test_due_date_bad_query_is_a_400_by_field(api, params, field):
    resp = api.get(DUE, params)
    assert resp.status_code == 400, resp.content
    body = resp.json()
    assert field in body, body
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(body[field])), body  # in Chinese


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"start": None, "days": 5}, "start"),
        ({"start": 20260930, "days": 5}, "start"),
        ({"start": "2026-09-30", "days": None}, "days"),
        ({"start": "2026-09-30", "days": "many"}, "days"),
        ({"start": "2026-09-30", "days": -3}, "days"),
        ({"start": "2026-09-30", "days": 5, "suspensions": "2026-10-10:2026-10-12"}, "suspensions"),
        ({"start": "2026-09-30", "days": 5, "suspensions": [{"end": "2026-10-12"}]}, "suspensions"),
        (
            {
                "start": "2026-09-30",
                "days": 5,
                "suspensions": [{"start": "2026-10-12", "end": "2026-10-10"}],
            },
            "suspensions",
        ),
        (
            {
                "start": "2026-09-30",
                "days": 5,
                "suspensions": [{"start": "2026-10-10", "end": "x"}],
            },
            "suspensions",
        ),
        (
            {"start": "2026-09-30", "days": 5, "suspensions": [{"start": "2026-10-10"}] * 51},
            "suspensions",
        ),
    ],
)
def test_due_date_bad_json_is_a_400_by_field(api, data, field):
    resp = api.post(DUE, data, format="json")
    assert resp.status_code == 400, resp.content
    assert field in resp.json(), resp.json()


def test_suspension_error_names_the_end_field(api):
    resp = api.post(
        DUE,
        {
            "start": "2026-09-30",
            "days": 5,
            "suspensions": [{"start": "2026-10-12", "end": "2026-10-10"}],
        },
        format="json",
    )
    assert resp.json() == {"suspensions": [{"end": ["恢复计时日期不能早于中止开始日期"]}]}


def test_due_date_post_with_garbage_body(api):
    resp = api.generic("POST", DUE, "{not json", content_type="application/json")
    assert resp.status_code == 400


def test_due_date_post_needs_no_login(api):
    """A calculation, though a POST: anyone may ask it."""
    assert api.post(DUE, {"start": "2026-09-30", "days": 20}, format="json").status_code == 200


# -- a year's days ---------------------------------------------------------------------------------
def test_days_of_an_unknown_year_are_provisional(api):
    body = api.get("/api/workcalendar/days/", {"year": "2027"}).json()
    assert (body["year"], body["source"], body["provisional"], body["notice"]) == (
        2027,
        "provisional",
        True,
        None,
    )
    assert body["days"][:2] == [
        {"date": "2027-01-01", "kind": "holiday", "name": "元旦"},
        {"date": "2027-02-05", "kind": "holiday", "name": "春节"},
    ]
    assert len(body["days"]) == 13


def test_days_of_a_library_year_list_make_up_workdays(api):
    body = api.get("/api/workcalendar/days/", {"year": 2026}).json()
    assert (body["source"], body["provisional"]) == ("chinese-calendar", False)
    assert {"date": "2026-10-10", "kind": "workday", "name": "国庆节"} in body["days"]


def test_days_after_a_notice(api, notice_2027):
    staff = make_staff("sys", "system_admin", sichuan_tree()[0])
    api.force_authenticate(staff)
    assert api.post("/api/workcalendar/notices/", notice_2027, format="json").status_code == 201
    api.force_authenticate(None)
    body = api.get("/api/workcalendar/days/", {"year": 2027}).json()
    assert (body["source"], body["provisional"]) == ("notice", False)
    assert body["notice"]["title"] == notice_2027["title"]
    assert {"date": "2027-02-20", "kind": "workday", "name": "春节"} in body["days"]


@pytest.mark.parametrize("year", [None, "", "abc", "1899", "2101", "２０２７", "2027.0"])
def test_days_bad_year(api, year):
    resp = api.get("/api/workcalendar/days/", {} if year is None else {"year": year})
    assert resp.status_code == 400
    assert "year" in resp.json()


# -- notices ---------------------------------------------------------------------------------------
NOTICES = "/api/workcalendar/notices/"


def test_system_admin_loads_a_notice(api, notice_2027):
    admin = make_staff("sys", "system_admin", sichuan_tree()[2])
    api.force_authenticate(admin)
    resp = api.post(NOTICES, notice_2027, format="json")
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["year"] == 2027 and len(body["days"]) == len(notice_2027["days"])
    assert HolidayNotice.objects.get().loaded_by == admin
    # Reads are public.
    api.force_authenticate(None)
    assert [n["year"] for n in api.get(NOTICES).json()] == [2027]
    assert api.get(DUE, {"start": "2027-02-01", "days": 20}).json()["due"] == "2027-03-08"


def test_superuser_loads_a_notice(api, notice_2027, django_user_model):
    api.force_authenticate(django_user_model.objects.create_superuser("root", password="x"))
    assert api.post(NOTICES, notice_2027, format="json").status_code == 201


@pytest.mark.parametrize("who", ["anonymous", "citizen", "clerk", "catalog_admin", "supervisor"])
def test_others_cannot_load_a_notice(api, notice_2027, who):
    county = sichuan_tree()[2]
    users = {
        "anonymous": lambda: None,
        "citizen": lambda: PersonFactory(),
        "clerk": lambda: make_staff("clerk", "clerk", county),
        "catalog_admin": lambda: make_staff("cat", "catalog_admin", county),
        "supervisor": lambda: make_staff("sup", "supervisor", county),
    }
    user = users[who]()
    if user is not None:
        api.force_authenticate(user)
    resp = api.post(NOTICES, notice_2027, format="json")
    assert resp.status_code in (401, 403)
    assert not HolidayNotice.objects.exists()


def test_bad_notice_is_a_400_by_field(api, notice_2027):
    api.force_authenticate(make_staff("sys", "system_admin", sichuan_tree()[2]))
    notice_2027["days"].append({"date": "2027-03-01", "kind": "workday", "name": "春节"})
    notice_2027["published"] = "soon"
    resp = api.post(NOTICES, notice_2027, format="json")
    assert resp.status_code == 400
    body = resp.json()
    assert body["published"] == ["发布日期格式应为 YYYY-MM-DD"]
    assert body["days[23].date"] == ["第 24 条：调休上班日 2027-03-01 不是周六或周日"]
    for garbage in ([1, 2], "x", {"year": []}):
        assert api.post(NOTICES, garbage, format="json").status_code == 400
    assert not HolidayNotice.objects.exists()
