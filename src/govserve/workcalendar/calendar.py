"""Which days are working days (工作日), year by year, from three sources in order of truth:

1. a loaded State Council notice for the year (`HolidayNotice` and its `CalendarDay`s);
2. `chinese-calendar` (1.11 knows 2004–2026; it raises NotImplementedError for other years);
3. the provisional rule (暂定): weekends plus the statutory holidays of the national holiday
   rules (全国年节及纪念日放假办法, 2025 revision) — 元旦 1 January; 春节 4 days from 除夕;
   清明节 on the Qingming solar term; 劳动节 1–2 May; 端午节 lunar 5/5; 中秋节 lunar 8/15;
   国庆节 1–3 October. Make-up workdays (调休) and substitute days for holidays that fall on
   a weekend (补假) are arranged by each year's notice and cannot be known in advance, so the
   rule has none; every day it decides is marked provisional.

Lunar dates and the solar term come from lunar-python (MIT, the 寿星 astronomical algorithm,
Beijing time): 除夕 is the day before lunar 1/1, and 清明 is the instant the sun reaches
ecliptic longitude 15°, taken on its Beijing-time date. For 1900–2099 that agrees with
chinese-calendar's 寿星 formula `[Y×D+C]−L` (tests/workcalendar checks it); for 2100 the
formula is a day early. The rule covers MIN_YEAR–MAX_YEAR; other years raise ValueError.

Each year becomes a `YearTable` of 365/366 flags with a prefix count, so counting working
days between two dates and finding the N-th working day after a date are O(1) per year
crossed. Tables are cached in-process per year for CACHE_SECONDS; `invalidate(year)` (called
by `services.load_notice`) drops one at once. Building a table costs at most one database
query (the year's notice days).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass, field

import chinese_calendar
from lunar_python import Lunar, Solar

MIN_YEAR, MAX_YEAR = 1900, 2100
CACHE_SECONDS = 300.0

HOLIDAY, WORKDAY = "holiday", "workday"  # models.DayKind values, without importing models here


class Source:
    NOTICE = "notice"  # a loaded State Council notice
    LIBRARY = "chinese-calendar"
    PROVISIONAL = "provisional"  # the statutory rule, until the notice is loaded


# chinese-calendar's Holiday values (English names) → the names the platform shows.
_LIBRARY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
}


@dataclass(frozen=True, slots=True)
class DayStatus:
    """One day: a working day or not, decided provisionally or not, and its holiday name."""

    working: bool
    provisional: bool
    name: str = ""


@dataclass(frozen=True, slots=True)
class SpecialDay:
    """A day that differs from the plain week: a holiday or a make-up workday."""

    date: dt.date
    kind: str  # HOLIDAY or WORKDAY
    name: str


@dataclass(slots=True)
class YearTable:
    """One year's working days, ready for counting."""

    year: int
    source: str
    first: int  # ordinal of 1 January
    working: bytes  # 1 per day of the year: 1 working, 0 rest
    prefix: list[int]  # prefix[i] = working days among day indexes < i (len = days + 1)
    working_index: list[int]  # day indexes of the working days, ascending
    special: dict[dt.date, SpecialDay]
    expires: float = field(default=0.0)

    @property
    def provisional(self) -> bool:
        return self.source == Source.PROVISIONAL

    @property
    def length(self) -> int:
        return len(self.working)

    @classmethod
    def build(cls, year: int, source: str, special: dict[dt.date, SpecialDay]) -> YearTable:
        first = dt.date(year, 1, 1).toordinal()
        length = dt.date(year + 1, 1, 1).toordinal() - first
        flags = bytearray(length)
        for i in range(length):
            # date.fromordinal(first + i).weekday() == (first + i - 1) % 7 (0001-01-01 was a Monday)
            flags[i] = (first + i - 1) % 7 < 5
        for day, entry in special.items():
            flags[day.toordinal() - first] = entry.kind == WORKDAY
        prefix = [0] * (length + 1)
        running = 0
        for i, flag in enumerate(flags):
            prefix[i] = running
            running += flag
        prefix[length] = running
        working_index = [i for i, flag in enumerate(flags) if flag]
        return cls(
            year, source, first, bytes(flags), prefix, working_index, dict(sorted(special.items()))
        )

    def status(self, day: dt.date) -> DayStatus:
        entry = self.special.get(day)
        return DayStatus(
            bool(self.working[day.toordinal() - self.first]),
            self.provisional,
            entry.name if entry else "",
        )


