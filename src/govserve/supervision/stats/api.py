"""REST routes of the reform statistics (/api/statistics/…; included by api/urls.py).

Public, no token needed (the figures the public page shows):
- `figures/`: every indicator with its target, the bundle saving and the breakdowns;
- `trend/`: the monthly trends; `yardsticks/`: the yardsticks and the items failing them.
The supervisors' dashboard, within their scope (`supervision.read` for a bearer token), adds
ratings, tickets and red cards: `dashboard/figures/`, `dashboard/trend/`, `dashboard/yardsticks/`.

Each takes `region` (code, subtree), `from`/`to` (YYYY-MM), `department`, `item`; and
`file_format=csv` for the same table as a CSV file. (`/api/statistics/catalog/` is the catalog's.)
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govserve.supervision.scope import supervisor_scope

from . import selectors, tables
from .errors import StatsError
from .query import Query, query_from

TAGS = ["statistics"]

PARAMETERS = [
    OpenApiParameter("region", str, description="区划代码（含下级；默认顶级区划或监察范围）"),
    OpenApiParameter("from", str, description="起始月份 YYYY-MM（默认近 6 个月）"),
    OpenApiParameter("to", str, description="截止月份 YYYY-MM"),
    OpenApiParameter("department", int, description="部门编号"),
    OpenApiParameter("item", int, description="事项编号"),
    OpenApiParameter("file_format", str, enum=["json", "csv"], description="csv：导出表格"),
]


class IsSupervisor(BasePermission):
    message = _("统计看板仅供监察人员使用")

    def has_permission(self, request, view) -> bool:
        return bool(supervisor_scope(request.user))


# -- serializers (answers only) -----------------------------------------------------------------
class StatsPeriodSerializer(serializers.Serializer):
    first = serializers.DateField()
    last = serializers.DateField()


class StatsFigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    group = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    unit = serializers.CharField()
    target = serializers.CharField(help_text="改革目标（如 “< 13”），无目标为空")
    meets = serializers.BooleanField(allow_null=True)


class StatsBreakdownSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    applications = serializers.IntegerField()
    decided = serializers.IntegerField()
    on_time_rate = serializers.FloatField(allow_null=True)
    average_days = serializers.FloatField(allow_null=True)


class StatsBundleSerializer(serializers.Serializer):
    cases = serializers.IntegerField()
    serial_days = serializers.FloatField(allow_null=True)
    actual_days = serializers.FloatField(allow_null=True)
    saved_days = serializers.FloatField(allow_null=True)
    saved_rate = serializers.FloatField(allow_null=True)


class StatsRatingLevelSerializer(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]
    count = serializers.IntegerField()


class StatsScopeSerializer(serializers.Serializer):
    region = serializers.CharField(source="region.code")
    region_name = serializers.CharField(source="region.name")
    period = StatsPeriodSerializer()
    department = serializers.IntegerField(source="department.pk", allow_null=True, default=None)
    item = serializers.IntegerField(source="item.pk", allow_null=True, default=None)


class StatsFiguresSerializer(StatsScopeSerializer):
    figures = StatsFigureSerializer(many=True)
    bundles = StatsBundleSerializer()
    subregions = StatsBreakdownSerializer(many=True)
    departments = StatsBreakdownSerializer(many=True)
    rating_levels = serializers.SerializerMethodField()

    def get_rating_levels(self, d) -> list[dict[str, Any]]:
        return [{"label": label, "count": n} for label, n in d.rating_levels]


class StatsTrendSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    unit = serializers.CharField()
    months = serializers.ListField(child=serializers.CharField())
    values = serializers.ListField(child=serializers.FloatField(allow_null=True))


class StatsTrendsSerializer(StatsScopeSerializer):
    trends = StatsTrendSerializer(many=True)


class StatsYardstickItemSerializer(serializers.Serializer):
    item = serializers.IntegerField(source="item_id")
    name = serializers.CharField()
    department = serializers.IntegerField(source="department_id")
    department_name = serializers.CharField()
    region = serializers.CharField(source="region_code")
    steps = serializers.IntegerField()
    promised_limit_days = serializers.IntegerField(allow_null=True)
    statutory_limit_days = serializers.IntegerField(allow_null=True)
    materials = serializers.IntegerField()
    visits = serializers.IntegerField()


class StatsYardstickSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    failing = serializers.IntegerField()
    measured = serializers.IntegerField()
    items = StatsYardstickItemSerializer(many=True)


class StatsYardsticksSerializer(StatsScopeSerializer):
    yardsticks = StatsYardstickSerializer(many=True)


# -- views --------------------------------------------------------------------------------------
class _StatisticsView(APIView):
    public = True
    serializer: type[serializers.Serializer] = StatsFiguresSerializer
    csv_table = "indicators"

    def query(self, request: Request) -> Query:
        if self.public:
            return query_from(request.query_params)
        return query_from(request.query_params, supervisor_scope(request.user))

    def get(self, request: Request) -> HttpResponse:
        fmt = request.query_params.get("file_format", "json")
        if fmt not in ("json", "csv"):
            raise StatsError("file_format", str(_("只能是 json 或 csv")))
        q = self.query(request)
        d = selectors.dashboard(q.region, q.period, q.department, q.item, public=self.public)
        if fmt == "csv":
            name = f"statistics-{self.csv_table}-{q.region.code}.csv"
            return tables.csv_response(tables.TABLES[self.csv_table](d), name)
        return Response(self.serializer(d).data)


def _schema(serializer: type[serializers.Serializer], summary: str, public: bool):
    responses: dict[Any, Any] = {
        (200, "application/json"): serializer,
        (200, "text/csv"): OpenApiResponse(str, description="file_format=csv：表格 CSV"),
        400: OpenApiResponse(description="参数有误（按字段说明）"),
        404: OpenApiResponse(description="没有这个区划、部门或事项"),
    }
    if not public:
        responses[401] = OpenApiResponse(description="未登录或令牌无效")
        responses[403] = OpenApiResponse(description="不是监察人员，或超出监察范围")
    return extend_schema(parameters=PARAMETERS, responses=responses, tags=TAGS, summary=summary)


class _PublicView(_StatisticsView):
    permission_classes = [AllowAny]
    required_scopes: list[str] = []  # public figures: no token needed


class _DashboardView(_StatisticsView):
    public = False
    permission_classes = [IsAuthenticated, IsSupervisor]


class FiguresView(_PublicView):
    """改革统计指标（公开）: indicators with targets, bundle saving, breakdowns."""

    @_schema(StatsFiguresSerializer, "改革统计指标（公开）", True)
    def get(self, request: Request) -> HttpResponse:
        return super().get(request)


class TrendView(_PublicView):
    """月度趋势（公开）."""

    serializer = StatsTrendsSerializer
    csv_table = "trend"

    @_schema(StatsTrendsSerializer, "月度趋势（公开）", True)
    def get(self, request: Request) -> HttpResponse:
        return super().get(request)


class YardsticksView(_PublicView):
    """改革标准与未达标事项（公开）."""

    serializer = StatsYardsticksSerializer
    csv_table = "yardsticks"

    @_schema(StatsYardsticksSerializer, "改革标准与未达标事项（公开）", True)
    def get(self, request: Request) -> HttpResponse:
        return super().get(request)


class DashboardFiguresView(_DashboardView):
    """统计看板指标（监察范围内，含好差评、投诉建议、红牌）."""

    @_schema(StatsFiguresSerializer, "统计看板指标（监察范围内）", False)
    def get(self, request: Request) -> HttpResponse:
        return super().get(request)


class DashboardTrendView(_DashboardView):
    """统计看板月度趋势."""

    serializer = StatsTrendsSerializer
    csv_table = "trend"

    @_schema(StatsTrendsSerializer, "统计看板月度趋势（监察范围内）", False)
    def get(self, request: Request) -> HttpResponse:
        return super().get(request)


class DashboardYardsticksView(_DashboardView):
    """统计看板未达标事项."""

    serializer = StatsYardsticksSerializer
    csv_table = "yardsticks"

    @_schema(StatsYardsticksSerializer, "统计看板未达标事项（监察范围内）", False)
    def get(self, request: Request) -> HttpResponse:
        return super().get(request)


urlpatterns: list[URLPattern | URLResolver] = [
    path("figures/", FiguresView.as_view(), name="statistics-figures"),
    path("trend/", TrendView.as_view(), name="statistics-trend"),
    path("yardsticks/", YardsticksView.as_view(), name="statistics-yardsticks"),
    path("dashboard/figures/", DashboardFiguresView.as_view(), name="statistics-dashboard-figures"),
    path("dashboard/trend/", DashboardTrendView.as_view(), name="statistics-dashboard-trend"),
    path(
        "dashboard/yardsticks/",
        DashboardYardsticksView.as_view(),
        name="statistics-dashboard-yardsticks",
    ),
]
