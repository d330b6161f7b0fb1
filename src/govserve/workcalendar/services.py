"""Every write of the working-day calendar: loading a year's State Council notice.

The notice's exchange format (the admin upload, `govserve load-holiday-notice` and
`POST /api/workcalendar/notices/` all take it)::

    {"year": 2027, "title": "国务院办公厅关于2027年部分节假日安排的通知",
     "published": "2026-11-04", "source": "https://www.gov.cn/…",
     "days": [{"date": "2027-02-05", "kind": "holiday", "name": "春节"},
              {"date": "2027-02-20", "kind": "workday", "name": "春节"}, …]}

`kind` is `holiday` (放假) or `workday` (调休上班); the Chinese words are accepted too.
Dates not listed follow the week. Errors are collected for every field before anything is
written, keyed by field (`year`, `days`, `days[3].date`, …), in Chinese.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import calendar
from .models import CalendarDay, DayKind, HolidayNotice
from .signals import holiday_notice_loaded

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
KIND_WORDS = {
    "holiday": DayKind.HOLIDAY,
    "放假": DayKind.HOLIDAY,
    "休": DayKind.HOLIDAY,
    "workday": DayKind.WORKDAY,
    "调休上班": DayKind.WORKDAY,
    "上班": DayKind.WORKDAY,
    "班": DayKind.WORKDAY,
}


@dataclass(frozen=True)
class NoticeData:
    year: int
    title: str
    published: dt.date
    source: str
    days: list[tuple[dt.date, str, str]]  # (date, kind, name)


def parse_date(value) -> dt.date | None:
    """A date from a date or an ISO string (YYYY-MM-DD), else None."""
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and ISO_DATE.fullmatch(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def parse_notice(data) -> NoticeData:
    """Check a notice in the exchange format; ValidationError with every problem, by field."""
    errors: dict[str, list[str]] = {}

    def err(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    if not isinstance(data, Mapping):
        raise ValidationError({"non_field_errors": [_("放假安排通知应为JSON对象")]})

    year = data.get("year")
    if isinstance(year, str) and year.strip().isdigit():
        year = int(year.strip())
    if year in (None, ""):
        err("year", _("请填写年度"))
        year = None
    elif isinstance(year, bool) or not isinstance(year, int):
        err("year", _("年度应为四位数字年份"))
        year = None
    elif not calendar.MIN_YEAR <= year <= calendar.MAX_YEAR:
        err(
            "year",
            _("年度应在 %(min)s 至 %(max)s 年之间")
            % {"min": calendar.MIN_YEAR, "max": calendar.MAX_YEAR},
        )
        year = None

    title = data.get("title")
    title = title.strip() if isinstance(title, str) else ""
    if not title:
        err("title", _("请填写通知标题"))
    elif len(title) > 200:
        err("title", _("通知标题不能超过200个字符"))

    published = parse_date(data.get("published"))
    if data.get("published") in (None, ""):
        err("published", _("请填写发布日期"))
    elif published is None:
        err("published", _("发布日期格式应为 YYYY-MM-DD"))

    source = data.get("source") or ""
    if not isinstance(source, str):
        err("source", _("来源网址应为文本"))
        source = ""
    source = source.strip()
    if source:
        try:
            URLValidator(schemes=["http", "https"])(source)
        except ValidationError:
            err("source", _("来源网址应以 http:// 或 https:// 开头"))
        if len(source) > 500:
            err("source", _("来源网址不能超过500个字符"))

    rows = data.get("days")
    days: list[tuple[dt.date, str, str]] = []
    if not isinstance(rows, list) or not rows:
        err("days", _("请列出通知中的放假日期和调休上班日期"))
        rows = []
    seen: dict[dt.date, int] = {}
    for i, row in enumerate(rows):
        key = f"days[{i}]"
        if not isinstance(row, Mapping):
            err(key, _("第 %(n)s 条应为包含 date、kind、name 的对象") % {"n": i + 1})
            continue
        day = parse_date(row.get("date"))
        if day is None:
            err(
                f"{key}.date",
                _("第 %(n)s 条的日期“%(value)s”不是有效日期（YYYY-MM-DD）")
                % {"n": i + 1, "value": row.get("date", "")},
            )
        kind = KIND_WORDS.get(str(row.get("kind", "")).strip())
        if kind is None:
            err(
                f"{key}.kind",
                _("第 %(n)s 条的类别应为 holiday（放假）或 workday（调休上班）") % {"n": i + 1},
            )
        name = row.get("name") or ""
        if not isinstance(name, str):
            err(f"{key}.name", _("第 %(n)s 条的节日名称应为文本") % {"n": i + 1})
            name = ""
        name = name.strip()
        if len(name) > 50:
            err(f"{key}.name", _("第 %(n)s 条的节日名称不能超过50个字符") % {"n": i + 1})
        if kind == DayKind.HOLIDAY and not name:
            err(f"{key}.name", _("第 %(n)s 条是放假日期，请填写节日名称") % {"n": i + 1})
        if day is None:
            continue
        if year is not None and day.year != year:
            err(
                f"{key}.date",
                _("第 %(n)s 条的日期 %(date)s 不在 %(year)s 年内")
                % {"n": i + 1, "date": day.isoformat(), "year": year},
            )
        if day in seen:
            err(
                f"{key}.date",
                _("第 %(n)s 条的日期 %(date)s 与第 %(first)s 条重复")
                % {"n": i + 1, "date": day.isoformat(), "first": seen[day] + 1},
            )
        else:
            seen[day] = i
        if kind == DayKind.WORKDAY and day.weekday() < 5:
            err(
                f"{key}.date",
                _("第 %(n)s 条：调休上班日 %(date)s 不是周六或周日")
                % {"n": i + 1, "date": day.isoformat()},
            )
        if kind is not None:
            days.append((day, kind, name))
    if errors:
        raise ValidationError(errors)
    assert year is not None and published is not None  # each is None only with an error above
    return NoticeData(year=year, title=title, published=published, source=source, days=sorted(days))


def load_notice(data, *, actor=None) -> HolidayNotice:
    """Load (or replace) a year's notice: its days replace the year's days in one transaction,
    the calendar cache forgets the year, and `holiday_notice_loaded(year)` is sent.

    Who may call it is the caller's check (`policies.can_load_notice`)."""
    notice_data = data if isinstance(data, NoticeData) else parse_notice(data)
    year = notice_data.year
    loaded_by = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    try:
        return _write_notice(notice_data, loaded_by)
    except BaseException:
        calendar.invalidate(year)  # a receiver may have cached the rolled-back days
        raise


def _write_notice(notice_data: NoticeData, loaded_by) -> HolidayNotice:
    year = notice_data.year
    with transaction.atomic():
        notice, _created = HolidayNotice.objects.select_for_update().update_or_create(
            year=year,
            defaults={
                "title": notice_data.title,
                "published": notice_data.published,
                "source": notice_data.source,
                "loaded_by": loaded_by,
                "loaded_at": timezone.now(),
            },
        )
        notice.days.all().delete()
        CalendarDay.objects.bulk_create(
            CalendarDay(notice=notice, date=day, kind=kind, name=name)
            for day, kind, name in notice_data.days
        )
        calendar.invalidate(year)
        # Readers that cached the year while this transaction ran forget it again after commit.
        transaction.on_commit(lambda: calendar.invalidate(year))
        holiday_notice_loaded.send(sender=HolidayNotice, year=year, notice=notice)
    return notice
