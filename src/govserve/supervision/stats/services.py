"""Refreshing the aggregate tables: the item snapshot, then each month from every metric source
in METRIC_SOURCES, one transaction per month (that month's rows deleted and inserted again), so
a refresh is idempotent and a reader sees either the old month or the new one.

Each source row (region, department, item) is stored three ways: per item, per department, and
added into its region and every region above it (`FigureKind.REGION`: the subtree summed).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from govserve.catalog.codetables import CaseType
from govserve.catalog.models import ImplementationItem
from govserve.regions.models import PREFIX_LENGTH, Region
from govserve.supervision.registries import METRIC_SOURCES, MetricRow

from .models import FigureKind, ItemFigure, MonthlyFigure
from .sources import next_month

BATCH = 2000


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def last_months(n: int, today: dt.date | None = None) -> list[dt.date]:
    """The current month and the n − 1 before it, oldest first."""
    month = month_of(today or timezone.localdate())
    months = [month]
    for _i in range(max(n, 1) - 1):
        month = month_of(month - dt.timedelta(days=1))
        months.append(month)
    return sorted(months)


@transaction.atomic
def refresh_items() -> int:
    """Rewrite the item snapshot from the published catalog; return the number of items."""
    now = timezone.now()
    rows = []
    items = (
        ImplementationItem.objects.published()
        .annotate(material_count=Count("materials"))
        .values_list(
            "pk",
            "name",
            "region_id",
            "region__code",
            "department_id",
            "department__name",
            "elements_complete",
            "online",
            "fully_online",
            "case_type",
            "statutory_limit_days",
            "promised_limit_days",
            "material_count",
            "visits_required",
            "procedure",
        )
    )
    for (
        pk,
        name,
        region,
        code,
        dep,
        dep_name,
        complete,
        online,
        fully,
        case_type,
        statutory,
        promised,
        materials,
        visits,
        procedure,
    ) in items.iterator(chunk_size=BATCH):
        rows.append(
            ItemFigure(
                item_id=pk,
                name=name[:300],
                region_id=region,
                region_code=code,
                department_id=dep,
                department_name=dep_name[:200],
                measured=complete,
                online=online,
                fully_online=fully,
                immediate=case_type == CaseType.IMMEDIATE,
                statutory_limit_days=statutory,
                promised_limit_days=promised,
                materials=materials,
                visits=visits or 0,
                steps=len(procedure or []),
                refreshed_at=now,
            )
        )
    ItemFigure.objects.all().delete()
    ItemFigure.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


class _Regions:
    """Region codes and the ancestors of each region, looked up by code prefix."""

    def __init__(self) -> None:
        self.codes: dict[int, str] = {}
        self.chain: dict[int, list[int]] = {}

    def load(self, ids: Iterable[int]) -> None:
        missing = set(ids) - set(self.codes)
        if not missing:
            return
        own = dict(Region.objects.filter(pk__in=missing).values_list("pk", "code"))
        self.codes.update(own)
        prefixes = {
            code[:length].ljust(12, "0")
            for code in own.values()
            for length in PREFIX_LENGTH.values()
        }
        by_code = dict(Region.objects.filter(code__in=prefixes).values_list("code", "pk"))
        for pk, code in own.items():
            chain = []
            for length in sorted(PREFIX_LENGTH.values()):
                ancestor = by_code.get(code[:length].ljust(12, "0"))
                if ancestor is not None and ancestor not in chain:
                    chain.append(ancestor)
            if pk not in chain:
                chain.append(pk)
            self.chain[pk] = chain
        for code, pk in by_code.items():
            self.codes.setdefault(pk, code)


def _figures(month: dt.date, rows: Iterable[MetricRow], regions: _Regions) -> list[MonthlyFigure]:
    item: dict[tuple, list[float]] = defaultdict(lambda: [0, 0.0])
    department: dict[tuple, list[float]] = defaultdict(lambda: [0, 0.0])
    region: dict[tuple, list[float]] = defaultdict(lambda: [0, 0.0])
    seen: set[int] = set()
    for row in rows:
        seen.add(row.region_id)
        if row.item_id is not None:
            cell = item[(row.metric, row.region_id, row.department_id, row.item_id)]
            cell[0] += row.count
            cell[1] += row.total
        if row.department_id is not None:
            cell = department[(row.metric, row.region_id, row.department_id)]
            cell[0] += row.count
            cell[1] += row.total
        cell = region[(row.metric, row.region_id)]
        cell[0] += row.count
        cell[1] += row.total
    regions.load(seen)
    rolled: dict[tuple, list[float]] = defaultdict(lambda: [0, 0.0])
    for (metric, region_id), (count, total) in region.items():
        for ancestor in regions.chain[region_id]:
            cell = rolled[(metric, ancestor)]
            cell[0] += count
            cell[1] += total
    out = [
        MonthlyFigure(
            metric=metric,
            month=month,
            kind=FigureKind.ITEM,
            region_id=r,
            region_code=regions.codes[r],
            department_id=d,
            item_id=i,
            count=int(c),
            total=t,
        )
        for (metric, r, d, i), (c, t) in item.items()
    ]
    out += [
        MonthlyFigure(
            metric=metric,
            month=month,
            kind=FigureKind.DEPARTMENT,
            region_id=r,
            region_code=regions.codes[r],
            department_id=d,
            count=int(c),
            total=t,
        )
        for (metric, r, d), (c, t) in department.items()
    ]
    out += [
        MonthlyFigure(
            metric=metric,
            month=month,
            kind=FigureKind.REGION,
            region_id=r,
            region_code=regions.codes[r],
            count=int(c),
            total=t,
        )
        for (metric, r), (c, t) in rolled.items()
    ]
    return out


def _source_rows(month: dt.date) -> Iterable[MetricRow]:
    for _name, source in METRIC_SOURCES.items():
        yield from source(month)


@transaction.atomic
def refresh_month(month: dt.date, regions: _Regions | None = None) -> int:
    """Recompute every figure of `month` from every metric source; return the rows written."""
    month = month_of(month)
    figures = _figures(month, _source_rows(month), regions or _Regions())
    MonthlyFigure.objects.filter(month=month).delete()
    MonthlyFigure.objects.bulk_create(figures, batch_size=BATCH)
    return len(figures)


def refresh(months: Iterable[dt.date] | None = None) -> dict[dt.date, int]:
    """Refresh the item snapshot, then each month (default: this month and the previous one).
    Returns the rows written per month."""
    chosen = sorted({month_of(m) for m in (months if months is not None else last_months(2))})
    refresh_items()
    regions = _Regions()
    return {month: refresh_month(month, regions) for month in chosen}


__all__ = ["last_months", "month_of", "next_month", "refresh", "refresh_items", "refresh_month"]
