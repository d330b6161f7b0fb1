"""Shared fixtures for the working-day calendar tests.

The calendar caches each year's table in-process; tests roll their database changes back,
so every test starts and ends with an empty cache.
"""

import copy

import pytest
from rest_framework.test import APIClient

from govserve.workcalendar import calendar

# A made-up notice for 2027 (unknown to chinese-calendar 1.11): 春节 Fri 5 – Fri 12 February
# off, Saturday 20 February a make-up workday, 国庆 1–7 October off, Saturday 9 October worked.
NOTICE_2027 = {
    "year": 2027,
    "title": "国务院办公厅关于2027年部分节假日安排的通知",
    "published": "2026-11-05",
    "source": "https://www.gov.cn/zhengce/content/2027-holidays.htm",
    "days": [
        {"date": "2027-01-01", "kind": "holiday", "name": "元旦"},
        *({"date": f"2027-02-{d:02d}", "kind": "holiday", "name": "春节"} for d in range(5, 13)),
        {"date": "2027-02-20", "kind": "workday", "name": "春节"},
        {"date": "2027-04-05", "kind": "holiday", "name": "清明节"},
        {"date": "2027-05-01", "kind": "holiday", "name": "劳动节"},
        {"date": "2027-05-02", "kind": "holiday", "name": "劳动节"},
        {"date": "2027-06-09", "kind": "holiday", "name": "端午节"},
        {"date": "2027-09-15", "kind": "holiday", "name": "中秋节"},
        *({"date": f"2027-10-{d:02d}", "kind": "holiday", "name": "国庆节"} for d in range(1, 8)),
        {"date": "2027-10-09", "kind": "workday", "name": "国庆节"},
    ],
}


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    calendar.invalidate()
    yield
    calendar.invalidate()


@pytest.fixture
def notice_2027():
    return copy.deepcopy(NOTICE_2027)


@pytest.fixture
def api():
    return APIClient()
