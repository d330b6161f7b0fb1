"""REST routes of the supervisor's workbench (/api/supervision/…; included by api/urls.py).

- `cases/`: the list, with the workbench's filters, 50 a page (`page`, `has_next`);
- `cases/<id>/timeline/`: one case's full timeline (cases records + `CASE_HISTORY` sources);
- `summary/`: the tiles, and the counts per department and per item;
- `export/?format=csv|xlsx`: the filtered list as a file.

Supervisors (and superusers) only; a bearer token needs `supervision.read` (accounts.oidc).
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, URLResolver, path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govserve.accounts.masking import mask_id_number, mask_name
from govserve.cases.models import OPEN_STATES, Channel
from govserve.cases.selectors import log_personal_data_read
from govserve.core.params import ID_MAX

from . import exports, selectors
from .errors import SupervisionError
from .filtering import filters_from, page_number
from .scope import supervisor_scope

TAGS = ["supervision"]


class IsSupervisor(BasePermission):
    message = _("此操作仅供监察人员使用")

    def has_permission(self, request, view) -> bool:
        return bool(supervisor_scope(request.user))


class WorkbenchAPIView(APIView):
    permission_classes = [IsAuthenticated, IsSupervisor]


FILTER_PARAMETERS = [
    OpenApiParameter("category", str, enum=selectors.CATEGORIES, description="类别（默认在办）"),
    OpenApiParameter("stage", str, enum=[str(s) for s in OPEN_STATES], description="办理阶段"),
    OpenApiParameter("level", int, description="部门行使层级（1–7）"),
    OpenApiParameter("department", int, description="部门编号"),
    OpenApiParameter("item", int, description="事项编号"),
    OpenApiParameter("region", str, description="区划代码（须在监察范围内）"),
    OpenApiParameter("channel", str, enum=Channel.values, description="申请渠道"),
    OpenApiParameter("due_from", OpenApiTypes.DATE, description="当前期限起"),
    OpenApiParameter("due_to", OpenApiTypes.DATE, description="当前期限止"),
    OpenApiParameter("q", str, description="办件编号或申请事项（部分）"),
]


# -- serializers (answers only) -----------------------------------------------------------------
class WorkbenchCaseRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="case.pk")
    number = serializers.CharField(source="case.number", allow_null=True)
    title = serializers.CharField(source="case.title")
    state = serializers.CharField(source="case.state")
    state_label = serializers.CharField(source="case.get_state_display")
    department = serializers.IntegerField(source="case.department_id")
    department_name = serializers.CharField(source="case.department.name")
    item = serializers.IntegerField(source="case.item_id")
    region = serializers.CharField(source="case.region.code")
    channel = serializers.CharField(source="case.channel")
    applicant_name = serializers.SerializerMethodField()
    current_due = serializers.DateField(source="case.current_due", allow_null=True)
    remaining_working_days = serializers.IntegerField(source="remaining", allow_null=True)
    days_overdue = serializers.IntegerField()
    colour = serializers.ChoiceField(
        choices=["red", "yellow", "stopped", ""],
        allow_blank=True,
        help_text="red 超期，yellow 预警",
    )
    clock_stopped = serializers.BooleanField(source="case.clock_stopped")
    deemed_accepted = serializers.BooleanField(source="case.deemed_accepted")

    def get_applicant_name(self, row: selectors.CaseRow) -> str:
        case = row.case
        return case.applicant_name if case.organisation_id else mask_name(case.applicant_name)


class WorkbenchCasePageSerializer(serializers.Serializer):
    page = serializers.IntegerField(source="number")
    page_size = serializers.IntegerField(source="size")
    has_next = serializers.BooleanField()
    results = WorkbenchCaseRowSerializer(many=True, source="rows")


class WorkbenchCountRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    open = serializers.IntegerField()
    yellow = serializers.IntegerField()
    red = serializers.IntegerField()


class WorkbenchTilesSerializer(serializers.Serializer):
    open = serializers.IntegerField()
    yellow = serializers.IntegerField()
    red = serializers.IntegerField()
    stopped = serializers.IntegerField()
    acceptance_late = serializers.IntegerField()
    deemed = serializers.IntegerField()
    undelivered = serializers.IntegerField()
    delivery_late = serializers.IntegerField()


class WorkbenchStagesSerializer(serializers.Serializer):
    submitted = serializers.IntegerField()
    correction = serializers.IntegerField()
    in_review = serializers.IntegerField()
    decided = serializers.IntegerField()


class WorkbenchSummarySerializer(serializers.Serializer):
    date = serializers.DateField()
    tiles = WorkbenchTilesSerializer()
    by_stage = WorkbenchStagesSerializer()
    by_department = WorkbenchCountRowSerializer(many=True)
    by_item = WorkbenchCountRowSerializer(many=True)


class WorkbenchTimelineEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    text = serializers.CharField()
    url = serializers.CharField(allow_blank=True)
    origin = serializers.CharField(source="source", help_text="来源：cases 或登记的记录来源")


class WorkbenchTimelineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(allow_null=True)
    title = serializers.CharField()
    state = serializers.CharField()
    applicant_name = serializers.CharField()
    applicant_id_number = serializers.CharField(help_text="已遮蔽")
    entries = WorkbenchTimelineEntrySerializer(many=True)


# -- views ---------------------------------------------------------------------------------------
class CaseListView(WorkbenchAPIView):
    @extend_schema(
        summary="监察工作台：办件列表（按当前期限排序，每页 50 件）",
        parameters=[*FILTER_PARAMETERS, OpenApiParameter("page", int, description="页码，从 1 起")],
        responses={200: WorkbenchCasePageSerializer},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        scope = supervisor_scope(request.user)
        filters = filters_from(request.query_params, scope)
        result = selectors.case_page(scope, filters, page_number(request.query_params))
        return Response(WorkbenchCasePageSerializer(result).data)


class CaseTimelineView(WorkbenchAPIView):
    @extend_schema(
        summary="监察工作台：办件全过程记录（按时间）",
        responses={200: WorkbenchTimelineSerializer},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        scope = supervisor_scope(request.user)
        case = selectors.visible_case(scope, pk) if pk <= ID_MAX else None
        if case is None:
            raise SupervisionError("detail", gettext("办件不存在，或不在您的监察范围内"), 404)
        log_personal_data_read(request.user, case, channel="api:supervision")
        data: dict[str, Any] = {
            "id": case.pk,
            "number": case.number,
            "title": case.title,
            "state": case.state,
            "applicant_name": case.applicant_name,
            "applicant_id_number": case.applicant_id_number
            if case.organisation_id
            else mask_id_number(case.applicant_id_number),
            "entries": selectors.timeline(case),
        }
        return Response(WorkbenchTimelineSerializer(data).data)


class SummaryView(WorkbenchAPIView):
    @extend_schema(
        summary="监察工作台：概况（各类别件数、按阶段、按部门、按事项）",
        responses={200: WorkbenchSummarySerializer},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        scope = supervisor_scope(request.user)
        today = timezone.localdate()
        summary = selectors.summary(scope, today)
        data = {
            "date": today,
            "tiles": summary.tiles,
            "by_stage": summary.by_stage,
            "by_department": selectors.counts_by_department(scope, today),
            "by_item": selectors.counts_by_item(scope, today),
        }
        return Response(WorkbenchSummarySerializer(data).data)


class FileRenderer(BaseRenderer):
    """Passes the bytes the view made through (the export's CSV or XLSX)."""

    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class CSVRenderer(FileRenderer):
    media_type = "text/csv"
    format = "csv"


class XLSXRenderer(FileRenderer):
    media_type = exports.XLSX_TYPE
    format = "xlsx"


class ExportView(WorkbenchAPIView):
    """The filtered list as CSV (default) or XLSX: `?format=csv|xlsx` (or the Accept header)."""

    renderer_classes = [CSVRenderer, XLSXRenderer]

    @extend_schema(
        summary="监察工作台：导出办件列表（CSV 或 Excel，中文表头）",
        parameters=[
            *FILTER_PARAMETERS,
            OpenApiParameter("format", str, enum=["csv", "xlsx"], description="文件格式"),
        ],
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, exports.XLSX_TYPE): OpenApiTypes.BINARY,
            404: None,  # a format other than csv or xlsx
        },
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        scope = supervisor_scope(request.user)
        filters = filters_from(request.query_params, scope)
        kind = request.accepted_renderer.format
        if kind == "xlsx":
            body = exports.xlsx_bytes(scope, filters)
        else:
            body = b"".join(exports.csv_chunks(scope, filters))
        response = Response(body)
        response["Content-Disposition"] = (
            f'attachment; filename="{exports.filename(filters, kind)}"'
        )
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        if response.status_code >= 400:  # errors in the API's JSON shape, not as a file
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


urlpatterns: list[URLPattern | URLResolver] = [
    path("cases/", CaseListView.as_view(), name="supervision-cases"),
    path("cases/<int:pk>/timeline/", CaseTimelineView.as_view(), name="supervision-timeline"),
    path("summary/", SummaryView.as_view(), name="supervision-summary"),
    path("export/", ExportView.as_view(), name="supervision-export"),
]
