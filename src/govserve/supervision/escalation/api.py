"""REST routes of 督办 and escalation (included by api/urls.py under /api/supervision/):

- `notices/` list, create (Idempotency-Key), retrieve; `notices/<id>/reply|accept|return/`;
- `escalations/` list; `cards/` list (red/yellow cards); `ladders/` the ladder per region.

Thin: the services decide; a refusal answers `{field: [message]}` with its 4xx. Bearer tokens
need `supervision.read` / `supervision.write` (accounts.oidc.API_SCOPES).
"""

from __future__ import annotations

import datetime as dt

from django.urls import URLPattern, URLResolver, include, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from govserve.accounts.security import is_staff_account
from govserve.cases.models import Case
from govserve.catalog.models import ImplementationItem
from govserve.regions.models import Department, Region
from govserve.supervision.scope import department_scope, supervisor_scope

from . import selectors, services
from .errors import EscalationError
from .models import (
    CardLevel,
    EfficiencyCard,
    Escalation,
    NoticeEvent,
    NoticeState,
    SupervisionNotice,
    Target,
)
from .services import MAX_REPLY_DAYS

TAGS = ["supervision"]
MAX_ID = 2**63 - 1


class IsOversightStaff(BasePermission):
    message = gettext_lazy("仅监察人员和部门审查、审批人员可以使用督办接口")

    def has_permission(self, request, view) -> bool:
        user = request.user
        return is_staff_account(user) and bool(supervisor_scope(user) or department_scope(user))


# -- serializers -----------------------------------------------------------------------------------
class SupervisionNoticeEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, read_only=True)
    action_display = serializers.CharField(source="get_action_display", read_only=True)

    class Meta:
        model = NoticeEvent
        fields = ["action", "action_display", "actor", "text", "at"]
        read_only_fields = fields


class SupervisionNoticeSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    case_number = serializers.CharField(source="case.number", default=None, read_only=True)
    item_name = serializers.CharField(source="item.name", default=None, read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    issued_by = serializers.CharField(source="issued_by.username", read_only=True)
    replied_by = serializers.CharField(source="replied_by.username", default=None, read_only=True)
    events = SupervisionNoticeEventSerializer(many=True, read_only=True)

    class Meta:
        model = SupervisionNotice
        fields = [
            "id",
            "number",
            "region",
            "department",
            "department_name",
            "case",
            "case_number",
            "item",
            "item_name",
            "subject",
            "body",
            "reply_days",
            "issued_on",
            "due",
            "state",
            "state_display",
            "round",
            "reply_text",
            "replied_by",
            "replied_at",
            "first_reply_on_time",
            "issued_by",
            "closed_at",
            "created_at",
            "events",
        ]
        read_only_fields = fields


class SupervisionNoticeCreateSerializer(serializers.Serializer):
    case = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="办件 ID（与事项二选一）"
    )
    item = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="实施事项 ID"
    )
    department = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="被督办部门 ID（默认牵头部门或实施部门）",
    )
    subject = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=4000)
    reply_days = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_REPLY_DAYS, help_text="回复时限（工作日）"
    )
    idempotency_key = serializers.CharField(required=False, max_length=100, allow_blank=True)


class SupervisionNoticeReplySerializer(serializers.Serializer):
    reply_text = serializers.CharField(max_length=4000)


class SupervisionNoticeAcceptSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class SupervisionNoticeReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
    reply_days = serializers.IntegerField(required=False, min_value=1, max_value=MAX_REPLY_DAYS)


class EscalationRecordSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True)
    department_name = serializers.CharField(source="department.name", default=None, read_only=True)
    target_display = serializers.CharField(source="get_target_display", read_only=True)

    class Meta:
        model = Escalation
        fields = [
            "id",
            "kind",
            "key",
            "object_id",
            "case",
            "region",
            "department",
            "department_name",
            "step",
            "target",
            "target_display",
            "title",
            "url",
            "due",
            "days_late",
            "recipients",
            "at",
        ]
        read_only_fields = fields


class EfficiencyCardSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    person = serializers.CharField(source="person.username", default=None, read_only=True)
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = EfficiencyCard
        fields = [
            "id",
            "level",
            "level_display",
            "kind",
            "key",
            "region",
            "department",
            "department_name",
            "person",
            "month",
            "case",
            "stage",
            "due",
            "reason",
            "at",
        ]
        read_only_fields = fields


