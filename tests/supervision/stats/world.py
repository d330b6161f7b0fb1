"""A small world for the statistics tests: 广安区 (two items), 前锋区 (one), cases decided in
March 2026 with known working days, and the metric sources of this part alone (plus a fake
ratings source), so other parts' sources do not change the numbers."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from govserve.accounts.models import Role
from govserve.cases.models import CaseState, ClockSuspension, Extension
from govserve.supervision.registries import METRIC_SOURCES, MetricRow
from govserve.supervision.stats import sources
from govserve.workcalendar.deadlines import add_working_days
from tests.accounts.worlds import build_places, make_staff
from tests.cases.factories import CaseFactory
from tests.catalog.factories import ImplementationItemFactory, MaterialFactory

MARCH = dt.date(2026, 3, 1)
APRIL = dt.date(2026, 4, 1)
MON = dt.date(2026, 3, 2)


def fake_ratings(month: dt.date):
    """Two ratings in 广安区 in March: one 满意, one 非常不满意 (rectified)."""
    if month != MARCH or not hasattr(fake_ratings, "place"):
        return []
    region, department = fake_ratings.place  # type: ignore[attr-defined]
    rows = [("ratings.count", 2), ("ratings.satisfied", 1), ("ratings.bad", 1),
            ("ratings.bad_rectified", 1), ("ratings.level_2", 1), ("ratings.level_5", 1),
            ("tickets.count", 4), ("tickets.replied", 4), ("tickets.replied_on_time", 3),
            ("supervision.red_cards", 1)]  # fmt: skip
    return [MetricRow(name, month, region, department, None, n) for name, n in rows]


def use_our_sources(monkeypatch) -> dict:
    """METRIC_SOURCES with this part's sources and the fake ratings source only."""
    parts = {
        "cases": sources.case_rows,
        "licences": sources.licence_rows,
        "catalog": sources.catalog_rows,
        "test-ratings": fake_ratings,
    }
    monkeypatch.setattr(METRIC_SOURCES, "_parts", parts)
    monkeypatch.delattr(fake_ratings, "place", raising=False)
    return parts


def build_stats_world() -> SimpleNamespace:
    p = build_places()
    good = ImplementationItemFactory(
        name="食品经营许可", department=p.market, region=p.county,
        statutory_limit_days=20, promised_limit_days=10,
    )  # fmt: skip
    slow = ImplementationItemFactory(
        name="公共场所卫生许可", department=p.health, region=p.county,
        statutory_limit_days=20, promised_limit_days=15, visits_required=3,
        procedure=[{"name": str(n)} for n in range(5)],
    )  # fmt: skip
    for n in range(8):
        MaterialFactory(item=slow, name=f"材料{n}")
    sibling = ImplementationItemFactory(
        name="食品经营许可", department=p.sibling_market, region=p.sibling
    )
    # 食品经营许可 in 广安区: three decided in March, two on time (4 and 6 working days), one
    # late (14 working days; promised due 2026-03-16).
    on_time_1 = CaseFactory(
        item=good, state=CaseState.CLOSED, on=MON, decided_on=dt.date(2026, 3, 6)
    )
    on_time_2 = CaseFactory(
        item=good, state=CaseState.CLOSED, on=MON, decided_on=dt.date(2026, 3, 10)
    )
    late = CaseFactory(item=good, state=CaseState.CLOSED, on=MON, decided_on=dt.date(2026, 3, 20))
    # 公共场所卫生许可: suspended 03-03 → 03-09 (4 working days not counted), decided 03-12:
    # 8 working days elapsed, 4 counted; extended by 10.
    periods = [(dt.date(2026, 3, 3), dt.date(2026, 3, 9))]
    suspended = CaseFactory(
        item=slow, state=CaseState.CLOSED, on=MON, decided_on=dt.date(2026, 3, 12),
        extension_days=10,
        promised_due=add_working_days(MON, 25, periods).due,
        statutory_due=add_working_days(MON, 30, periods).due,
    )  # fmt: skip
    staff = make_staff("stats-reviewer", Role.REVIEWER, p.county, department=p.health)
    ClockSuspension.objects.create(
        case=suspended, department=p.health, reason="expert_review", explanation="专家评审",
        starts_on=periods[0][0], expected_end=periods[0][1], ends_on=periods[0][1],
        requested_by=staff,
    )  # fmt: skip
    Extension.objects.create(
        case=suspended, days=10, reasons="复杂", state=Extension.State.APPROVED,
        requested_by=staff, decided_by=staff,
        decided_at=dt.datetime(2026, 3, 4, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))),
    )  # fmt: skip
    # Deemed accepted, still in review; and one in 前锋区 decided in March.
    deemed = CaseFactory(item=good, state=CaseState.IN_REVIEW, on=MON, deemed_accepted=True)
    other = CaseFactory(
        item=sibling, state=CaseState.CLOSED, on=MON, decided_on=dt.date(2026, 3, 4)
    )
    # An application in April (not in March's figures).
    april = CaseFactory(item=good, state=CaseState.SUBMITTED, on=dt.date(2026, 4, 1))
    fake_ratings.place = (p.county.pk, p.market.pk)  # type: ignore[attr-defined]
    return SimpleNamespace(
        **vars(p), good=good, slow=slow, sibling_item=sibling, on_time=[on_time_1, on_time_2],
        late=late, suspended=suspended, deemed=deemed, other=other, april=april,
        county_supervisor=make_staff("stats-county-sup", Role.SUPERVISOR, p.county),
        city_supervisor=make_staff(
            "stats-city-sup", Role.SUPERVISOR, p.city, covers_subtree=True
        ),
        reviewer=staff,
    )  # fmt: skip
