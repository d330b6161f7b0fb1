"""Escalation ladders, escalation records, 督办 notices and red/yellow cards (红黄牌).

- `EscalationLadder` / `EscalationStep`: per region, inherited by its subtree (the nearest
  ancestor's ladder applies; none: settings.GOVSERVE["ESCALATION_LADDER"]).
- `Escalation`: one step of the ladder reached by one piece of late work in one stage, recorded
  once (unique kind, key, step).
- `SupervisionNotice` (督办) with its `NoticeEvent` history.
- `EfficiencyCard` (红黄牌): a red card per stage that went overdue, a yellow card per case
  stage that became due soon, per department, person and month.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govserve.cases.models import Case
from govserve.catalog.models import ImplementationItem
from govserve.regions.models import Department, Region


class Target(models.TextChoices):
    HANDLER = "handler", _("经办人员")
    DEPARTMENT_HEAD = "department_head", _("部门审批负责人")
    SUPERVISOR = "supervisor", _("本级监察人员")
    SUPERVISOR_ABOVE = "supervisor_above", _("上一级监察人员")


class EscalationLadder(models.Model):
    """升级规则: the steps late work climbs in a region and (unless a lower region has its own)
    in its whole subtree."""

    region = models.OneToOneField(
        Region, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("超期升级规则")
        verbose_name_plural = _("超期升级规则")
        ordering = ["region__code"]

    def __str__(self) -> str:
        return str(self.region)


class EscalationStep(models.Model):
    ladder = models.ForeignKey(
        EscalationLadder, verbose_name=_("升级规则"), on_delete=models.CASCADE, related_name="steps"
    )
    days_after = models.PositiveSmallIntegerField(
        _("超期工作日"), help_text=_("期限届满后第几个工作日起（0：一超期即升级）")
    )
    target = models.CharField(_("通知对象"), max_length=20, choices=Target.choices)

    class Meta:
        verbose_name = _("升级步骤")
        verbose_name_plural = _("升级步骤")
        ordering = ["ladder", "days_after", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["ladder", "days_after", "target"], name="escalation_step_once"
            )
        ]

    def __str__(self) -> str:
        return f"+{self.days_after} → {self.get_target_display()}"


class Escalation(models.Model):
    """超期升级记录: step `step` of the ladder reached by the work `key` (which names its stage)."""

    kind = models.CharField(_("来源"), max_length=30)
    key = models.CharField(_("事项标识"), max_length=100)
    object_id = models.BigIntegerField(_("对象编号"))
    case = models.ForeignKey(
        Case,
        verbose_name=_("办件"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    step = models.PositiveSmallIntegerField(_("升级步骤"))
    target = models.CharField(_("通知对象"), max_length=20, choices=Target.choices)
    title = models.CharField(_("事项"), max_length=300)
    url = models.CharField(_("办理地址"), max_length=300, blank=True)
    due = models.DateField(_("期限"))
    days_late = models.PositiveIntegerField(_("超期工作日"))
    recipients = models.PositiveIntegerField(_("通知人数"), default=0)
    at = models.DateTimeField(_("升级时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("超期升级记录")
        verbose_name_plural = _("超期升级记录")
        ordering = ["-at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key", "step"], name="escalation_step_once_per_stage"
            )
        ]
        indexes = [models.Index(fields=["case", "at"], name="escalation_case")]

    def __str__(self) -> str:
        return f"{self.key} #{self.step} → {self.get_target_display()}"


class NoticeState(models.TextChoices):
    OPEN = "open", _("待回复")
    REPLIED = "replied", _("已回复待审核")
    CLOSED = "closed", _("已办结")


class SupervisionNotice(models.Model):
    """督办通知: a supervisor tells a department to act on a case or an item and to reply
    within a number of working days."""

    number = models.CharField(_("督办编号"), max_length=40, unique=True)
    region = models.ForeignKey(
        Region, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("被督办部门"), on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        Case,
        verbose_name=_("办件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    item = models.ForeignKey(
        ImplementationItem,
        verbose_name=_("事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject = models.CharField(_("督办事由"), max_length=200)
    body = models.TextField(_("督办内容"), max_length=4000)
    reply_days = models.PositiveSmallIntegerField(_("回复时限（工作日）"))
    issued_on = models.DateField(_("督办日期"))
    due = models.DateField(_("回复期限"))
    state = models.CharField(
        _("状态"), max_length=10, choices=NoticeState.choices, default=NoticeState.OPEN
    )
    # 退回重新回复 starts a new round with a new deadline (and a new escalation stage).
    round = models.PositiveSmallIntegerField(_("回复轮次"), default=1)
    reply_text = models.TextField(_("回复内容"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("回复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    replied_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    first_replied_on = models.DateField(_("首次回复日期"), null=True, blank=True)
    # Whether the first reply came within the first deadline (the statistics' on-time rate).
    first_reply_on_time = models.BooleanField(_("首次回复按期"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("督办人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    idempotency_key = models.CharField(_("幂等键"), max_length=100, blank=True)
    request_hash = models.CharField(_("请求摘要"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("督办通知")
        verbose_name_plural = _("督办通知")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["issued_by", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="notice_idempotency_once",
            )
        ]
        indexes = [
            models.Index(fields=["state", "due"], name="notice_state_due"),
            models.Index(fields=["department", "state"], name="notice_department"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def escalation_key(self) -> str:
        return f"notice:{self.pk}:{self.round}"


class NoticeEvent(models.Model):
    """One line of a notice's history (issued, replied, returned, accepted)."""

    class Action(models.TextChoices):
        ISSUED = "issued", _("发出督办")
        REPLIED = "replied", _("部门回复")
        RETURNED = "returned", _("退回重新回复")
        ACCEPTED = "accepted", _("审核通过并办结")

    notice = models.ForeignKey(
        SupervisionNotice,
        verbose_name=_("督办通知"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    action = models.CharField(_("动作"), max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("内容"), blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("督办记录")
        verbose_name_plural = _("督办记录")
        ordering = ["notice", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.notice} {self.get_action_display()}"


class CardLevel(models.TextChoices):
    YELLOW = "yellow", _("黄牌")
    RED = "red", _("红牌")


class EfficiencyCard(models.Model):
    """红黄牌 (效能记录): one per piece of work and stage — red when it went overdue, yellow when
    a case stage became due soon — for the department and, where known, the person handling it."""

    level = models.CharField(_("级别"), max_length=6, choices=CardLevel.choices)
    kind = models.CharField(_("来源"), max_length=30)
    key = models.CharField(_("事项标识"), max_length=100)
    region = models.ForeignKey(
        Region, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    month = models.DateField(_("月份"), help_text=_("该月第一天"))
    case = models.ForeignKey(
        Case,
        verbose_name=_("办件"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    stage = models.CharField(_("办理阶段"), max_length=12, blank=True)
    due = models.DateField(_("期限"))
    reason = models.CharField(_("原因"), max_length=300)
    at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("红黄牌")
        verbose_name_plural = _("红黄牌")
        ordering = ["-month", "-at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["level", "key"], name="efficiency_card_once")
        ]
        indexes = [
            models.Index(fields=["month", "department"], name="card_month_department"),
            models.Index(fields=["case", "stage", "level"], name="card_case_stage"),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.department} {self.month:%Y-%m}"
