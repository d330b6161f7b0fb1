"""Process definitions (流程定义), one process instance per case, and the task projection the
inbox reads.

The SpiffWorkflow state of a case is stored as JSON in `ProcessInstance.state`; what the inbox
and the deadline queries need (who may act, which department and region, the due date) is
copied into indexed columns of `Task`, one row per user task that became ready.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govserve.cases.models import Case, CaseItem
from govserve.catalog.models import ImplementationItem
from govserve.regions.models import Department, Region


class ProcessKind(models.TextChoices):
    SINGLE = "single", _("单事项流程")
    BUNDLE = "bundle", _("一件事联合审批流程")


class ProcessDefinition(models.Model):
    """流程定义: one version of a BPMN 2.0 process. Versions are never edited: a change is a new
    version (max + 1 per key), and a running case keeps the version it started with."""

    key = models.SlugField(_("流程标识"), max_length=80)
    version = models.PositiveIntegerField(_("版本"))
    name = models.CharField(_("流程名称"), max_length=200)
    kind = models.CharField(
        _("类型"), max_length=10, choices=ProcessKind.choices, default=ProcessKind.SINGLE
    )
    item = models.ForeignKey(
        ImplementationItem,
        verbose_name=_("事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="process_definitions",
        help_text=_("事项专用流程；为空时为默认模板"),
    )
    process_id = models.CharField(_("BPMN 流程 ID"), max_length=200)
    bpmn_xml = models.TextField(_("BPMN XML"))
    active = models.BooleanField(
        _("启用"), default=True, help_text=_("新受理的办件使用已启用的最新版本")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("流程定义")
        verbose_name_plural = _("流程定义")
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="process_key_version_once")
        ]
        indexes = [models.Index(fields=["item", "kind", "active", "-version"], name="process_item")]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class InstanceStatus(models.TextChoices):
    RUNNING = "running", _("运行中")
    COMPLETED = "completed", _("已完成")
    CANCELLED = "cancelled", _("已终止")


class ProcessInstance(models.Model):
    """流程实例: the running process of one case, in the version it started with."""

    case = models.OneToOneField(
        Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="process"
    )
    definition = models.ForeignKey(
        ProcessDefinition,
        verbose_name=_("流程定义（版本）"),
        on_delete=models.PROTECT,
        related_name="instances",
    )
    state = models.TextField(_("流程状态（SpiffWorkflow 序列化）"))
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=InstanceStatus.choices,
        default=InstanceStatus.RUNNING,
        db_index=True,
    )
    started_at = models.DateTimeField(_("启动时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # Optimistic lock: every save is `UPDATE … WHERE version = <read version>`.
    version = models.PositiveIntegerField(_("版本计数"), default=1)

    class Meta:
        verbose_name = _("流程实例")
        verbose_name_plural = _("流程实例")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.case} · {self.definition}"


class TaskRole(models.TextChoices):
    REVIEWER = "reviewer", _("审查人员")
    APPROVER = "approver", _("审批负责人")
    CLERK = "clerk", _("综合窗口受理人员")


class TaskState(models.TextChoices):
    OPEN = "open", _("待认领")
    CLAIMED = "claimed", _("已认领")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


OPEN_TASK_STATES = (TaskState.OPEN, TaskState.CLAIMED)


class Outcome(models.TextChoices):
    """What a person answers on a task (the process's gateways read it as `outcome`)."""

    APPROVE = "approve", _("同意（准予）")
    DENY = "deny", _("不同意（不予）")
    RETURN = "return", _("退回")
    RESUBMIT = "resubmit", _("核实后重新提交审查")
    DELIVER = "deliver", _("已送达")


class Task(models.Model):
    """审批任务: one ready user task of a process, as the inbox lists it."""

    instance = models.ForeignKey(
        ProcessInstance, verbose_name=_("流程实例"), on_delete=models.CASCADE, related_name="tasks"
    )
    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="workflow_tasks"
    )
    spiff_task_id = models.CharField(_("引擎任务 ID"), max_length=36)
    spec_name = models.CharField(_("环节标识"), max_length=200)
    label = models.CharField(_("环节"), max_length=200)
    role = models.CharField(_("办理角色"), max_length=10, choices=TaskRole.choices)
    outcomes = models.CharField(
        _("可选结论"), max_length=200, help_text=_("逗号分隔，如 approve,deny,return")
    )
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+"
    )
    case_item = models.ForeignKey(
        CaseItem,
        verbose_name=_("办件事项"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    due = models.DateField(_("期限"), null=True, blank=True)
    green_channel = models.BooleanField(_("绿色通道"), default=False)
    state = models.CharField(
        _("状态"), max_length=10, choices=TaskState.choices, default=TaskState.OPEN
    )
    created_at = models.DateTimeField(_("到达时间"), auto_now_add=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("认领人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    claimed_at = models.DateTimeField(_("认领时间"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    completed_at = models.DateTimeField(_("办理时间"), null=True, blank=True)
    outcome = models.CharField(_("结论"), max_length=10, choices=Outcome.choices, blank=True)
    reasons = models.TextField(_("意见或理由"), blank=True)

    class Meta:
        verbose_name = _("审批任务")
        verbose_name_plural = _("审批任务")
        ordering = ["-green_channel", "due", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["instance", "spiff_task_id"], name="workflow_task_once"
            ),
        ]
        indexes = [
            # The inbox: open tasks of a department (or a region), by due date.
            models.Index(fields=["department", "state", "due"], name="wf_task_dept_due"),
            models.Index(fields=["region", "state", "due"], name="wf_task_region_due"),
            models.Index(fields=["case", "state"], name="wf_task_case"),
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.label}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_TASK_STATES

    @property
    def outcome_list(self) -> list[str]:
        return [o for o in self.outcomes.split(",") if o]
