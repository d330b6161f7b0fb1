"""Loading a notice: validation with field errors, the command, the admin upload."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from govserve.workcalendar import calendar, services
from govserve.workcalendar.models import CalendarDay, HolidayNotice
from tests.accounts.worlds import make_staff
from tests.regions.factories import sichuan_tree
from tests.workcalendar.factories import HolidayNoticeFactory

pytestmark = pytest.mark.django_db


def errors_of(data) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as info:
        services.parse_notice(data)
    return info.value.message_dict


def test_a_good_notice_loads(notice_2027, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="x")
    notice = services.load_notice(notice_2027, actor=admin)
    assert (notice.year, notice.loaded_by, notice.published) == (2027, admin, dt.date(2026, 11, 5))
    assert notice.days.count() == len(notice_2027["days"])
    assert notice.days.filter(kind="workday").count() == 2
    assert str(notice.days.get(date="2027-02-20")) == "2027-02-20 调休上班 春节"


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"year": None}, "year", "年度"),
        ({"year": "二〇二七"}, "year", "年度"),
        ({"year": 3000}, "year", "2100"),
        ({"title": "  "}, "title", "标题"),
        ({"published": "2026/11/05"}, "published", "YYYY-MM-DD"),
        ({"published": None}, "published", "发布日期"),
        ({"source": "ftp://example.org/x"}, "source", "http"),
        ({"days": []}, "days", "放假日期"),
        ({"days": "2027-02-05"}, "days", "放假日期"),
    ],
)
def test_top_level_fields_are_checked(notice_2027, change, field, words):
    errors = errors_of({**notice_2027, **change})
    assert list(errors) == [field]
    assert words in errors[field][0]


@pytest.mark.parametrize(
    ("row", "field", "words"),
    [
        ({"date": "2027-02-30", "kind": "holiday", "name": "春节"}, "days[1].date", "不是有效日期"),
        ({"date": "春节", "kind": "holiday", "name": "春节"}, "days[1].date", "不是有效日期"),
        ({"date": 20270205, "kind": "holiday", "name": "春节"}, "days[1].date", "不是有效日期"),
        ({"kind": "holiday", "name": "春节"}, "days[1].date", "不是有效日期"),
        (
            {"date": "2028-02-05", "kind": "holiday", "name": "春节"},
            "days[1].date",
            "不在 2027 年内",
        ),
        (
            {"date": "2027-01-01", "kind": "holiday", "name": "元旦"},
            "days[1].date",
            "与第 1 条重复",
        ),
        (
            {"date": "2027-02-22", "kind": "workday", "name": "春节"},
            "days[1].date",
            "不是周六或周日",
        ),
        ({"date": "2027-02-20", "kind": "rest", "name": "春节"}, "days[1].kind", "holiday"),
        ({"date": "2027-02-05", "kind": "holiday", "name": ""}, "days[1].name", "节日名称"),
        ({"date": "2027-02-05", "kind": "holiday", "name": "春" * 51}, "days[1].name", "50"),
        ("2027-02-05", "days[1]", "对象"),
    ],
)
def test_each_day_is_checked_with_its_row(row, field, words):
    data = {
        "year": 2027,
        "title": "通知",
        "published": "2026-11-05",
        "days": [{"date": "2027-01-01", "kind": "holiday", "name": "元旦"}, row],
    }
    errors = errors_of(data)
    assert field in errors, errors
    assert words in errors[field][0] and "第 2 条" in errors[field][0]


def test_every_problem_is_reported_at_once():
    errors = errors_of(
        {
            "year": 2027,
            "published": "x",
            "days": [
                {"date": "2027-03-01", "kind": "workday"},
                {"date": "2026-12-31", "kind": "holiday", "name": "元旦"},
            ],
        }
    )
    assert set(errors) == {"title", "published", "days[0].date", "days[1].date"}


def test_chinese_kind_words_are_accepted(notice_2027):
    notice_2027["days"] = [
        {"date": "2027-02-05", "kind": "放假", "name": "春节"},
        {"date": "2027-02-20", "kind": "调休上班", "name": "春节"},
    ]
    parsed = services.parse_notice(notice_2027)
    assert [kind for _d, kind, _n in parsed.days] == ["holiday", "workday"]


def test_a_bad_notice_writes_nothing(notice_2027):
    services.load_notice(notice_2027)
    bad = {
        **notice_2027,
        "days": [*notice_2027["days"], {"date": "2027-03-01", "kind": "workday", "name": "x"}],
    }
    with pytest.raises(ValidationError):
        services.load_notice(bad)
    assert CalendarDay.objects.count() == len(notice_2027["days"])


# -- the command -----------------------------------------------------------------------------------
def test_command_loads_a_file(tmp_path, notice_2027, capsys):
    path = tmp_path / "2027.json"
    path.write_text(json.dumps(notice_2027, ensure_ascii=False), encoding="utf-8")
    call_command("load-holiday-notice", str(path))
    assert "已导入 2027 年放假安排：放假 21 天，调休上班 2 天" in capsys.readouterr().out
    assert not calendar.year_table(2027).provisional


def test_command_alias_and_dry_run(tmp_path, notice_2027, capsys):
    path = tmp_path / "2027.json"
    path.write_text(json.dumps(notice_2027, ensure_ascii=False), encoding="utf-8")
    call_command("load_holiday_notice", str(path), "--dry-run")
    assert "检查通过" in capsys.readouterr().out
    assert not HolidayNotice.objects.exists()


def test_command_reports_errors_and_writes_nothing(tmp_path, notice_2027):
    notice_2027["days"].append({"date": "2027-03-01", "kind": "workday", "name": "春节"})
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(notice_2027, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(
        CommandError, match=r"days\[23\]\.date: 第 24 条：调休上班日 2027-03-01 不是周六或周日"
    ):
        call_command("load-holiday-notice", str(path))
    assert not HolidayNotice.objects.exists()
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    with pytest.raises(CommandError, match="不是有效的 JSON"):
        call_command("load-holiday-notice", str(tmp_path / "broken.json"))
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("load-holiday-notice", str(tmp_path / "missing.json"))


# -- the admin -------------------------------------------------------------------------------------
def test_system_admin_uploads_a_notice_in_the_admin(notice_2027):
    admin = make_staff("sys-admin", "system_admin", sichuan_tree()[0], covers_subtree=True)
    client = Client()
    client.force_login(admin)
    assert client.get("/admin/workcalendar/holidaynotice/add/").status_code == 200
    resp = client.post("/admin/workcalendar/holidaynotice/add/", {"text": json.dumps(notice_2027)})
    assert resp.status_code == 302, resp.content.decode()
    notice = HolidayNotice.objects.get(year=2027)
    assert notice.loaded_by == admin
    page = client.get(resp["Location"]).content.decode()
    assert "2027年2月20日" in page and "调休上班" in page
    assert "放假安排通知" in client.get("/admin/workcalendar/holidaynotice/").content.decode()


def test_admin_upload_shows_errors(notice_2027, django_user_model):
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("root", password="x"))
    notice_2027["days"][0]["date"] = "2027-13-01"
    resp = client.post("/admin/workcalendar/holidaynotice/add/", {"text": json.dumps(notice_2027)})
    assert resp.status_code == 200
    assert "不是有效日期" in resp.content.decode()
    assert client.post("/admin/workcalendar/holidaynotice/add/", {"text": "{"}).status_code == 200
    assert not HolidayNotice.objects.exists()


def test_other_staff_cannot_load_in_the_admin(notice_2027):
    clerk = make_staff("clerk", "clerk", sichuan_tree()[2])
    client = Client()
    client.force_login(clerk)
    assert client.get("/admin/workcalendar/holidaynotice/").status_code == 403
    assert (
        client.post(
            "/admin/workcalendar/holidaynotice/add/", {"text": json.dumps(notice_2027)}
        ).status_code
        == 403
    )
    assert not HolidayNotice.objects.exists()


def test_factory_makes_a_notice():
    notice = HolidayNoticeFactory(year=2028)
    assert str(notice) == "2028 国务院办公厅关于2028年部分节假日安排的通知"
