"""Deadline arithmetic against an independent day-by-day reference over chinese-calendar.

The counting convention (DOMAIN.md §2): the day of acceptance is not counted; the due date
is the day the N-th counted working day falls on; a suspension (S, E) excludes every
working day d with S ≤ d < E; an extension adds its days to N; N = 0 is due the same day.
"""

import datetime as dt
import random

import chinese_calendar
import pytest

from govserve.workcalendar.deadlines import (
    DueDate,
    add_working_days,
    counted_working_days,
    is_working_day,
    remaining_working_days,
    suspended_working_days,
    working_days_between,
)

pytestmark = pytest.mark.django_db

D = dt.date
ONE = dt.timedelta(days=1)


def reference_due(start, n, suspensions=(), as_of=None):
    """Written straight from the convention, one day at a time, with chinese-calendar only."""
    if n == 0:
        return start
    spans = [(s, e if e is not None else max(s, as_of)) for s, e in suspensions]
    day, counted = start, 0
    while counted < n:
        day += ONE
        if any(s <= day < e for s, e in spans):
            continue
        if chinese_calendar.is_workday(day):
            counted += 1
    return day


# -- the 300-case comparison ---------------------------------------------------------------------
SPRING_FESTIVALS = [
    D(2018, 2, 16),
    D(2019, 2, 5),
    D(2020, 1, 25),
    D(2021, 2, 12),
    D(2022, 2, 1),
    D(2023, 1, 22),
    D(2024, 2, 10),
    D(2025, 1, 29),
    D(2026, 2, 17),
]
NATIONAL_DAYS = [D(y, 10, 1) for y in range(2018, 2027)]
MAKE_UP_WORKDAYS = sorted(d for d in chinese_calendar.workdays if 2018 <= d.year <= 2026)
YEAR_ENDS = [D(y, 12, 31) for y in range(2018, 2026)]


def generate_cases(count=320, seed=20260930):
    rng = random.Random(seed)
    cases = [("DOMAIN.md example", D(2026, 9, 30), 20, [], None)]
    while len(cases) < count:
        kind, anchors = rng.choice(
            [
                ("spring festival", SPRING_FESTIVALS),
                ("national day", NATIONAL_DAYS),
                ("make-up workday", MAKE_UP_WORKDAYS),
                ("year end", YEAR_ENDS),
            ]
        )
        start = rng.choice(anchors) + dt.timedelta(days=rng.randint(-12, 12))
        limit = rng.randint(0, 60)
        extension = rng.choice([0, 0, 0, 10, 15, 30])  # Art 42: one extension, its days added to N
        as_of = start + dt.timedelta(days=rng.randint(0, 60))
        suspensions = []
        for _ in range(rng.randint(0, 2)):
            s = start + dt.timedelta(days=rng.randint(-5, 50))
            e = None if rng.random() < 0.15 else s + dt.timedelta(days=rng.randint(0, 25))
            suspensions.append((s, e))
        try:
            expected = reference_due(start, limit + extension, suspensions, as_of)
        except NotImplementedError:  # ran into 2027, which chinese-calendar does not know
            continue
        cases.append(
            (f"{kind} +{limit}+{extension}", start, limit + extension, suspensions, as_of, expected)
        )
    cases[0] = (*cases[0], D(2026, 11, 3))
    return cases


CASES = generate_cases()


def test_the_generated_cases_cover_what_they_should():
    assert len(CASES) >= 300
    kinds = {c[0].split(" +")[0] for c in CASES}
    assert kinds >= {"spring festival", "national day", "make-up workday", "year end"}
    assert sum(1 for c in CASES if c[3]) >= 100  # with suspensions
    assert sum(1 for c in CASES if any(e is None for _s, e in c[3])) >= 10  # still suspended
    assert sum(1 for c in CASES if c[2] == 0) >= 3  # 即办件
    assert {c[1].year for c in CASES} >= set(range(2018, 2027))


