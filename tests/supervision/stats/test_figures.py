"""Each figure from known cases, p90 from the histogram, subtree sums, refresh idempotent,
yardstick failures listed (supervision.stats services and selectors)."""

import datetime as dt

import pytest

from govserve.supervision.stats import selectors, services
from govserve.supervision.stats.models import FigureKind, MonthlyFigure
from govserve.supervision.stats.selectors import Period
from govserve.supervision.stats.sources import decision_days
from tests.supervision.stats.world import APRIL, MARCH

pytestmark = pytest.mark.django_db

MARCH_ONLY = Period(MARCH, MARCH)


def figures(region, period=MARCH_ONLY, public=False, **kwargs):
    d = selectors.dashboard(region, period, public=public, **kwargs)
    return {f.key: f for f in d.figures}, d


def test_case_figures_of_the_county(sw):
    f, _d = figures(sw.county)
    assert f["applications"].value == 5  # 3 + suspended + deemed; April's not
    assert f["accepted"].value == 5
    assert f["deemed_accepted"].value == 1
    assert f["accepted_in_limit_rate"].value == 80.0  # the deemed one was not in time
    assert f["decided"].value == 4
    # 4, 6, 14 working days for 食品经营许可 and 4 counted (8 elapsed − 4 suspended).
    assert f["average_decision_days"].value == 7.0
    assert f["average_decision_days"].target == "< 13" and f["average_decision_days"].meets
    assert f["on_time_rate"].value == 75.0  # 3 of 4 (the late one missed 2026-03-16)
    assert f["suspended"].value == 1
    assert f["extended"].value == 1
    assert f["p90_decision_days"].value == 14.0


def test_three_decided_two_on_time_is_66_7_percent(sw):
    f, _d = figures(sw.county, item=sw.good)
    assert f["decided"].value == 3
    assert f["on_time_rate"].value == 66.7
    assert f["average_decision_days"].value == 8.0
    f, _d = figures(sw.county, department=sw.health)
    assert f["decided"].value == 1 and f["on_time_rate"].value == 100.0


def test_p90_comes_from_the_histogram(sw):
    rows = MonthlyFigure.objects.filter(
        kind=FigureKind.REGION, region=sw.county, metric__startswith="cases.decision_days.hist."
    )
    assert {r.metric.rsplit(".", 1)[1]: r.count for r in rows} == {"4": 2, "6": 1, "14": 1}
    data = {(f"cases.decision_days.hist.{d}", MARCH): (n, 0.0) for d, n in [(1, 9), (30, 1)]}
    assert selectors.p90(data, [MARCH]) == 1.0
    data[("cases.decision_days.hist.30", MARCH)] = (2, 0.0)
    assert selectors.p90(data, [MARCH]) == 30.0
    assert selectors.p90({}, [MARCH]) is None


def test_decision_days_leave_out_the_suspension():
    mon = dt.date(2026, 3, 2)
    assert decision_days(mon, dt.date(2026, 3, 12), []) == 8
    assert (
        decision_days(mon, dt.date(2026, 3, 12), [(dt.date(2026, 3, 3), dt.date(2026, 3, 9))]) == 4
    )
    assert decision_days(mon, mon, []) == 0


def test_subtrees_sum_their_regions(sw):
    county, _ = figures(sw.county)
    sibling, _ = figures(sw.sibling)
    city, d = figures(sw.city)
    province, _ = figures(sw.province)
    assert sibling["decided"].value == 1
    assert city["decided"].value == county["decided"].value + sibling["decided"].value == 5
    assert province["decided"].value == 5
    assert figures(sw.chongqing)[0]["decided"].value == 0
    assert {b.name: b.decided for b in d.subregions} == {"广安区": 4, "前锋区": 1}
    _f, county_d = figures(sw.county)
    assert {b.name: (b.decided, b.on_time_rate) for b in county_d.departments} == {
        "广安市广安区市场监督管理局": (3, 66.7),
        "广安市广安区卫生健康局": (1, 100.0),
    }


def test_the_period_adds_months_and_the_trend_keeps_them_apart(sw):
    f, d = figures(sw.county, period=Period(MARCH, APRIL))
    assert f["applications"].value == 6
    trend = {t.key: t for t in d.trends}
    assert trend["applications"].months == ["2026-03", "2026-04"]
    assert trend["applications"].values == [5.0, 1.0]
    assert trend["on_time_rate"].values == [75.0, None]


