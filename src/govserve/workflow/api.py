"""Workflow REST API: the inbox (`/api/workflow/tasks/`), claiming and completing a task, and
process definitions (`/api/workflow/processes/`: list, read, upload a new version).

Thin: the services decide; a refusal comes back as `{field: [message]}` with its 4xx status
(409 “任务已由他人处理” when someone else completed the task first). Bearer tokens need the
scope `workflow.read` to read and `workflow.write` to act (accounts.oidc.API_SCOPES).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from govserve.accounts.security import is_staff_account
from govserve.catalog.models import ImplementationItem
from govserve.core.errors import Refused
from govserve.core.params import integer_param

from . import selectors, services
from .models import OPEN_TASK_STATES, Outcome, ProcessDefinition, Task, TaskRole


class IsStaff(BasePermission):
    message = gettext_lazy("仅工作人员可以使用审批任务接口")

    def has_permission(self, request, view) -> bool:
        return is_staff_account(request.user)


class RefusedMixin:
    """Refusals of the services as 4xx answers with field-level messages."""

    def handle_exception(self, exc):
        if isinstance(exc, Refused):
            return Response({exc.field: [exc.message]}, status=exc.status)
        if isinstance(exc, DjangoValidationError):
            detail = (
                exc.message_dict
                if hasattr(exc, "error_dict")
                else {"non_field_errors": exc.messages}
            )
            return Response(detail, status=status.HTTP_400_BAD_REQUEST)
        return super().handle_exception(exc)


# -- tasks -----------------------------------------------------------------------------------------
class TaskSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)
    case_title = serializers.CharField(source="case.title", read_only=True)
    applicant_name = serializers.CharField(source="case.applicant_name", read_only=True)
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    region = serializers.CharField(source="region.code", read_only=True)
    item_name = serializers.SerializerMethodField()
    clock_stopped = serializers.BooleanField(source="case.clock_stopped", read_only=True)
    claimed_by = serializers.CharField(source="claimed_by.username", default=None, read_only=True)
    completed_by = serializers.CharField(
        source="completed_by.username", default=None, read_only=True
    )
    outcomes = serializers.ListField(
        source="outcome_list", child=serializers.CharField(), read_only=True
    )
    mark = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = [
            "id",
            "case",
            "case_number",
            "case_title",
            "applicant_name",
            "label",
            "spec_name",
            "role",
            "role_display",
            "department",
            "department_name",
            "region",
            "case_item",
            "item_name",
            "due",
            "green_channel",
            "clock_stopped",
            "mark",
            "state",
            "state_display",
            "outcomes",
            "claimed_by",
            "claimed_at",
            "completed_by",
            "completed_at",
            "outcome",
            "reasons",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_item_name(self, task: Task) -> str:
        return task.case_item.item.name if task.case_item is not None else task.case.title

    @extend_schema_field(serializers.ChoiceField(choices=["overdue", "due_soon", "suspended", ""]))
    def get_mark(self, task: Task) -> str:
        return selectors.mark(task)


class CompleteSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    reasons = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


@extend_schema_view(
    list=extend_schema(
        summary="待办任务（本部门、本区划，可办理的任务；绿色通道优先，按期限排序）",
        tags=["workflow"],
        parameters=[
            OpenApiParameter(
                "state", str, enum=list(OPEN_TASK_STATES), description="open 或 claimed"
            ),
            OpenApiParameter("mine", bool, description="只看本人认领的任务"),
            OpenApiParameter("role", str, enum=TaskRole.values, description="环节角色"),
            OpenApiParameter("green_channel", bool, description="绿色通道"),
            OpenApiParameter("overdue", bool, description="已超期（暂停计时的不算）"),
            OpenApiParameter("q", str, description="办件编号、事项名称或申请人"),
        ],
    ),
    retrieve=extend_schema(summary="任务详情", tags=["workflow"]),
    claim=extend_schema(
        request=None, responses={200: TaskSerializer}, summary="认领任务", tags=["workflow"]
    ),
    unclaim=extend_schema(
        request=None, responses={200: TaskSerializer}, summary="释放任务", tags=["workflow"]
    ),
    complete=extend_schema(
        request=CompleteSerializer,
        responses={200: TaskSerializer},
        summary="办理任务（同意、不同意须写理由、退回须写理由、核实后重新提交、已送达）",
        tags=["workflow"],
    ),
)
class TaskViewSet(
    RefusedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [IsAuthenticated, IsStaff]
    serializer_class = TaskSerializer
    queryset = Task.objects.none()  # the inbox is per user: see get_queryset
    filter_backends: list = []

    @staticmethod
    def _flag(value: str | None) -> bool | None:
        return {"true": True, "1": True, "false": False, "0": False}.get((value or "").lower())

    def get_queryset(self):
        p = self.request.query_params
        return selectors.inbox(
            self.request.user,
            state=p.get("state"),
            mine=self._flag(p.get("mine")) is True,
            role=p.get("role") if p.get("role") in TaskRole.values else None,
            green_channel=self._flag(p.get("green_channel")),
            overdue=self._flag(p.get("overdue")),
            q=(p.get("q") or "").strip()[:100],
        )

    def get_object(self) -> Task:
        task = selectors.visible_task(self.request.user, self.kwargs.get("pk"))
        if task is None:
            raise NotFound(_("任务不存在"))
        return task

    def _answer(self, task: Task) -> Response:
        return Response(TaskSerializer(selectors.visible_task(self.request.user, task.pk)).data)

    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        return self._answer(services.claim_task(self.get_object(), request.user))

    @action(detail=True, methods=["post"])
    def unclaim(self, request, pk=None):
        return self._answer(services.unclaim_task(self.get_object(), request.user))

    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        ser = CompleteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        task = services.complete_task(self.get_object(), request.user, **ser.validated_data)
        return Response(TaskSerializer(task).data)


# -- process definitions ---------------------------------------------------------------------------
class ProcessSerializer(serializers.ModelSerializer):
    item_name = serializers.CharField(source="item.name", default=None, read_only=True)
    uploaded_by = serializers.CharField(source="uploaded_by.username", default=None, read_only=True)

    class Meta:
        model = ProcessDefinition
        fields = [
            "id",
            "key",
            "version",
            "name",
            "kind",
            "item",
            "item_name",
            "process_id",
            "active",
            "uploaded_by",
            "uploaded_at",
        ]
        read_only_fields = fields


class ProcessDetailSerializer(ProcessSerializer):
    class Meta(ProcessSerializer.Meta):
        fields = [*ProcessSerializer.Meta.fields, "bpmn_xml"]
        read_only_fields = fields


class ProcessUploadSerializer(serializers.Serializer):
    item = serializers.PrimaryKeyRelatedField(
        queryset=ImplementationItem.objects.all(),
        required=False,
        allow_null=True,
        help_text=gettext_lazy("事项（事项专用流程）；为空时须给出默认模板的 key"),
    )
    key = serializers.ChoiceField(
        choices=list(services.DEFAULT_KEYS.values()),
        required=False,
        allow_blank=True,
        help_text=gettext_lazy("默认模板：default-single 或 default-bundle（仅超级管理员）"),
    )
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    bpmn_xml = serializers.CharField(
        help_text=gettext_lazy("BPMN 2.0 XML（人工环节须以扩展属性 role 指明办理角色）"),
        trim_whitespace=False,
    )


@extend_schema_view(
    list=extend_schema(
        summary="流程定义（各版本）",
        tags=["workflow"],
        parameters=[
            OpenApiParameter("item", int, description="事项 ID"),
            OpenApiParameter("key", str, description="流程标识"),
        ],
    ),
    retrieve=extend_schema(
        summary="流程定义（含 BPMN XML）",
        responses={200: ProcessDetailSerializer},
        tags=["workflow"],
    ),
    create=extend_schema(
        summary="上传流程新版本（事项目录管理员；上传时校验，运行中的办件仍用原版本）",
        request=ProcessUploadSerializer,
        responses={201: ProcessDetailSerializer},
        tags=["workflow"],
    ),
)
class ProcessViewSet(
    RefusedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [IsAuthenticated, IsStaff]
    serializer_class = ProcessSerializer
    queryset = ProcessDefinition.objects.select_related("item", "uploaded_by")
    filter_backends: list = []

    def get_serializer_class(self):
        return ProcessDetailSerializer if self.action == "retrieve" else ProcessSerializer

    def get_queryset(self):
        qs = super().get_queryset().order_by("key", "-version")
        p = self.request.query_params
        item = integer_param(p.get("item"), "item")  # 400 for a number no row can have
        if item is not None:
            qs = qs.filter(item_id=item)
        if p.get("key"):
            qs = qs.filter(key=p["key"])
        return qs

    def create(self, request, *args, **kwargs):
        ser = ProcessUploadSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        definition = services.upload_definition(
            request.user,
            bpmn_xml=data["bpmn_xml"],
            item=data.get("item"),
            key=data.get("key") or "",
            name=data.get("name") or "",
        )
        return Response(ProcessDetailSerializer(definition).data, status=status.HTTP_201_CREATED)