@pytest.mark.parametrize(
    ("label", "start", "days", "suspensions", "as_of", "expected"),
    CASES,
    ids=[f"{i}-{c[0]}-{c[1]}" for i, c in enumerate(CASES)],
)
def test_due_date_matches_the_day_by_day_reference(
    label, start, days, suspensions, as_of, expected
):
    result = add_working_days(start, days, suspensions, as_of=as_of)
    assert result == DueDate(expected, False), label
    if not suspensions:
        assert working_days_between(start, result.due) == days
        assert [d for d, _s in counted_working_days(start, days)][-1:] == (
            [expected] if days else []
        )


def test_domain_example():
    assert add_working_days(D(2026, 9, 30), 20) == DueDate(D(2026, 11, 3), False)


# -- the convention, case by case ------------------------------------------------------------------
def test_acceptance_day_is_not_counted():
    assert add_working_days(D(2026, 11, 6), 1).due == D(2026, 11, 9)  # Friday → Monday
    assert add_working_days(D(2026, 11, 7), 1).due == D(2026, 11, 9)  # accepted on a Saturday


def test_immediate_items_are_due_on_the_day_of_acceptance():
    assert add_working_days(D(2026, 10, 3), 0) == DueDate(
        D(2026, 10, 3), False
    )  # even on a holiday
    assert add_working_days(D(2030, 10, 3), 0) == DueDate(D(2030, 10, 3), False)


def test_make_up_workday_counts():
    # 2026-10-10 (Saturday) is a make-up workday after National Day.
    assert is_working_day(D(2026, 10, 10)) and not is_working_day(D(2026, 10, 5))
    assert add_working_days(D(2026, 10, 9), 1).due == D(2026, 10, 10)


def test_suspension_excludes_s_up_to_but_not_including_e():
    start = D(2026, 11, 2)  # Monday
    assert add_working_days(start, 5).due == D(2026, 11, 9)
    # 4 and 5 November excluded; the clock resumes on the 6th.
    assert add_working_days(start, 5, [(D(2026, 11, 4), D(2026, 11, 6))]).due == D(2026, 11, 11)
    assert add_working_days(start, 5, [(D(2026, 11, 4), D(2026, 11, 5))]).due == D(2026, 11, 10)
    # S = E excludes nothing; a suspension wholly before acceptance excludes nothing.
    assert add_working_days(start, 5, [(D(2026, 11, 4), D(2026, 11, 4))]).due == D(2026, 11, 9)
    assert add_working_days(start, 5, [(D(2026, 10, 20), D(2026, 10, 30))]).due == D(2026, 11, 9)
    # Suspended from the day of acceptance: the next days are excluded.
    assert add_working_days(start, 5, [(start, D(2026, 11, 4))]).due == D(2026, 11, 10)
    # A suspension over a weekend excludes no working day.
    assert add_working_days(start, 5, [(D(2026, 11, 7), D(2026, 11, 9))]).due == D(2026, 11, 9)


def test_overlapping_suspensions_are_merged():
    start = D(2026, 11, 2)
    both = [(D(2026, 11, 4), D(2026, 11, 6)), (D(2026, 11, 5), D(2026, 11, 10))]
    assert add_working_days(start, 5, both) == add_working_days(
        start, 5, [(D(2026, 11, 4), D(2026, 11, 10))]
    )
    assert suspended_working_days(start, D(2026, 11, 30), both) == 4


def test_open_suspension_ends_on_as_of():
    start = D(2026, 11, 2)
    open_ = [(D(2026, 11, 4), None)]
    assert add_working_days(start, 5, open_, as_of=D(2026, 11, 6)).due == D(2026, 11, 11)
    assert add_working_days(start, 5, open_, as_of=D(2026, 11, 6)) == add_working_days(
        start, 5, [(D(2026, 11, 4), D(2026, 11, 6))]
    )
    # as_of before S: nothing is excluded yet.
    assert add_working_days(start, 5, open_, as_of=D(2026, 11, 3)).due == D(2026, 11, 9)


