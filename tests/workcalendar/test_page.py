"""The working-day calculator page (/workcalendar/calculator/), for signed-in staff."""

import re

import pytest

from tests.accounts.factories import PersonFactory
from tests.accounts.worlds import make_staff
from tests.regions.factories import sichuan_tree

pytestmark = pytest.mark.django_db

URL = "/workcalendar/calculator/"


@pytest.fixture
def clerk_client(client):
    client.force_login(make_staff("clerk", "clerk", sichuan_tree()[2]))
    return client


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_anonymous_is_sent_to_login(client):
    resp = client.get(URL)
    assert resp.status_code == 302 and resp["Location"].startswith("/accounts/login/")


def test_citizens_are_refused(client):
    client.force_login(PersonFactory())
    assert client.get(URL).status_code == 403


def test_empty_form(clerk_client):
    resp = clerk_client.get(URL)
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "工作日计算器" in html and 'name="start"' in html and 'name="s-0-start"' in html
    assert "计算结果" not in html


def test_domain_example_with_counted_days(clerk_client):
    resp = clerk_client.get(
        URL, {"start": "2026-09-30", "days": "20", "s-TOTAL_FORMS": "3", "s-INITIAL_FORMS": "0"}
    )
    assert resp.status_code == 200
    text = text_of(resp)
    assert "到期日 2026-11-03" in text
    assert "暂定" not in text
    assert "2026-10-08" in text and "2026-10-10" in text and "国庆节调休上班" in text
    assert "2026-10-01" not in text.split("计入时限的工作日")[-1]
    assert len(re.findall(r"<tr>\s*<td data-label=\"序号\">", resp.content.decode())) == 20


def test_suspension_rows_and_provisional_mark(clerk_client):
    resp = clerk_client.get(
        URL,
        {
            "start": "2026-12-20",
            "days": "20",
            "s-TOTAL_FORMS": "3",
            "s-INITIAL_FORMS": "0",
            "s-0-start": "2026-12-28",
            "s-0-end": "2027-01-05",
            "s-1-start": "",
            "s-1-end": "",
        },
    )
    text = text_of(resp)
    assert "到期日 2027-01-25 暂定" in text
    assert "中止扣除的工作日 5" in text
    assert "2027 年的国务院放假安排尚未导入" in text


def test_open_suspension_is_estimated_to_end_today(clerk_client):
    resp = clerk_client.get(
        URL,
        {
            "start": "2026-09-30",
            "days": "20",
            "s-TOTAL_FORMS": "1",
            "s-INITIAL_FORMS": "0",
            "s-0-start": "2026-10-12",
        },
    )
    assert "按今天恢复计时估算" in text_of(resp)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2026-02-30", "days": "20"}, "日期格式应为 YYYY-MM-DD"),
        ({"start": "2026-09-30", "days": "-1"}, "工作日天数不能为负数"),
        ({"start": "2026-09-30", "days": "1001"}, "工作日天数不能超过 1000"),
        ({"start": "1899-09-30", "days": "1"}, "日期应在 1900 至 2100 年之间"),
        ({"start": "2100-12-01", "days": "1000"}, "超出工作日历支持的年份范围"),
        (
            {
                "start": "2026-09-30",
                "days": "20",
                "s-0-start": "2026-10-12",
                "s-0-end": "2026-10-01",
            },
            "恢复计时日期不能早于中止开始日期",
        ),
        ({"start": "2026-09-30", "days": "20", "s-0-end": "2026-10-01"}, "请填写中止开始日期"),
    ],
)
def test_bad_input_is_shown_on_the_fields(clerk_client, params, message):
    resp = clerk_client.get(URL, {"s-TOTAL_FORMS": "3", "s-INITIAL_FORMS": "0", **params})
    assert resp.status_code == 200
    assert message in resp.content.decode()
    assert "计算结果" not in resp.content.decode()


def test_a_link_without_suspension_rows_calculates(clerk_client):
    resp = clerk_client.get(URL, {"start": "2026-09-30", "days": "20"})
    assert resp.status_code == 200
    assert "到期日 2026-11-03" in text_of(resp)


def test_a_broken_management_form_is_not_a_500(clerk_client):
    resp = clerk_client.get(URL, {"start": "2026-09-30", "days": "20", "s-TOTAL_FORMS": "x"})
    assert resp.status_code == 200 and "计算结果" not in resp.content.decode()
