"""This part's own metric sources (registered in METRIC_SOURCES by the AppConfig): cases,
licences and the catalog. Each takes the first day of a month and yields that month's rows,
per region, department and item, recomputed in full (refresh replaces the month).

Cases are counted in the month of the event: applications by submission, acceptances by the
day of acceptance, decisions by the day of the decision (local time), suspensions by their
first day, extensions by their approval. Working days to decision are the working days from
acceptance to the decision that the clock counts (suspensions excluded, DOMAIN.md §2).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.utils import timezone

from govserve.cases.models import Case, CaseItem, ClockSuspension, Extension
from govserve.licences.models import Licence, LicenceUse
from govserve.regions.models import Department
from govserve.supervision.registries import MetricRow
from govserve.workcalendar.deadlines import suspended_working_days, working_days_between

from .metrics import HIST_MAX, HIST_PREFIX, MAX_DAYS, MAX_MATERIALS, MAX_STEPS, MAX_VISITS
from .models import ItemFigure

Key = tuple[str, int, int | None, int | None]
CHUNK = 5000


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The month as aware datetimes [start, end) in the site's time zone."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(month, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(next_month(month), dt.time.min, tzinfo=tz)
    return start, end


class Tally:
    """Rows being summed: (metric, region, department, item) → [count, total]."""

    def __init__(self, month: dt.date) -> None:
        self.month = month
        self.sums: dict[Key, list[float]] = defaultdict(lambda: [0, 0.0])

    def add(
        self,
        metric: str,
        region: int,
        department: int | None,
        item: int | None,
        count: int = 1,
        total: float = 0.0,
    ) -> None:
        cell = self.sums[(metric, region, department, item)]
        cell[0] += count
        cell[1] += total

    def rows(self) -> Iterator[MetricRow]:
        for (metric, region, department, item), (count, total) in self.sums.items():
            yield MetricRow(metric, self.month, region, department, item, int(count), total)


def decision_days(
    accepted: dt.date, decided: dt.date, suspensions: Iterable[tuple[dt.date, dt.date | None]]
) -> int:
    """Working days from acceptance to decision that the clock counts."""
    if decided <= accepted:
        return 0
    days = working_days_between(accepted, decided)
    periods = list(suspensions)
    if periods:
        days -= suspended_working_days(accepted, decided, periods, as_of=decided)
    return max(days, 0)


def case_rows(month: dt.date) -> Iterator[MetricRow]:
    tally = Tally(month)
    start, end = month, next_month(month)
    start_at, end_at = month_bounds(month)

    submitted = Case.objects.filter(submitted_at__gte=start_at, submitted_at__lt=end_at)
    for region, department, item, saved in submitted.values_list(
        "region_id", "department_id", "item_id", "saved_materials"
    ).iterator(chunk_size=CHUNK):
        tally.add("cases.applications", region, department, item)
        if saved:
            tally.add("cases.materials_saved", region, department, item, total=saved)

    accepted = Case.objects.filter(accepted_on__gte=start, accepted_on__lt=end)
    for region, department, item, on, due, deemed in accepted.values_list(
        "region_id", "department_id", "item_id", "accepted_on", "acceptance_due", "deemed_accepted"
    ).iterator(chunk_size=CHUNK):
        tally.add("cases.accepted", region, department, item)
        if deemed:
            tally.add("cases.deemed_accepted", region, department, item)
        elif due is None or (on is not None and on <= due):
            tally.add("cases.accepted_in_limit", region, department, item)

    decided = Case.objects.filter(decided_at__gte=start_at, decided_at__lt=end_at)
    suspensions: dict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    for case_id, s, e in ClockSuspension.objects.filter(
        case__decided_at__gte=start_at, case__decided_at__lt=end_at
    ).values_list("case_id", "starts_on", "ends_on"):
        suspensions[case_id].append((s, e))
    bundle_limits: dict[int, int] = defaultdict(int)
    for case_id, limit in CaseItem.objects.filter(
        case__decided_at__gte=start_at, case__decided_at__lt=end_at, case__bundle__isnull=False
    ).values_list("case_id", "item__statutory_limit_days"):
        bundle_limits[case_id] += limit or 0
    for (
        pk,
        region,
        department,
        item,
        on,
        at,
        promised,
        statutory,
        visits,
        bundle,
    ) in decided.values_list(
        "pk",
        "region_id",
        "department_id",
        "item_id",
        "accepted_on",
        "decided_at",
        "promised_due",
        "statutory_due",
        "visits_count",
        "bundle_id",
    ).iterator(chunk_size=CHUNK):
        day = timezone.localdate(at)
        tally.add("cases.decided", region, department, item)
        tally.add("cases.visits", region, department, item, total=visits)
        due = promised or statutory
        if due is None or day <= due:
            tally.add("cases.on_time", region, department, item)
        if on is None:
            continue
        days = decision_days(on, day, suspensions.get(pk, ()))
        tally.add("cases.decision_days", region, department, item, total=days)
        tally.add(f"{HIST_PREFIX}{min(days, HIST_MAX)}", region, department, item)
        if bundle is not None:
            tally.add("cases.bundle_serial_days", region, department, item, total=bundle_limits[pk])
            tally.add("cases.bundle_actual_days", region, department, item, total=days)

    for region, department, item in ClockSuspension.objects.filter(
        starts_on__gte=start, starts_on__lt=end
    ).values_list("case__region_id", "case__department_id", "case__item_id"):
        tally.add("cases.suspended", region, department, item)

    for region, department, item, days in Extension.objects.filter(
        state=Extension.State.APPROVED, decided_at__gte=start_at, decided_at__lt=end_at
    ).values_list("case__region_id", "case__department_id", "case__item_id", "days"):
        tally.add("cases.extended", region, department, item, total=days)

    yield from tally.rows()


def licence_rows(month: dt.date) -> Iterator[MetricRow]:
    tally = Tally(month)
    start_at, end_at = month_bounds(month)
    issued = list(
        Licence.objects.filter(issued_on__gte=month, issued_on__lt=next_month(month)).values_list(
            "issuer_id", "source_case__region_id", "source_case__item_id"
        )
    )
    department_regions = dict(
        Department.objects.filter(pk__in={d for d, _r, _i in issued}).values_list("pk", "region_id")
    )
    for department, case_region, item in issued:
        tally.add(
            "licences.issued", case_region or department_regions[department], department, item
        )
    for (
        case_region,
        case_department,
        case_item,
        department,
        department_region,
    ) in LicenceUse.objects.filter(
        channel=LicenceUse.Channel.CASE_MATERIAL, at__gte=start_at, at__lt=end_at
    ).values_list(
        "case__region_id",
        "case__department_id",
        "case__item_id",
        "department_id",
        "department__region_id",
    ):
        if case_region is not None:
            tally.add("licences.reused", case_region, case_department, case_item)
        elif department_region is not None:
            tally.add("licences.reused", department_region, department, None)
    yield from tally.rows()


def fails(figure: ItemFigure) -> dict[str, bool]:
    """Which per-item yardsticks `figure` fails (only items with all their elements)."""
    days = figure.promised_limit_days
    if days is None:
        days = figure.statutory_limit_days
    return {
        "steps": figure.steps >= MAX_STEPS,
        "days": days is not None and days >= MAX_DAYS,
        "materials": figure.materials >= MAX_MATERIALS,
        "visits": figure.visits > MAX_VISITS,
    }


def catalog_rows(month: dt.date) -> Iterator[MetricRow]:
    """The catalog as at the last refresh of the item snapshot (ItemFigure)."""
    tally = Tally(month)
    for f in ItemFigure.objects.iterator(chunk_size=CHUNK):
        key = (f.region_id, f.department_id, f.item_id)
        tally.add("catalog.items", *key)
        if not f.measured:
            continue
        tally.add("catalog.measured", *key)
        for metric, flag in (
            ("catalog.online", f.online),
            ("catalog.fully_online", f.fully_online),
            ("catalog.immediate", f.immediate),
            ("catalog.one_visit", f.visits <= 1),
        ):
            if flag:
                tally.add(metric, *key)
        tally.add("catalog.materials", *key, total=f.materials)
        tally.add("catalog.visits", *key, total=f.visits)
        tally.add("catalog.steps", *key, total=f.steps)
        if f.statutory_limit_days is not None and f.promised_limit_days is not None:
            tally.add("catalog.statutory_days", *key, total=f.statutory_limit_days)
            tally.add("catalog.promised_days", *key, total=f.promised_limit_days)
        for name, failed in fails(f).items():
            if failed:
                tally.add(f"catalog.fail.{name}", *key)
    yield from tally.rows()
