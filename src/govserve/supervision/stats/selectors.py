"""Reads of the reform statistics: only the aggregate tables (MonthlyFigure, ItemFigure), a few
hundred rows per dashboard whatever the number of cases.

`dashboard(region, period, department=None, item=None, public=True)` answers everything a page
or the API shows: the indicators with their targets, monthly trends, the yardsticks with the
items failing them, the bundles' saving, and breakdowns by the next level of regions and by the
region's own departments.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, Sum

from govserve.catalog.models import ImplementationItem
from govserve.regions.models import Department, Region, RegionLevel

from . import metrics as m
from .models import FigureKind, ItemFigure, MonthlyFigure
from .sources import fails, next_month

Sums = dict[tuple[str, dt.date], tuple[int, float]]
YARDSTICK_LIST = 20  # items listed per yardstick (the count covers them all)


@dataclass(frozen=True)
class Period:
    """Whole months, first and last included (each the first day of its month)."""

    first: dt.date
    last: dt.date

    @property
    def months(self) -> list[dt.date]:
        out, month = [], self.first
        while month <= self.last:
            out.append(month)
            month = next_month(month)
        return out

    def __str__(self) -> str:
        return f"{self.first:%Y-%m} — {self.last:%Y-%m}"


@dataclass
class Figure:
    key: str
    label: str
    group: str
    value: float | None
    unit: str = ""
    target: str = ""
    meets: bool | None = None


@dataclass
class Trend:
    key: str
    label: str
    unit: str
    months: list[str]
    values: list[float | None]


@dataclass
class Yardstick:
    key: str
    label: str
    failing: int
    measured: int
    items: list[ItemFigure] = field(default_factory=list)


@dataclass
class Breakdown:
    """One row of a breakdown table (a region below, or a department)."""

    id: int
    name: str
    applications: int
    decided: int
    on_time_rate: float | None
    average_days: float | None


@dataclass
class BundleSaving:
    cases: int
    serial_days: float | None  # average of the items' statutory limits summed
    actual_days: float | None  # average working days the bundle took
    saved_days: float | None
    saved_rate: float | None


@dataclass
class Dashboard:
    region: Region
    period: Period
    department: Department | None
    item: ImplementationItem | None
    public: bool
    figures: list[Figure]
    trends: list[Trend]
    yardsticks: list[Yardstick]
    bundles: BundleSaving
    rating_levels: list[tuple[str, int]]
    subregions: list[Breakdown]
    departments: list[Breakdown]

    def groups(self) -> list[tuple[str, list[Figure]]]:
        out: dict[str, list[Figure]] = {}
        for figure in self.figures:
            out.setdefault(figure.group, []).append(figure)
        return [(str(m.GROUPS[g]), rows) for g, rows in out.items()]


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def _div(a: float, b: float, scale: float = 1.0) -> float | None:
    return None if not b else a * scale / b


def _filter(
    region: Region,
    department: Department | None,
    item: ImplementationItem | None,
) -> Q:
    if item is not None:
        return Q(kind=FigureKind.ITEM, item=item, region_code__startswith=region.prefix)
    if department is not None:
        return Q(
            kind=FigureKind.DEPARTMENT, department=department, region_code__startswith=region.prefix
        )
    return Q(kind=FigureKind.REGION, region=region)


def sums(
    region: Region,
    period: Period,
    department: Department | None = None,
    item: ImplementationItem | None = None,
) -> Sums:
    """(metric, month) → (count, total) for the region's subtree (or one department or item)."""
    rows = (
        MonthlyFigure.objects.filter(
            _filter(region, department, item), month__gte=period.first, month__lte=period.last
        )
        .values_list("metric", "month")
        .annotate(c=Sum("count"), t=Sum("total"))
        .order_by()
    )
    return {(metric, month): (c or 0, t or 0.0) for metric, month, c, t in rows}


def _total(data: Sums, metric: str, months: list[dt.date]) -> tuple[int, float]:
    """The metric over the months (a catalog metric: its last month with figures)."""
    if m.is_snapshot(metric):
        for month in reversed(months):
            if ("catalog.items", month) in data or (metric, month) in data:
                return data.get((metric, month), (0, 0.0))
        return (0, 0.0)
    count, total = 0, 0.0
    for month in months:
        c, t = data.get((metric, month), (0, 0.0))
        count += c
        total += t
    return count, total


