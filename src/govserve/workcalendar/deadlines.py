"""Deadline arithmetic in working days (行政许可法 Art 82) — the interface the cases app uses.

Counting convention (DOMAIN.md §2), exactly:

- the day of acceptance is not counted; the due date is the day on which the N-th counted
  working day falls (accepted 2026-09-30, 20 working days → due 2026-11-03);
- a suspension from S to E (the clock resumes on E) excludes every working day d with
  S ≤ d < E; overlapping suspensions are merged;
- an extension adds its working days to N (the caller adds them);
- N = 0 (即办件): due on the day of acceptance.

An open suspension (E is None: the clock is still stopped) is taken to end on `as_of`
(default: today), so the due date returned is the earliest the case can now be due — the
date it would be due if the clock resumed on `as_of`. Recompute when it really resumes.

`DueDate.provisional` is true when any day from the day after acceptance to the due date
lies in a year decided by the provisional rule (no notice loaded, unknown to
chinese-calendar): see `govserve.workcalendar.calendar`. Such deadlines should be stored
with the flag and recomputed on `signals.holiday_notice_loaded`.

Every function works on per-year tables (prefix counts of working days), so a due date costs
a few dictionary look-ups per year crossed, and at most one database query per year per
process and cache period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from .calendar import DayStatus, day_status, is_working_day, year_table

__all__ = [
    "DayStatus",
    "DueDate",
    "Suspension",
    "add_working_days",
    "counted_working_days",
    "day_status",
    "is_working_day",
    "remaining_working_days",
    "suspended_working_days",
    "working_days_between",
]

Suspension = tuple[dt.date, dt.date | None]


@dataclass(frozen=True, slots=True)
class DueDate:
    due: dt.date
    provisional: bool


def _spans(suspensions: Iterable[Suspension], as_of: dt.date | None) -> list[tuple[int, int]]:
    """Suspensions as merged, sorted half-open ordinal ranges [S, E)."""
    spans = []
    for start, end in suspensions:
        if end is None:
            end = max(start, as_of or dt.date.today())
        if end < start:
            raise ValueError(f"中止期间的结束日期 {end} 早于开始日期 {start}")
        if end > start:
            spans.append((start.toordinal(), end.toordinal()))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            if e > merged[-1][1]:
                merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def _table_for(ordinal: int):
    return year_table(dt.date.fromordinal(ordinal).year)


def add_working_days(
    start: dt.date,
    days: int,
    suspensions: Iterable[Suspension] = (),
    *,
    as_of: dt.date | None = None,
) -> DueDate:
    """The due date of a period of `days` working days starting after `start` (see module doc)."""
    if days < 0:
        raise ValueError("工作日天数不能为负数")
    if days == 0:
        _spans(suspensions, as_of)  # still reject a suspension that ends before it starts
        return DueDate(start, False)
    spans = _spans(suspensions, as_of)
    remaining = days
    cursor = start.toordinal() + 1  # first day that may count
    provisional = False
    i = 0
    while True:
        while i < len(spans) and spans[i][1] <= cursor:
            i += 1
        if i < len(spans) and spans[i][0] <= cursor:
            cursor = spans[i][1]  # the clock resumes on E
            i += 1
            continue
        table = _table_for(cursor)
        provisional = provisional or table.provisional
        stop = table.first + table.length  # exclusive: 1 January of the next year
        if i < len(spans) and spans[i][0] < stop:
            stop = spans[i][0]
        a, b = cursor - table.first, stop - table.first
        before = table.prefix[a]
        available = table.prefix[b] - before
        if available >= remaining:
            return DueDate(
                dt.date.fromordinal(table.first + table.working_index[before + remaining - 1]),
                provisional,
            )
        remaining -= available
        cursor = stop


def _count_through(start: int, end: int) -> int:
    """Working days d with start < d ≤ end (ordinals, start ≤ end)."""
    count = 0
    cursor = start + 1
    while cursor <= end:
        table = _table_for(cursor)
        stop = min(end + 1, table.first + table.length)
        count += table.prefix[stop - table.first] - table.prefix[cursor - table.first]
        cursor = stop
    return count


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days d with start < d ≤ end (the same convention as the deadline count);
    negative, by the same count the other way, when end is before start."""
    if end < start:
        return -_count_through(end.toordinal(), start.toordinal())
    return _count_through(start.toordinal(), end.toordinal())


def remaining_working_days(due: dt.date, today: dt.date) -> int:
    """Working days left after `today` up to and including `due`: 0 on the due date, 1 the
    working day before it, negative (working days past the due date) when overdue."""
    return working_days_between(today, due)


def suspended_working_days(
    start: dt.date,
    end: dt.date,
    suspensions: Iterable[Suspension] = (),
    *,
    as_of: dt.date | None = None,
) -> int:
    """Working days d with start < d ≤ end that the suspensions exclude from the count."""
    total = 0
    lo, hi = start.toordinal(), end.toordinal()
    for s, e in _spans(suspensions, as_of):
        a, b = max(s - 1, lo), min(e - 1, hi)  # days s ≤ d < e, i.e. s - 1 < d ≤ e - 1
        if a < b:
            total += _count_through(a, b)
    return total


def counted_working_days(
    start: dt.date,
    days: int,
    suspensions: Iterable[Suspension] = (),
    *,
    as_of: dt.date | None = None,
) -> list[tuple[dt.date, DayStatus]]:
    """The days that count towards the period, in order
    (for display: the last one is the due date)."""
    due = add_working_days(start, days, suspensions, as_of=as_of).due
    spans = _spans(suspensions, as_of)
    out = []
    day = start + dt.timedelta(days=1)
    while day <= due:
        o = day.toordinal()
        if not any(s <= o < e for s, e in spans):
            status = day_status(day)
            if status.working:
                out.append((day, status))
        day += dt.timedelta(days=1)
    return out
