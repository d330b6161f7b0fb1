"""The supervisors' statistics dashboard in a real browser: the charts are drawn (ECharts,
served from our static files, with no Content-Security-Policy violation) and each chart's data
is the table's (read back from the
ECharts instance's option and compared with the table cells)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from govserve.supervision.stats import services
from tests.e2e.test_accounts_browser import log_in
from tests.supervision.stats.world import APRIL, MARCH, build_stats_world, use_our_sources

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"}`);
});
"""
OPTION = """(id) => {
  const chart = window.echarts.getInstanceByDom(document.getElementById(id));
  const option = chart.getOption();
  return {
    categories: option.xAxis[0].data,
    series: option.series.map((s) => ({ name: s.name, data: s.data })),
  };
}"""
TABLE = """(id) => {
  const table = document.getElementById(id);
  const head = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
  const rows = [...table.querySelectorAll("tbody tr")].map((tr) =>
    [...tr.children].map((cell) => cell.textContent.trim()));
  return { head, rows };
}"""


def number(cell: str) -> float | None:
    return None if cell in ("—", "") else float(cell)


def test_a_supervisor_sees_the_chart_and_the_table_agree(live_server, web_page, monkeypatch):
    use_our_sources(monkeypatch)
    cache.clear()  # rendered figures are cached per refresh (ids may repeat after a flush)
    world = build_stats_world()
    services.refresh([MARCH, APRIL])
    page = web_page
    log_in(page, live_server.url, world.county_supervisor.username)
    page.wait_for_load_state("load")
    page.add_init_script(LISTEN)
    page.goto(live_server.url + "/statistics/dashboard/?from=2026-03&to=2026-04")
    page.locator("#chart-volume canvas").first.wait_for(state="visible")
    assert page.evaluate("window.__cspViolations") == []  # ECharts and our script: no violation
    assert page.locator("#chart-rates canvas").count() >= 1

    chart = page.evaluate(OPTION, "chart-volume")
    table = page.evaluate(TABLE, "table-trend")
    assert chart["categories"] == [row[0] for row in table["rows"]] == ["2026-03", "2026-04"]
    for series in chart["series"]:
        column = table["head"].index(series["name"])
        assert series["data"] == [number(row[column]) for row in table["rows"]], series["name"]
    applications = next(s for s in chart["series"] if s["name"] == "申请件数")
    assert applications["data"] == [5, 1]

    rates = page.evaluate(OPTION, "chart-rates")
    on_time = next(s for s in rates["series"] if s["name"] == "按时办结率")
    column = table["head"].index("按时办结率")
    assert on_time["data"] == [number(row[column]) for row in table["rows"]] == [75, None]

    # The ratings chart agrees with its table too.
    levels = page.evaluate(OPTION, "chart-ratings")
    ratings = page.evaluate(TABLE, "table-ratings")
    assert levels["categories"] == [row[0] for row in ratings["rows"]]
    assert levels["series"][0]["data"] == [int(row[1]) for row in ratings["rows"]]