def test_refresh_is_idempotent(sw):
    before = sorted(
        MonthlyFigure.objects.values_list("metric", "month", "kind", "region_id", "department_id",
                                          "item_id", "count", "total")
    )  # fmt: skip
    written = services.refresh([MARCH, APRIL])
    after = sorted(
        MonthlyFigure.objects.values_list("metric", "month", "kind", "region_id", "department_id",
                                          "item_id", "count", "total")
    )  # fmt: skip
    assert before == after and written[MARCH] == sum(1 for r in after if r[1] == MARCH)


def test_a_refresh_takes_in_new_cases(sw):
    from govserve.cases.models import CaseState
    from tests.cases.factories import CaseFactory

    CaseFactory(item=sw.good, state=CaseState.CLOSED, on=dt.date(2026, 3, 2),
                decided_on=dt.date(2026, 3, 3))  # fmt: skip
    assert figures(sw.county)[0]["decided"].value == 4  # not until the refresh
    services.refresh([MARCH])
    assert figures(sw.county)[0]["decided"].value == 5


def test_catalog_indicators_and_yardstick_failures(sw):
    f, d = figures(sw.county)
    assert f["items"].value == 2
    assert f["online_rate"].value == 100.0
    assert f["average_steps"].value == 4.0  # 3 and 5
    assert f["average_steps"].meets is False
    assert f["compression"].value == 37.5  # promised 25 of statutory 40
    failing = {y.key: (y.failing, [i.name for i in y.items]) for y in d.yardsticks}
    assert failing == {
        "steps": (1, ["公共场所卫生许可"]),
        "days": (1, ["公共场所卫生许可"]),
        "materials": (1, ["公共场所卫生许可"]),
        "visits": (1, ["公共场所卫生许可"]),
    }
    city = {y.key: y.failing for y in figures(sw.city)[1].yardsticks}
    assert city["steps"] == 1
    assert figures(sw.sibling)[1].yardsticks[0].items == []


def test_ratings_tickets_and_red_cards_on_the_dashboard_only(sw):
    f, d = figures(sw.county)
    assert f["satisfaction"].value == 50.0
    assert f["rectification_rate"].value == 100.0
    assert f["tickets_on_time_rate"].value == 75.0
    assert f["red_cards"].value == 1
    levels = dict(d.rating_levels)  # the world has one rating at level 2 and one at level 5
    assert (levels["非常满意"], levels["不满意"], levels["非常不满意"]) == (1, 1, 0)
    public, pd = figures(sw.county, public=True)
    assert "satisfaction" not in public and "red_cards" not in public and pd.rating_levels == []


def test_figures_of_parts_not_installed_show_none(sw):
    f, _d = figures(sw.sibling)
    assert f["satisfaction"].value is None and f["ratings"].value == 0


def test_bundle_saving(db, our_sources):
    from govserve.cases.models import CaseState
    from govserve.catalog.models import Bundle, BundleItem
    from tests.accounts.worlds import build_places
    from tests.cases.factories import CaseFactory
    from tests.catalog.factories import ImplementationItemFactory

    p = build_places()
    a = ImplementationItemFactory(department=p.market, region=p.county, statutory_limit_days=20)
    b = ImplementationItemFactory(department=p.health, region=p.county, statutory_limit_days=15)
    bundle = Bundle.objects.create(
        code="YJS-T-1",
        name="开餐馆",
        kind="business",
        region=p.county,
        lead_department=p.market,
        promised_limit_days=10,
        published=True,
    )
    BundleItem.objects.create(bundle=bundle, item=a, order=1)
    BundleItem.objects.create(bundle=bundle, item=b, order=2)
    CaseFactory(bundle=bundle, state=CaseState.CLOSED, on=dt.date(2026, 3, 2),
                decided_on=dt.date(2026, 3, 12))  # fmt: skip  # 8 working days
    services.refresh([MARCH])
    saving = selectors.dashboard(p.county, MARCH_ONLY).bundles
    assert (saving.cases, saving.serial_days, saving.actual_days) == (1, 35.0, 8.0)
    assert saving.saved_days == 27.0 and saving.saved_rate == 77.1
