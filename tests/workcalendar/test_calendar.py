"""Which source decides a year: a loaded notice > chinese-calendar > the provisional rule."""

import datetime as dt

import chinese_calendar
import pytest

from govserve.workcalendar import calendar, services
from govserve.workcalendar.calendar import (
    DayStatus,
    day_status,
    lunar_new_year_eve,
    qingming,
    statutory_holidays,
)
from govserve.workcalendar.deadlines import DueDate, add_working_days, is_working_day
from govserve.workcalendar.signals import holiday_notice_loaded

pytestmark = pytest.mark.django_db

D = dt.date


# -- the provisional rule (2025 revision of the national holiday rules) ----------------------------
def test_spring_festival_2027_is_four_days_from_chuxi():
    assert lunar_new_year_eve(2027) == D(2027, 2, 5)
    holidays = statutory_holidays(2027)
    assert [d for d, name in sorted(holidays.items()) if name == "春节"] == [
        D(2027, 2, 5),
        D(2027, 2, 6),
        D(2027, 2, 7),
        D(2027, 2, 8),
    ]
    assert day_status(D(2027, 2, 8)) == DayStatus(working=False, provisional=True, name="春节")
    assert day_status(D(2027, 2, 9)) == DayStatus(working=True, provisional=True, name="")


def test_the_2027_statutory_holidays():
    assert sorted(statutory_holidays(2027).items()) == [
        (D(2027, 1, 1), "元旦"),
        (D(2027, 2, 5), "春节"),
        (D(2027, 2, 6), "春节"),
        (D(2027, 2, 7), "春节"),
        (D(2027, 2, 8), "春节"),
        (D(2027, 4, 5), "清明节"),
        (D(2027, 5, 1), "劳动节"),
        (D(2027, 5, 2), "劳动节"),
        (D(2027, 6, 9), "端午节"),
        (D(2027, 9, 15), "中秋节"),
        (D(2027, 10, 1), "国庆节"),
        (D(2027, 10, 2), "国庆节"),
        (D(2027, 10, 3), "国庆节"),
    ]


def test_national_day_is_october_first_to_third():
    for year in (2027, 2028, 2035):
        assert [is_working_day(D(year, 10, d)) for d in (1, 2, 3)] == [False, False, False]
    assert is_working_day(
        D(2027, 10, 4)
    )  # Monday: no substitute day (补假) until the notice says so
    assert not is_working_day(D(2027, 10, 9))  # and no make-up Saturday either


def test_2028_spring_festival_and_mid_autumn_on_national_day():
    holidays = statutory_holidays(2028)
    assert lunar_new_year_eve(2028) == D(2028, 1, 25)
    assert [d for d, name in sorted(holidays.items()) if name == "春节"] == [
        D(2028, 1, 25),
        D(2028, 1, 26),
        D(2028, 1, 27),
        D(2028, 1, 28),
    ]
    assert holidays[D(2028, 4, 4)] == "清明节"
    assert holidays[D(2028, 5, 28)] == "端午节"
    assert holidays[D(2028, 10, 3)] == "中秋节、国庆节"  # lunar 8/15 falls on 3 October
    assert len(holidays) == 12


def test_qingming_agrees_with_chinese_calendars_solar_term_formula():
    for year in range(2027, 2100):
        formula = [
            d
            for d, name in chinese_calendar.get_solar_terms(D(year, 4, 1), D(year, 4, 30))
            if name == "清明"
        ]
        assert [qingming(year)] == formula, year
        assert qingming(year) in (D(year, 4, 4), D(year, 4, 5))


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_rule_matches_the_published_notices_of_2025_and_2026(year):
    """Every statutory holiday of the 2025 rules is a day off in chinese-calendar's data."""
    for day, name in statutory_holidays(year).items():
        assert chinese_calendar.is_holiday(day), (day, name)


