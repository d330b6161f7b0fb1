"""Every figure of a dashboard as a plain table (headers and rows): the CSV exports and the API
give the same numbers the page tables and charts show."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from django.http import HttpResponse
from django.utils.translation import gettext as _

from .selectors import Dashboard

Table = tuple[list[str], list[list[object]]]


def _v(value: object) -> object:
    return "" if value is None else value


def indicators(d: Dashboard) -> Table:
    head = [_("分组"), _("指标"), _("数值"), _("单位"), _("目标"), _("是否达标")]
    groups = dict(d.groups())
    rows = []
    for group, figures in groups.items():
        for f in figures:
            ok = "" if f.meets is None else (_("达标") if f.meets else _("未达标"))
            rows.append([group, f.label, _v(f.value), f.unit, f.target, ok])
    return head, rows


def trend(d: Dashboard) -> Table:
    head = [_("月份")] + [t.label for t in d.trends]
    months = d.trends[0].months if d.trends else []
    rows = [[month] + [_v(t.values[i]) for t in d.trends] for i, month in enumerate(months)]
    return head, rows


def yardsticks(d: Dashboard) -> Table:
    head = [_("标准"), _("未达标事项数"), _("事项"), _("部门"), _("区划代码"), _("环节"),
            _("承诺时限"), _("材料"), _("跑动次数")]  # fmt: skip
    rows: list[list[object]] = []
    for y in d.yardsticks:
        if not y.items:
            rows.append([y.label, y.failing, "", "", "", "", "", "", ""])
        for f in y.items:
            rows.append([
                y.label, y.failing, f.name, f.department_name, f.region_code, f.steps,
                _v(f.promised_limit_days if f.promised_limit_days is not None
                   else f.statutory_limit_days),
                f.materials, f.visits,
            ])  # fmt: skip
    return head, rows


def _breakdown(rows) -> Table:
    head = [
        _("名称"),
        _("申请件数"),
        _("办结件数"),
        _("按时办结率（%）"),
        _("平均办理用时（工作日）"),
    ]
    return head, [
        [b.name, b.applications, b.decided, _v(b.on_time_rate), _v(b.average_days)] for b in rows
    ]


def regions(d: Dashboard) -> Table:
    return _breakdown(d.subregions)


def departments(d: Dashboard) -> Table:
    return _breakdown(d.departments)


def bundles(d: Dashboard) -> Table:
    b = d.bundles
    head = [
        _("一件事办件数"),
        _("各事项法定时限之和（平均，工作日）"),
        _("实际用时（平均，工作日）"),
        _("节省（工作日）"),
        _("节省比例（%）"),
    ]
    return head, [
        [b.cases, _v(b.serial_days), _v(b.actual_days), _v(b.saved_days), _v(b.saved_rate)]
    ]


def ratings(d: Dashboard) -> Table:
    return [_("满意度"), _("评价数")], [[label, n] for label, n in d.rating_levels]


TABLES: dict[str, Callable[[Dashboard], Table]] = {
    "indicators": indicators,
    "trend": trend,
    "yardsticks": yardsticks,
    "regions": regions,
    "departments": departments,
    "bundles": bundles,
    "ratings": ratings,
}
PUBLIC_TABLES = ("indicators", "trend", "yardsticks", "regions", "departments", "bundles")


def csv_response(table: Table, filename: str) -> HttpResponse:
    head, rows = table
    out = io.StringIO()
    out.write("\ufeff")  # Excel opens UTF-8 with the byte-order mark
    writer = csv.writer(out)
    writer.writerow(head)
    for row in rows:
        writer.writerow([_safe(cell) for cell in row])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _safe(cell: object) -> object:
    """No spreadsheet formulas from names (CSV injection)."""
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@"):
        return "'" + cell
    return cell


def charts(d: Dashboard) -> list[dict[str, object]]:
    """What statistics.js draws: each chart names the table that holds the same numbers."""
    by_key = {t.key: t for t in d.trends}
    months = d.trends[0].months if d.trends else []

    def series(*keys: str) -> list[dict[str, object]]:
        return [{"name": by_key[k].label, "data": by_key[k].values} for k in keys if k in by_key]

    out: list[dict[str, object]] = [
        {
            "id": "chart-volume",
            "table": "table-trend",
            "kind": "bar",
            "title": _("申请与办结（件）"),
            "categories": months,
            "series": series("applications", "decided", "licences_reused"),
        },
        {
            "id": "chart-rates",
            "table": "table-trend",
            "kind": "line",
            "title": _("按时办结率等（%）"),
            "categories": months,
            "series": series("on_time_rate", "satisfaction", "tickets_on_time_rate"),
        },
        {
            "id": "chart-days",
            "table": "table-trend",
            "kind": "line",
            "title": _("平均办理用时（工作日）"),
            "categories": months,
            "series": series("average_decision_days"),
        },
    ]
    if d.subregions:
        out.append(
            {
                "id": "chart-regions",
                "table": "table-regions",
                "kind": "bar",
                "title": _("下级区划申请与办结（件）"),
                "categories": [b.name for b in d.subregions],
                "series": [
                    {"name": _("申请件数"), "data": [b.applications for b in d.subregions]},
                    {"name": _("办结件数"), "data": [b.decided for b in d.subregions]},
                ],
            }
        )
    if d.rating_levels:
        out.append(
            {
                "id": "chart-ratings",
                "table": "table-ratings",
                "kind": "bar",
                "title": _("评价等级分布（条）"),
                "categories": [label for label, _n in d.rating_levels],
                "series": [{"name": _("评价数"), "data": [n for _l, n in d.rating_levels]}],
            }
        )
    return out