def p90(data: Sums, months: list[dt.date]) -> float | None:
    """The smallest number of working days within which 90 % of the decisions fell."""
    buckets: dict[int, int] = defaultdict(int)
    for (metric, month), (count, _t) in data.items():
        if metric.startswith(m.HIST_PREFIX) and month in months:
            buckets[int(metric[len(m.HIST_PREFIX) :])] += count
    n = sum(buckets.values())
    if not n:
        return None
    seen = 0
    for days in sorted(buckets):
        seen += buckets[days]
        if seen * 10 >= n * 9:
            return float(days)
    return float(max(buckets))  # pragma: no cover


def value(indicator: m.Indicator, data: Sums, months: list[dt.date]) -> float | None:
    how = indicator.how
    if how == "p90":
        return p90(data, months)
    count, total = _total(data, indicator.metric, months)
    if how == "count":
        return float(count)
    if how == "total":
        return float(total)
    if how == "average":
        return _round(_div(total, count), 2)
    base_count, base_total = _total(data, indicator.base, months)
    if how == "rate":
        return _round(_div(count, base_count, 100.0))
    ratio = _div(total, base_total, 100.0)
    if how == "ratio":
        return _round(ratio)
    return None if ratio is None else _round(100.0 - ratio)  # saving


def figures(data: Sums, months: list[dt.date], public: bool) -> list[Figure]:
    out = []
    for ind in m.INDICATORS:
        if public and not ind.public:
            continue
        v = value(ind, data, months)
        out.append(
            Figure(
                ind.key,
                str(ind.label),
                ind.group,
                v,
                str(ind.unit),
                m.target_text(ind.target),
                m.meets(v, ind.target),
            )
        )
    return out


def trends(data: Sums, months: list[dt.date], public: bool) -> list[Trend]:
    return [
        Trend(
            ind.key,
            str(ind.label),
            str(ind.unit),
            [f"{month:%Y-%m}" for month in months],
            [value(ind, data, [month]) for month in months],
        )
        for ind in m.TRENDS
        if ind.public or not public
    ]


def bundle_saving(data: Sums, months: list[dt.date]) -> BundleSaving:
    cases, serial = _total(data, "cases.bundle_serial_days", months)
    _c, actual = _total(data, "cases.bundle_actual_days", months)
    if not cases:
        return BundleSaving(0, None, None, None, None)
    return BundleSaving(
        cases,
        _round(serial / cases),
        _round(actual / cases),
        _round((serial - actual) / cases),
        _round(_div(serial - actual, serial, 100.0)),
    )


def yardsticks(
    region: Region,
    data: Sums,
    months: list[dt.date],
    department: Department | None = None,
    item: ImplementationItem | None = None,
    limit: int = YARDSTICK_LIST,
) -> list[Yardstick]:
    measured, _t = _total(data, "catalog.measured", months)
    items = ItemFigure.objects.filter(region_code__startswith=region.prefix, measured=True)
    if department is not None:
        items = items.filter(department=department)
    if item is not None:
        items = items.filter(item=item)
    conditions = {
        "steps": Q(steps__gte=m.MAX_STEPS),
        "days": Q(promised_limit_days__gte=m.MAX_DAYS)
        | Q(promised_limit_days__isnull=True, statutory_limit_days__gte=m.MAX_DAYS),
        "materials": Q(materials__gte=m.MAX_MATERIALS),
        "visits": Q(visits__gt=m.MAX_VISITS),
    }
    out = []
    for key, label, metric in m.YARDSTICKS:
        failing, _t = _total(data, metric, months)
        listed = list(items.filter(conditions[key]).order_by("region_code", "name")[:limit])
        out.append(Yardstick(key, str(label), failing, measured, listed))
    return out