# -- the three sources -----------------------------------------------------------------------
def lunar_new_year_eve(year: int) -> dt.date:
    """除夕 before the Spring Festival of Gregorian `year`: the last day of the old lunar year."""
    solar = Lunar.fromYmd(year, 1, 1).getSolar()
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay()) - dt.timedelta(days=1)


def lunar_to_solar(year: int, month: int, day: int) -> dt.date:
    """The Gregorian date of lunar `month`/`day` of the lunar year that begins in `year`."""
    solar = Lunar.fromYmd(year, month, day).getSolar()
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


def qingming(year: int) -> dt.date:
    """清明: the Beijing-time date on which the sun reaches ecliptic longitude 15°
    (4 or 5 April)."""
    term = Solar.fromYmd(year, 4, 20).getLunar().getJieQiTable()["清明"]
    return dt.date(term.getYear(), term.getMonth(), term.getDay())


def statutory_holidays(year: int) -> dict[dt.date, str]:
    """The statutory holidays of `year` under the 2025 rules, without make-up or substitute days."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"工作日历仅支持 {MIN_YEAR}–{MAX_YEAR} 年，{year} 年超出范围")
    days: dict[dt.date, list[str]] = {}

    def add(day: dt.date, name: str, count: int = 1) -> None:
        for k in range(count):
            days.setdefault(day + dt.timedelta(days=k), []).append(name)

    add(dt.date(year, 1, 1), "元旦")
    add(lunar_new_year_eve(year), "春节", 4)
    add(qingming(year), "清明节")
    add(dt.date(year, 5, 1), "劳动节", 2)
    add(lunar_to_solar(year, 5, 5), "端午节")
    add(lunar_to_solar(year, 8, 15), "中秋节")
    add(dt.date(year, 10, 1), "国庆节", 3)
    # 春节 from a late 除夕 never leaves the year, but keep the table to the year regardless.
    return {day: "、".join(names) for day, names in days.items() if day.year == year}


def provisional_table(year: int) -> YearTable:
    special = {
        day: SpecialDay(day, HOLIDAY, name) for day, name in statutory_holidays(year).items()
    }
    return YearTable.build(year, Source.PROVISIONAL, special)


def library_table(year: int) -> YearTable | None:
    """The year from chinese-calendar, or None for a year it does not know."""
    try:
        chinese_calendar.is_workday(dt.date(year, 7, 1))
    except NotImplementedError:
        return None
    special: dict[dt.date, SpecialDay] = {}
    for table, kind in ((chinese_calendar.holidays, HOLIDAY), (chinese_calendar.workdays, WORKDAY)):
        for day, value in table.items():
            if day.year == year:
                name = _LIBRARY_NAMES.get(value) or chinese_calendar.Holiday(value).chinese
                special[day] = SpecialDay(day, kind, name)
    return YearTable.build(year, Source.LIBRARY, special)


def notice_table(year: int) -> YearTable | None:
    """The year from its loaded notice, or None when none is loaded. One query."""
    from .models import HolidayNotice

    rows = list(
        HolidayNotice.objects.filter(year=year).values_list(
            "days__date", "days__kind", "days__name"
        )
    )
    if not rows:
        return None
    special = {day: SpecialDay(day, kind, name) for day, kind, name in rows if day is not None}
    return YearTable.build(year, Source.NOTICE, special)


# -- the cache -------------------------------------------------------------------------------
_tables: dict[int, YearTable] = {}
_lock = threading.Lock()


def year_table(year: int) -> YearTable:
    """The year's table: notice > chinese-calendar > provisional rule; cached per year."""
    table = _tables.get(year)
    if table is not None and table.expires > time.monotonic():
        return table
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"工作日历仅支持 {MIN_YEAR}–{MAX_YEAR} 年，{year} 年超出范围")
    table = notice_table(year) or library_table(year) or provisional_table(year)
    table.expires = time.monotonic() + CACHE_SECONDS
    with _lock:
        _tables[year] = table
    return table


def invalidate(year: int | None = None) -> None:
    """Forget one year's table (or all): the next use reads the database again."""
    with _lock:
        if year is None:
            _tables.clear()
        else:
            _tables.pop(year, None)


# -- plain questions -----------------------------------------------------------------------------
def day_status(day: dt.date) -> DayStatus:
    return year_table(day.year).status(day)


def is_working_day(day: dt.date) -> bool:
    table = year_table(day.year)
    return bool(table.working[day.toordinal() - table.first])


def is_provisional_year(year: int) -> bool:
    return year_table(year).provisional


def special_days(year: int) -> list[SpecialDay]:
    """The year's holidays and make-up workdays, by date."""
    return list(year_table(year).special.values())
