"""Pages: the public statistics (/statistics/) and the supervisors' dashboard
(/statistics/dashboard/), each with CSV exports of its tables. Thin: parameters from `query`,
figures from `selectors`, tables and chart data from `tables`."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from govserve.core.pages import denied, page, staff_required
from govserve.regions.models import Department
from govserve.supervision.scope import Scope, supervisor_scope

from . import selectors, tables
from .errors import StatsError
from .query import Query, query_from

CONTENT_SECONDS = 2 * 3600  # a refresh changes the key anyway; this only bounds the memory


def _departments(query: Query) -> list[Department]:
    """The departments of the selected region itself (a drill-down step, as the regions)."""
    departments = list(Department.objects.filter(region=query.region).order_by("name")[:200])
    if query.department is not None and query.department not in departments:
        departments.insert(0, query.department)
    return departments


def _content(query: Query, public: bool) -> str:
    """The figures' part of the page (tables, chart data, lists), rendered once per refresh:
    cached under the newest aggregate row's id, which every refresh of any month changes."""
    params = "&".join(f"{k}={v}" for k, v in sorted(query.params().items()))
    raw = f"{public}|{selectors.figures_stamp()}|{get_language()}|{params}"
    key = "statistics:content:" + hashlib.sha256(raw.encode()).hexdigest()
    content = cache.get(key)
    if content is None:
        dash = selectors.dashboard(
            query.region, query.period, query.department, query.item, public=public
        )
        content = render_to_string(
            "statistics/content.html",
            {
                "public": public,
                "d": dash,
                "charts": tables.charts(dash),
                "trend_table": tables.trend(dash),
                "export_params": query.params(),
            },
        )
        cache.set(key, content, CONTENT_SECONDS)
    return mark_safe(content)  # our own template's output, escaped when rendered


def _render(request: HttpRequest, query: Query | None, *, public: bool, scope: Scope | None,
            error: StatsError | None = None) -> HttpResponse:  # fmt: skip
    roots = None if scope is None or scope.everything else scope.regions
    context: dict[str, object] = {
        "public": public,
        "regions": roots if roots is not None else selectors.top_regions(),
        "error": error,
        "values": request.GET,
    }
    if query is not None:
        context.update(
            regions=selectors.regions_for_picker(query.region, roots),
            query=query,
            departments=_departments(query),
            content=_content(query, public),
        )
    return page(
        request,
        "statistics/dashboard.html",
        context,
        status=error.status if error is not None else 200,
    )


def public(request: HttpRequest) -> HttpResponse:
    try:
        query = query_from(request.GET)
    except StatsError as exc:
        return _render(request, None, public=True, scope=None, error=exc)
    return _render(request, query, public=True, scope=None)


def _supervisor(request: HttpRequest) -> Scope | None:
    scope = supervisor_scope(request.user)
    return scope if scope else None


@staff_required
def dashboard(request: HttpRequest) -> HttpResponseBase:
    scope = _supervisor(request)
    if scope is None:
        return denied(request, _("统计看板仅供监察人员使用。"))
    try:
        query = query_from(request.GET, scope)
    except StatsError as exc:
        if exc.status == 403:
            return denied(request, str(exc.message))
        return _render(request, None, public=False, scope=scope, error=exc)
    return _render(request, query, public=False, scope=scope)


def _export(request: HttpRequest, table: str, query: Query, public: bool) -> HttpResponse:
    if table not in (tables.PUBLIC_TABLES if public else tables.TABLES):
        raise Http404
    dash = selectors.dashboard(
        query.region, query.period, query.department, query.item, public=public
    )
    period = f"{query.period.first:%Y%m}-{query.period.last:%Y%m}"
    name = f"statistics-{table}-{query.region.code}-{period}.csv"
    return tables.csv_response(tables.TABLES[table](dash), name)


def public_export(request: HttpRequest, table: str) -> HttpResponse:
    try:
        query = query_from(request.GET)
    except StatsError as exc:
        return HttpResponse(
            str(exc.message), status=exc.status, content_type="text/plain; charset=utf-8"
        )
    return _export(request, table, query, public=True)


@staff_required
def dashboard_export(request: HttpRequest, table: str) -> HttpResponseBase:
    scope = _supervisor(request)
    if scope is None:
        return denied(request, _("统计看板仅供监察人员使用。"))
    try:
        query = query_from(request.GET, scope)
    except StatsError as exc:
        if exc.status == 403:
            return denied(request, str(exc.message))
        return HttpResponse(
            str(exc.message), status=exc.status, content_type="text/plain; charset=utf-8"
        )
    return _export(request, table, query, public=False)