def _breakdown(rows, names: dict[int, str]) -> list[Breakdown]:
    by: dict[int, dict[str, tuple[int, float]]] = defaultdict(dict)
    for owner, metric, c, t in rows:
        by[owner][metric] = (c or 0, t or 0.0)
    out = []
    for owner, name in names.items():
        got = by.get(owner, {})
        decided = got.get("cases.decided", (0, 0.0))[0]
        days = got.get("cases.decision_days", (0, 0.0))
        out.append(
            Breakdown(
                owner,
                name,
                got.get("cases.applications", (0, 0.0))[0],
                decided,
                _round(_div(got.get("cases.on_time", (0, 0.0))[0], decided, 100.0)),
                _round(_div(days[1], days[0]), 2),
            )
        )
    return out


def subregions(region: Region, period: Period) -> list[Breakdown]:
    children = dict(
        Region.objects.filter(parent=region, level__lte=RegionLevel.COUNTY).values_list(
            "pk", "name"
        )
    )
    if not children:
        return []
    rows = (
        MonthlyFigure.objects.filter(
            kind=FigureKind.REGION,
            region_id__in=list(children),
            metric__in=m.BREAKDOWN_METRICS,
            month__gte=period.first,
            month__lte=period.last,
        )
        .values_list("region_id", "metric")
        .annotate(c=Sum("count"), t=Sum("total"))
        .order_by()
    )
    return [b for b in _breakdown(rows, children) if b.applications or b.decided]


def departments(region: Region, period: Period) -> list[Breakdown]:
    rows = list(
        MonthlyFigure.objects.filter(
            kind=FigureKind.DEPARTMENT,
            region=region,
            metric__in=m.BREAKDOWN_METRICS,
            month__gte=period.first,
            month__lte=period.last,
        )
        .values_list("department_id", "metric")
        .annotate(c=Sum("count"), t=Sum("total"))
        .order_by()
    )
    names = dict(
        Department.objects.filter(pk__in={r[0] for r in rows})
        .order_by("name")
        .values_list("pk", "name")
    )
    return _breakdown(rows, names)


def dashboard(
    region: Region,
    period: Period,
    department: Department | None = None,
    item: ImplementationItem | None = None,
    *,
    public: bool = True,
) -> Dashboard:
    months = period.months
    data = sums(region, period, department, item)
    levels = [
        (str(label), _total(data, f"ratings.level_{n}", months)[0])
        for n, label in m.RATING_LEVELS.items()
    ]
    whole = department is None and item is None
    return Dashboard(
        region=region,
        period=period,
        department=department,
        item=item,
        public=public,
        figures=figures(data, months, public),
        trends=trends(data, months, public),
        yardsticks=yardsticks(region, data, months, department, item),
        bundles=bundle_saving(data, months),
        rating_levels=[] if public else levels,
        subregions=subregions(region, period) if whole else [],
        departments=departments(region, period) if whole else [],
    )


def item_fails(figure: ItemFigure) -> list[str]:
    """The keys of the yardsticks an item fails (for its row in a list)."""
    return [key for key, failed in fails(figure).items() if failed]


def regions_for_picker(selected: Region, roots: list[Region] | None = None) -> list[Region]:
    """The picker's choices: the top regions (or the supervisor's scope roots), the way down to
    `selected`, and the regions right below it (down to counties) — one drill-down step each."""
    q = Q(code__in=[a.code for a in selected.ancestors()]) | Q(pk=selected.pk)
    q |= Q(parent=selected, level__lte=RegionLevel.COUNTY)
    if roots is None:
        q |= Q(parent__isnull=True)
    else:
        q |= Q(pk__in=[r.pk for r in roots])
    regions = Region.objects.filter(q).order_by("code")
    if roots is not None:
        inside = Q(pk__in=[])
        for root in roots:
            inside |= Q(code__startswith=root.prefix)
        regions = regions.filter(inside)
    return list(regions)


def figures_stamp() -> int:
    """Changes whenever a refresh rewrites a month (the newest aggregate row's id)."""
    return MonthlyFigure.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def top_regions() -> list[Region]:
    return list(Region.objects.filter(parent__isnull=True).order_by("code"))


def default_region() -> Region | None:
    return Region.objects.filter(parent__isnull=True).order_by("code").first()
