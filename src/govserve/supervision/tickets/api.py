"""Tickets REST API, under /api/tickets/.

Citizens and staff (session or a bearer token with "supervision.read"/"supervision.write"):
``GET /`` (own tickets; staff: those they handle or supervise), ``POST /`` (file; anonymous
callers give a phone; multipart ``attachments`` files; ``Idempotency-Key``), ``GET {id}/``
(with the timeline), ``POST {id}/{action}/`` (assign, accept, transfer, return, reply —
staff; confirm, reopen, visit — the filer; visit, close — dispatchers), ``GET public/``
(handled tickets, anonymised; no sign-in).

The 12345 hotline (a client-credentials token with "tickets.write", no person behind it; the
client system is recorded as the channel actor): ``POST hotline/`` (file; answers the ticket
number for the caller), ``GET hotline/{number}/``, ``POST hotline/{number}/{action}/``
(confirm, reopen, visit, close, note).

Thin: refusals are TicketError → ``{field: [message]}`` with their status (api.errors).
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from govserve.accounts.masking import mask_mobile
from govserve.cases.models import Case
from govserve.catalog.models import ImplementationItem
from govserve.core.parsers import FormParser, JSONParser, MultiPartParser
from govserve.regions.models import Department, Region, ServiceHall

from . import selectors, services
from .models import CONTENT_MAX_LENGTH, TEXT_MAX_LENGTH, Ticket, TicketKind

TAGS = ["投诉建议（12345）"]
IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="同一调用方以同一键重试返回同一工单（200）；键用于不同内容时返回 409",
)


# -- serializers ------------------------------------------------------------------------------
class TicketDepartmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class TicketEventSerializer(serializers.Serializer):
    action = serializers.CharField()
    action_label = serializers.CharField(source="get_action_display")
    at = serializers.DateTimeField()
    actor = serializers.CharField(source="actor_label")
    from_department = TicketDepartmentRefSerializer(allow_null=True)
    to_department = TicketDepartmentRefSerializer(allow_null=True)
    reason = serializers.CharField()
    text = serializers.CharField()


class TicketAttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()


class TicketSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    kind = serializers.ChoiceField(choices=TicketKind.choices)
    kind_label = serializers.CharField(source="get_kind_display")
    channel = serializers.CharField()
    title = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    region = serializers.CharField(source="region.code")
    department = TicketDepartmentRefSerializer(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    warning = serializers.SerializerMethodField()
    reopen_count = serializers.IntegerField()
    returned_once = serializers.BooleanField()
    satisfaction = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()

    def get_warning(self, ticket: Ticket) -> str:
        """ "red" overdue, "yellow" due soon, "" otherwise."""
        return selectors.warning(ticket)


class TicketDetailSerializer(TicketSerializer):
    content = serializers.CharField()
    reply = serializers.CharField()
    replied_at = serializers.DateTimeField(allow_null=True)
    replied_on_time = serializers.BooleanField(allow_null=True)
    phone = serializers.SerializerMethodField()
    anonymous = serializers.BooleanField()
    case = serializers.IntegerField(source="case_id", allow_null=True)
    item = serializers.IntegerField(source="item_id", allow_null=True)
    events = TicketEventSerializer(many=True, source="event_list")
    attachments = TicketAttachmentSerializer(many=True, source="attachment_list")

    def get_phone(self, ticket: Ticket) -> str:
        """The contact phone, masked (138****5678)."""
        return mask_mobile(ticket.phone)


class PublicTicketSerializer(serializers.Serializer):
    kind = serializers.CharField()
    department = serializers.CharField()
    title = serializers.CharField()
    content = serializers.CharField()
    reply = serializers.CharField()
    created_on = serializers.DateField()
    replied_on = serializers.DateField(allow_null=True)
    satisfaction = serializers.IntegerField(allow_null=True)


class TicketFileSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=TicketKind.choices)
    title = serializers.CharField(max_length=100)
    content = serializers.CharField(max_length=CONTENT_MAX_LENGTH)
    region = serializers.CharField(
        max_length=12, required=False, help_text="区划代码（6 或 12 位）；有关联办件、事项时可不填"
    )
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    case = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    item = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    about_department = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    hall = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    public = serializers.BooleanField(required=False, default=True)
    idempotency_key = serializers.CharField(max_length=100, required=False, allow_blank=True)
    attachments = serializers.ListField(
        child=serializers.FileField(), required=False, help_text="multipart 时的附件（最多 5 个）"
    )


class TicketActionSerializer(serializers.Serializer):
    department = serializers.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, help_text="assign、transfer：部门编号"
    )
    reason = serializers.CharField(
        max_length=TEXT_MAX_LENGTH,
        required=False,
        allow_blank=True,
        help_text="transfer、return、reopen",
    )
    text = serializers.CharField(
        max_length=CONTENT_MAX_LENGTH, required=False, allow_blank=True, help_text="reply、note"
    )
    satisfaction = serializers.IntegerField(
        required=False, min_value=1, max_value=5, help_text="visit：1 非常不满意 … 5 非常满意"
    )
    note = serializers.CharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True)


# -- helpers ----------------------------------------------------------------------------------
def _detail(ticket: Ticket) -> dict:
    ticket.event_list = selectors.events(ticket)  # type: ignore[attr-defined]
    ticket.attachment_list = list(ticket.attachments.all())  # type: ignore[attr-defined]
    return TicketDetailSerializer(ticket).data


def _lookup(model, pk, field: str):
    if pk is None:
        return None
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: [_("所选记录不存在")]})
    return found


def _region(code: str | None) -> Region | None:
    if not code:
        return None
    code = code.strip()
    found = Region.objects.filter(code=code.ljust(12, "0")).first()
    if found is None:
        raise ValidationError({"region": [_("区划代码不存在")]})
    return found


def _file(request: Request, caller: services.Caller, channel: str = "") -> Response:
    ser = TicketFileSerializer(data=request.data)
    ser.is_valid(raise_exception=True)
    data = ser.validated_data
    key = (
        request.headers.get("Idempotency-Key") or data.get("idempotency_key") or ""
    ).strip() or None
    ticket, created = services.file_ticket(
        caller,
        kind=data["kind"],
        title=data["title"],
        content=data["content"],
        region=_region(data.get("region")),
        phone=data.get("phone", ""),
        name=data.get("name", ""),
        case=_lookup(Case, data.get("case"), "case"),
        item=_lookup(ImplementationItem, data.get("item"), "item"),
        about_department=_lookup(Department, data.get("about_department"), "about_department"),
        hall=_lookup(ServiceHall, data.get("hall"), "hall"),
        public=data.get("public", True),
        uploads=request.FILES.getlist("attachments") if request.FILES else [],
        channel=channel,
        idempotency_key=key,
    )
    return Response(_detail(ticket), status=status.HTTP_201_CREATED if created else 200)


FILER_ACTIONS = {"confirm", "reopen", "visit"}
STAFF_ACTIONS = {"assign", "accept", "transfer", "return", "reply", "visit", "close"}
HOTLINE_ACTIONS = {"confirm", "reopen", "visit", "close", "note"}


def _act(caller: services.Caller, ticket: Ticket, action: str, data: dict) -> Ticket:
    def department() -> Department:
        if not data.get("department"):
            raise ValidationError({"department": [_("请选择部门")]})
        return _lookup(Department, data["department"], "department")

    if action == "assign":
        return services.assign(caller, ticket, department(), data.get("reason", ""))
    if action == "accept":
        return services.accept(caller, ticket)
    if action == "transfer":
        return services.transfer(caller, ticket, department(), data.get("reason", ""))
    if action == "return":
        return services.return_ticket(caller, ticket, data.get("reason", ""))
    if action == "reply":
        return services.reply(caller, ticket, data.get("text", ""))
    if action == "confirm":
        return services.confirm(caller, ticket, data.get("note", ""))
    if action == "reopen":
        return services.reopen(caller, ticket, data.get("reason", ""))
    if action == "visit":
        if data.get("satisfaction") is None:
            raise ValidationError({"satisfaction": [_("请选择 1 到 5 级满意度")]})
        return services.visit(caller, ticket, data["satisfaction"], data.get("note", ""))
    if action == "close":
        return services.close(caller, ticket, data.get("note", ""))
    return services.add_note(caller, ticket, data.get("text", ""))


# -- citizens and staff -----------------------------------------------------------------------
class TicketListView(generics.ListAPIView):
    permission_classes = [AllowAny]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    queryset = Ticket.objects.none()
    serializer_class = TicketSerializer

    def get_permissions(self):
        if self.request.method == "GET":
            return [IsAuthenticated()]
        return [AllowAny()]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Ticket.objects.none()
        qs = selectors.visible_tickets(self.request.user)
        state = self.request.query_params.get("state")
        if state:
            qs = qs.filter(state=state)
        return qs.order_by("-created_at", "-pk")

    @extend_schema(
        summary="我的工单（工作人员：本部门承办和监察范围内的工单）",
        parameters=[OpenApiParameter("state", str, description="按状态筛选")],
        tags=TAGS,
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="提交咨询、建议、投诉或举报（匿名须留手机号码；multipart 可附文件；幂等键）",
        request={
            "application/json": TicketFileSerializer,
            "multipart/form-data": TicketFileSerializer,
        },
        parameters=[IDEMPOTENCY_HEADER],
        responses={201: TicketDetailSerializer, 200: TicketDetailSerializer},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        return _file(request, services.Caller(user=request.user), channel="api")


def _visible(request: Request, pk: int) -> Ticket:
    if pk > 2**31 - 1:  # past what an id column holds: no such ticket
        raise NotFound(_("工单不存在"))
    ticket = selectors.visible_tickets(request.user).filter(pk=pk).first()
    if ticket is None:
        raise NotFound(_("工单不存在"))
    return ticket


class TicketDetailView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    queryset = Ticket.objects.none()
    serializer_class = TicketDetailSerializer

    @extend_schema(summary="工单详情与办理过程", responses=TicketDetailSerializer, tags=TAGS)
    def get(self, request: Request, pk: int) -> Response:
        return Response(_detail(_visible(request, pk)))


class TicketActionView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    queryset = Ticket.objects.none()
    serializer_class = TicketActionSerializer

    @extend_schema(
        summary="办理工单：assign 派单、accept 签收、transfer 转办、return 退回、reply 答复、"
        "confirm 确认、reopen 重办、visit 回访评价、close 办结",
        operation_id="tickets_act",
        parameters=[
            OpenApiParameter(
                "action", str, OpenApiParameter.PATH, enum=sorted(FILER_ACTIONS | STAFF_ACTIONS)
            )
        ],
        request=TicketActionSerializer,
        responses=TicketDetailSerializer,
        tags=TAGS,
    )
    def post(self, request: Request, pk: int, action: str) -> Response:
        if action not in FILER_ACTIONS | STAFF_ACTIONS:
            raise NotFound(_("没有此操作"))
        ticket = _visible(request, pk)
        ser = TicketActionSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        ticket = _act(services.Caller(user=request.user), ticket, action, ser.validated_data)
        return Response(_detail(ticket))


class PublicTicketsView(generics.ListAPIView):
    permission_classes = [AllowAny]
    required_scopes: list[str] = []
    queryset = Ticket.objects.none()
    serializer_class = PublicTicketSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Ticket.objects.none()
        department = self.request.query_params.get("department", "")
        if department and not (department.isdigit() and len(department) < 10):
            return Ticket.objects.none()  # no department has such an id
        department_id = int(department) if department else None
        return selectors.public_tickets(department_id)

    @extend_schema(
        summary="公开的已办结工单（匿名化，按部门）",
        parameters=[OpenApiParameter("department", int, description="部门编号")],
        tags=TAGS,
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(
            PublicTicketSerializer(selectors.public_entries(page or []), many=True).data
        )


# -- the 12345 hotline ------------------------------------------------------------------------
class HotlineClient(BasePermission):
    """A client-credentials token (an application, no user): the 12345 hotline system."""

    message = "仅限以客户端凭证接入的 12345 热线系统"

    def has_permission(self, request, view) -> bool:
        token = request.auth
        return (
            token is not None
            and getattr(token, "application", None) is not None
            and getattr(token, "user_id", 1) is None
        )


def _hotline_caller(request: Request) -> services.Caller:
    return services.Caller(application=getattr(request.auth, "application", None))


class HotlineView(generics.GenericAPIView):
    permission_classes = [HotlineClient]
    required_scopes = ["tickets.write"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    queryset = Ticket.objects.none()
    serializer_class = TicketFileSerializer

    @extend_schema(
        summary="12345 热线登记工单（客户端凭证；返回工单编号告知来电人；幂等键）",
        request={
            "application/json": TicketFileSerializer,
            "multipart/form-data": TicketFileSerializer,
        },
        parameters=[IDEMPOTENCY_HEADER],
        responses={201: TicketDetailSerializer, 200: TicketDetailSerializer},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        return _file(request, _hotline_caller(request), channel="hotline")


class HotlineTicketView(generics.GenericAPIView):
    permission_classes = [HotlineClient]
    required_scopes = ["tickets.write"]
    queryset = Ticket.objects.none()
    serializer_class = TicketDetailSerializer

    @extend_schema(summary="12345 热线查询工单进度", responses=TicketDetailSerializer, tags=TAGS)
    def get(self, request: Request, number: str) -> Response:
        return Response(_detail(get_object_or_404(Ticket, number=number)))


class HotlineActionView(generics.GenericAPIView):
    permission_classes = [HotlineClient]
    required_scopes = ["tickets.write"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    queryset = Ticket.objects.none()
    serializer_class = TicketActionSerializer

    @extend_schema(
        summary="12345 热线更新工单：confirm 来电人确认、reopen 重办、visit 回访评价、close 办结、"
        "note 补充来电内容",
        operation_id="tickets_hotline_act",
        parameters=[
            OpenApiParameter("action", str, OpenApiParameter.PATH, enum=sorted(HOTLINE_ACTIONS))
        ],
        request=TicketActionSerializer,
        responses=TicketDetailSerializer,
        tags=TAGS,
    )
    def post(self, request: Request, number: str, action: str) -> Response:
        if action not in HOTLINE_ACTIONS:
            raise NotFound(_("没有此操作"))
        ticket = get_object_or_404(Ticket, number=number)
        ser = TicketActionSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        ticket = _act(_hotline_caller(request), ticket, action, ser.validated_data)
        return Response(_detail(ticket))


urlpatterns: list[URLPattern | URLResolver] = [
    path("", TicketListView.as_view(), name="ticket-list"),
    path("public/", PublicTicketsView.as_view(), name="ticket-public"),
    path("hotline/", HotlineView.as_view(), name="ticket-hotline"),
    path("hotline/<str:number>/", HotlineTicketView.as_view(), name="ticket-hotline-detail"),
    path(
        "hotline/<str:number>/<str:action>/",
        HotlineActionView.as_view(),
        name="ticket-hotline-action",
    ),
    path("<int:pk>/", TicketDetailView.as_view(), name="ticket-detail"),
    path("<int:pk>/<str:action>/", TicketActionView.as_view(), name="ticket-action"),
]