class EscalationLadderStepSerializer(serializers.Serializer):
    days_after = serializers.IntegerField(help_text="期限届满后的工作日数")
    target = serializers.ChoiceField(choices=Target.choices)
    target_display = serializers.CharField()


class EscalationLadderSerializer(serializers.Serializer):
    region = serializers.CharField(help_text="区划代码")
    region_name = serializers.CharField()
    defined_at = serializers.CharField(
        allow_null=True, help_text="规则所在区划代码；null 为平台默认"
    )
    steps = EscalationLadderStepSerializer(many=True)


# -- viewsets --------------------------------------------------------------------------------------
def _flag(value: str | None) -> bool | None:
    return {"true": True, "1": True, "false": False, "0": False}.get((value or "").lower())


@extend_schema_view(
    list=extend_schema(
        summary="督办列表（本人监察范围内或发给本部门的督办）",
        tags=TAGS,
        parameters=[
            OpenApiParameter("state", str, enum=NoticeState.values, description="状态"),
            OpenApiParameter("overdue", bool, description="逾期未回复"),
            OpenApiParameter("q", str, description="督办编号、事由或办件编号"),
        ],
    ),
    retrieve=extend_schema(summary="督办详情（含督办记录）", tags=TAGS),
)
class NoticeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated, IsOversightStaff]
    serializer_class = SupervisionNoticeSerializer
    queryset = SupervisionNotice.objects.none()
    lookup_value_regex = r"[0-9]{1,18}"
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SupervisionNotice.objects.none()
        p = self.request.query_params
        qs = selectors.filter_notices(
            selectors.visible_notices(self.request.user),
            state=p.get("state") or "",
            overdue=_flag(p.get("overdue")),
            q=(p.get("q") or "").strip()[:60],
        )
        return qs.prefetch_related("events__actor").order_by("-created_at", "-pk")

    def get_object(self) -> SupervisionNotice:
        found = selectors.visible_notice(self.request.user, self.kwargs.get("pk"))
        if found is None:
            raise NotFound(_("督办不存在"))
        return found

    def _answer(self, notice: SupervisionNotice, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.visible_notices(self.request.user).filter(pk=notice.pk).first() or notice
        return Response(SupervisionNoticeSerializer(fresh).data, status=code)

    @extend_schema(
        summary="发出督办（监察人员；同一幂等键重试返回同一督办）",
        request=SupervisionNoticeCreateSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                required=False,
                description="同一键重试返回同一督办（200）；键用于不同督办时返回 409",
            )
        ],
        responses={201: SupervisionNoticeSerializer, 200: SupervisionNoticeSerializer},
        tags=TAGS,
    )
    def create(self, request, *args, **kwargs):
        if not supervisor_scope(request.user):
            raise PermissionDenied(_("只有监察人员可以发出督办"))
        ser = SupervisionNoticeCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        case = item = department = None
        if data.get("case") is not None:
            case = (
                Case.objects.select_related("region", "department").filter(pk=data["case"]).first()
            )
            if case is None:
                raise EscalationError("case", _("没有找到该办件"), status=400)
        if data.get("item") is not None:
            item = (
                ImplementationItem.objects.select_related("region", "department")
                .filter(pk=data["item"])
                .first()
            )
            if item is None:
                raise EscalationError("item", _("没有找到该事项"), status=400)
        if data.get("department") is not None:
            department = Department.objects.filter(pk=data["department"]).first()
            if department is None:
                raise EscalationError("department", _("没有找到该部门"), status=400)
        key = (
            request.headers.get("Idempotency-Key") or data.get("idempotency_key") or ""
        ).strip() or None
        notice, created = services.issue_notice(
            request.user,
            case=case,
            item=item,
            department=department,
            subject=data["subject"],
            body=data["body"],
            reply_days=data.get("reply_days"),
            idempotency_key=key,
        )
        return self._answer(notice, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        summary="部门回复督办（被督办部门的审查、审批人员）",
        request=SupervisionNoticeReplySerializer,
        responses={200: SupervisionNoticeSerializer},
        tags=TAGS,
    )
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        ser = SupervisionNoticeReplySerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        notice = services.reply_notice(
            request.user, self.get_object(), ser.validated_data["reply_text"]
        )
        return self._answer(notice)

    @extend_schema(
        summary="审核通过回复并办结督办（监察人员）",
        request=SupervisionNoticeAcceptSerializer,
        responses={200: SupervisionNoticeSerializer},
        tags=TAGS,
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        ser = SupervisionNoticeAcceptSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        notice = services.accept_notice(
            request.user, self.get_object(), ser.validated_data.get("comment", "")
        )
        return self._answer(notice)

    @extend_schema(
        summary="退回回复，要求在新的期限内重新回复（监察人员）",
        request=SupervisionNoticeReturnSerializer,
        responses={200: SupervisionNoticeSerializer},
        tags=TAGS,
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        ser = SupervisionNoticeReturnSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        notice = services.return_notice(
            request.user,
            self.get_object(),
            ser.validated_data["reason"],
            reply_days=ser.validated_data.get("reply_days"),
        )
        return self._answer(notice)


@extend_schema_view(
    list=extend_schema(
        summary="超期升级记录（本人范围内）",
        tags=TAGS,
        parameters=[
            OpenApiParameter(
                "kind", str, description="来源：case、notice、rectification、ticket …"
            ),
            OpenApiParameter("target", str, enum=Target.values, description="通知对象"),
            OpenApiParameter("case", int, description="办件 ID"),
        ],
    )
)
class EscalationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated, IsOversightStaff]
    serializer_class = EscalationRecordSerializer
    queryset = Escalation.objects.none()
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Escalation.objects.none()
        p = self.request.query_params
        qs = selectors.visible_escalations(self.request.user)
        if p.get("kind"):
            qs = qs.filter(kind=p["kind"][:30])
        if p.get("target") in Target.values:
            qs = qs.filter(target=p["target"])
        case = p.get("case") or ""
        if case.isdigit() and len(case) < 19:
            qs = qs.filter(case_id=int(case))
        return qs.order_by("-at", "-pk")


@extend_schema_view(
    list=extend_schema(
        summary="红黄牌（效能记录，本人范围内）",
        tags=TAGS,
        parameters=[
            OpenApiParameter("level", str, enum=CardLevel.values, description="red 或 yellow"),
            OpenApiParameter("month", str, description="月份 YYYY-MM"),
            OpenApiParameter("department", int, description="部门 ID"),
        ],
    )
)
class CardViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated, IsOversightStaff]
    serializer_class = EfficiencyCardSerializer
    queryset = EfficiencyCard.objects.none()
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return EfficiencyCard.objects.none()
        p = self.request.query_params
        qs = selectors.visible_cards(self.request.user)
        if p.get("level") in CardLevel.values:
            qs = qs.filter(level=p["level"])
        if p.get("month"):
            try:
                qs = qs.filter(month=dt.date.fromisoformat(f"{p['month'][:7]}-01"))
            except ValueError:
                raise EscalationError("month", _("月份格式应为 YYYY-MM")) from None
        department = p.get("department") or ""
        if department.isdigit() and len(department) < 19:
            qs = qs.filter(department_id=int(department))
        return qs.order_by("-month", "-at", "-pk")


