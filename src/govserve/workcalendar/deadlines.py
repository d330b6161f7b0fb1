"""Deadline arithmetic in working days (行政许可法 Art 82) — public interface for the cases app.

Preliminary: weekends only until the holiday calendar lands; the signatures are final.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

Suspension = tuple[dt.date, dt.date | None]


@dataclass(frozen=True, slots=True)
class DueDate:
    due: dt.date
    provisional: bool


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5


def add_working_days(
    start: dt.date,
    days: int,
    suspensions: Iterable[Suspension] = (),
    *,
    as_of: dt.date | None = None,
) -> DueDate:
    if days < 0:
        raise ValueError("days must not be negative")
    if days == 0:
        return DueDate(start, False)
    spans = [(s, e if e is not None else (as_of or dt.date.today())) for s, e in suspensions]
    day, counted = start, 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day) and not any(s <= day < e for s, e in spans):
            counted += 1
    return DueDate(day, False)


def working_days_between(start: dt.date, end: dt.date) -> int:
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += is_working_day(day)
    return count


def remaining_working_days(due: dt.date, today: dt.date) -> int:
    if due >= today:
        return working_days_between(today, due)
    return -working_days_between(due, today)