def test_bad_arguments_raise():
    with pytest.raises(ValueError):
        add_working_days(D(2026, 11, 2), -1)
    with pytest.raises(ValueError):
        add_working_days(D(2026, 11, 2), 5, [(D(2026, 11, 6), D(2026, 11, 4))])
    with pytest.raises(ValueError):
        add_working_days(D(2026, 11, 2), 0, [(D(2026, 11, 6), D(2026, 11, 4))])
    with pytest.raises(ValueError):
        add_working_days(D(2100, 12, 1), 60)  # beyond the calendar's years


def test_provisional_when_a_counted_day_lies_in_an_unknown_year():
    assert add_working_days(D(2026, 12, 1), 10).provisional is False
    late = add_working_days(D(2026, 12, 20), 20)
    assert late.provisional is True and late.due.year == 2027
    # Accepted on the last day of 2026: every counted day is in 2027.
    assert add_working_days(D(2026, 12, 31), 1) == DueDate(
        D(2027, 1, 4), True
    )  # 1 Jan a holiday, then a weekend


def test_is_working_day_agrees_with_chinese_calendar_for_every_day_it_knows():
    day = D(2004, 1, 1)
    while day.year <= 2026:
        assert is_working_day(day) == chinese_calendar.is_workday(day), day
        day += ONE


# -- counting between dates ------------------------------------------------------------------------
def test_working_days_between_counts_start_exclusive_end_inclusive():
    assert working_days_between(D(2026, 11, 2), D(2026, 11, 2)) == 0
    assert working_days_between(D(2026, 11, 2), D(2026, 11, 3)) == 1
    assert working_days_between(D(2026, 11, 6), D(2026, 11, 8)) == 0  # Friday to Sunday
    assert working_days_between(D(2026, 9, 30), D(2026, 11, 3)) == 20
    assert working_days_between(D(2026, 11, 3), D(2026, 9, 30)) == -20


@pytest.mark.parametrize("seed", range(5))
def test_working_days_between_inverts_add_working_days_across_years(seed):
    rng = random.Random(seed)
    for _ in range(200):
        start = D(2003, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 27))
        n = rng.randint(1, 400)
        due = add_working_days(start, n).due
        assert working_days_between(start, due) == n
        assert is_working_day(due)


def test_remaining_working_days():
    due = D(2026, 11, 9)  # Monday
    assert remaining_working_days(due, D(2026, 11, 9)) == 0
    assert remaining_working_days(due, D(2026, 11, 6)) == 1  # Friday: Monday is left
    assert remaining_working_days(due, D(2026, 11, 2)) == 5
    assert remaining_working_days(due, D(2026, 11, 10)) == -1
    assert remaining_working_days(due, D(2026, 11, 14)) == -4  # the Saturday: 10–13 November passed
    assert remaining_working_days(due, D(2026, 11, 16)) == -5


def test_counted_days_skip_suspensions_holidays_and_weekends():
    days = counted_working_days(D(2026, 9, 30), 20, [(D(2026, 10, 12), D(2026, 10, 14))])
    dates = [d for d, _s in days]
    assert len(dates) == 20 and dates[0] == D(2026, 10, 8)
    assert D(2026, 10, 10) in dates  # a make-up Saturday
    assert (
        D(2026, 10, 12) not in dates and D(2026, 10, 13) not in dates and D(2026, 10, 14) in dates
    )
    assert dict(days)[D(2026, 10, 10)].name == "国庆节"
    assert (
        dates[-1] == add_working_days(D(2026, 9, 30), 20, [(D(2026, 10, 12), D(2026, 10, 14))]).due
    )


def test_a_warm_calendar_asks_the_database_nothing(django_assert_num_queries):
    rng = random.Random(7)
    starts = [D(2018, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 10)) for _ in range(2000)]
    for year in range(2018, 2030):
        is_working_day(D(year, 6, 1))  # one query per year at most, here
    with django_assert_num_queries(0):
        for start in starts:
            add_working_days(
                start,
                rng.randint(0, 60),
                [(start + dt.timedelta(days=3), start + dt.timedelta(days=9))],
            )
            remaining_working_days(start, D(2026, 6, 1))