@extend_schema_view(
    list=extend_schema(
        summary="各区划适用的超期升级规则（本人范围内的区划及其下一级）",
        tags=TAGS,
        parameters=[OpenApiParameter("region", str, description="只看该区划（12 位代码）")],
    )
)
class LadderViewSet(viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated, IsOversightStaff]
    serializer_class = EscalationLadderSerializer
    queryset = Region.objects.none()
    filter_backends: list = []
    pagination_class = None

    def list(self, request):
        code = (request.query_params.get("region") or "").strip()[:12]
        if code:
            regions = list(Region.objects.filter(code=code))
        else:
            roots = supervisor_scope(request.user).regions or department_scope(request.user).regions
            if supervisor_scope(request.user).everything:
                roots = list(Region.objects.filter(level=1))
            regions = []
            for root in roots[:20]:
                regions.append(root)
                regions.extend(Region.objects.filter(parent=root).order_by("code")[:50])
        rows = [
            {
                "region": region.code,
                "region_name": str(region),
                "defined_at": ladder.region.code if ladder.region else None,
                "steps": [
                    {"days_after": d, "target": t, "target_display": selectors.target_label(t)}
                    for d, t in ladder.steps
                ],
            }
            for region, ladder in selectors.ladders_overview(regions)
        ]
        return Response(EscalationLadderSerializer(rows, many=True).data)


router = DefaultRouter()
router.include_root_view = False
router.register("notices", NoticeViewSet, basename="supervision-notice")
router.register("escalations", EscalationViewSet, basename="supervision-escalation")
router.register("cards", CardViewSet, basename="supervision-card")
router.register("ladders", LadderViewSet, basename="supervision-ladder")

urlpatterns: list[URLPattern | URLResolver] = [path("", include(router.urls))]