def test_year_outside_the_calendar_is_refused():
    with pytest.raises(ValueError):
        calendar.year_table(2101)
    with pytest.raises(ValueError):
        statutory_holidays(1899)


def test_sources_by_year():
    assert calendar.year_table(2026).source == calendar.Source.LIBRARY
    assert calendar.year_table(2027).source == calendar.Source.PROVISIONAL
    assert calendar.year_table(2003).source == calendar.Source.PROVISIONAL
    assert day_status(D(2026, 10, 10)) == DayStatus(working=True, provisional=False, name="国庆节")
    assert day_status(D(2026, 10, 1)) == DayStatus(working=False, provisional=False, name="国庆节")


# -- a loaded notice -------------------------------------------------------------------------------
def test_loaded_notice_makes_2027_final_and_moves_days(notice_2027):
    start = D(2027, 2, 1)  # Monday before the Spring Festival
    before = add_working_days(start, 20)
    assert before.provisional
    # Provisional: off 5–8 February. Counted: 2, 3, 4 Feb, then 9 Feb onwards.
    assert before == DueDate(D(2027, 3, 3), True)

    services.load_notice(notice_2027)

    after = add_working_days(start, 20)
    assert not after.provisional
    # The notice: off 5–12 February (four more working days lost), Saturday 20 February worked.
    assert is_working_day(D(2027, 2, 20)) and not is_working_day(D(2027, 2, 11))
    assert after == DueDate(D(2027, 3, 8), False)
    assert day_status(D(2027, 2, 20)) == DayStatus(working=True, provisional=False, name="春节")
    # Dates the notice does not list follow the week.
    assert is_working_day(D(2027, 3, 1)) and not is_working_day(D(2027, 3, 6))


def test_loaded_notice_overrides_chinese_calendar(notice_2027):
    notice = {
        **notice_2027,
        "year": 2026,
        "title": "更正通知",
        "days": [
            {"date": "2026-10-01", "kind": "holiday", "name": "国庆节"},
            {"date": "2026-10-11", "kind": "workday", "name": "国庆节"},
        ],
    }
    assert not is_working_day(D(2026, 10, 11)) and not is_working_day(D(2026, 10, 5))
    services.load_notice(notice)
    assert calendar.year_table(2026).source == calendar.Source.NOTICE
    assert is_working_day(D(2026, 10, 11)) and is_working_day(D(2026, 10, 5))


def test_signal_fires_on_load_with_the_year(notice_2027):
    received = []

    def receiver(sender, year, notice, **kwargs):
        # Receivers already see the new days (the cache was cleared before sending).
        received.append((year, notice.title, add_working_days(D(2027, 2, 1), 20)))

    holiday_notice_loaded.connect(receiver)
    try:
        services.load_notice(notice_2027)
    finally:
        holiday_notice_loaded.disconnect(receiver)
    assert received == [(2027, notice_2027["title"], DueDate(D(2027, 3, 8), False))]


def test_loading_again_replaces_the_years_days(notice_2027):
    services.load_notice(notice_2027)
    corrected = {**notice_2027, "days": [{"date": "2027-02-05", "kind": "holiday", "name": "春节"}]}
    notice = services.load_notice(corrected)
    assert [d.date for d in notice.days.all()] == [D(2027, 2, 5)]
    assert is_working_day(D(2027, 2, 8)) and not is_working_day(D(2027, 2, 20))
    assert calendar.special_days(2027) == [calendar.SpecialDay(D(2027, 2, 5), "holiday", "春节")]


def test_a_failing_receiver_rolls_the_load_back(notice_2027):
    def broken(sender, year, **kwargs):
        assert not add_working_days(D(2027, 2, 1), 20).provisional  # caches the new days
        raise RuntimeError("recompute failed")

    holiday_notice_loaded.connect(broken)
    try:
        with pytest.raises(RuntimeError):
            services.load_notice(notice_2027)
    finally:
        holiday_notice_loaded.disconnect(broken)
    assert calendar.year_table(2027).provisional
