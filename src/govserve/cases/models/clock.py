"""The clock of a case: suspensions (Art 45), the extension (Art 42), due-date recomputations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govserve.regions.models import Department

from .case import Case


class SuspensionReason(models.TextChoices):
    """Art 45: periods not counted in the time limit."""

    HEARING = "hearing", _("听证")
    TENDERING = "tendering", _("招标")
    AUCTION = "auction", _("拍卖")
    INSPECTION = "inspection", _("现场检查")
    TESTING = "testing", _("检验检测")
    QUARANTINE = "quarantine", _("检疫")
    APPRAISAL = "appraisal", _("鉴定")
    EXPERT_REVIEW = "expert_review", _("专家评审")


class ClockSuspension(models.Model):
    """暂停计时: a period the time limit does not count (Art 45);
    the applicant is told in writing."""

    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="suspensions"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("申请部门"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("法定事由"), max_length=20, choices=SuspensionReason.choices)
    explanation = models.TextField(_("情况说明"))
    starts_on = models.DateField(_("开始日期"))
    expected_end = models.DateField(_("预计结束日期"))
    ends_on = models.DateField(_("实际恢复日期"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("恢复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("暂停计时")
        verbose_name_plural = _("暂停计时")
        ordering = ["case", "starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expected_end__gte=models.F("starts_on")),
                name="suspension_expected_after_start",
            ),
            # At most one open suspension per case.
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(ends_on__isnull=True),
                name="suspension_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.get_reason_display()} {self.starts_on}"


class Extension(models.Model):
    """延期: once per case, approved by the department head,
    reasons told to the applicant (Art 42)."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("待批准")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("未批准")

    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="extensions"
    )
    days = models.PositiveIntegerField(_("延长工作日"))
    reasons = models.TextField(_("延期理由"))
    state = models.CharField(
        _("状态"), max_length=10, choices=State.choices, default=State.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批准人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("批准时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("延期")
        verbose_name_plural = _("延期")
        constraints = [
            # Once: a case has at most one extension that is pending or approved.
            models.UniqueConstraint(
                fields=["case"], condition=~models.Q(state="rejected"), name="extension_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} +{self.days}"


class DeadlineRecord(models.Model):
    """期限变更记录: each (re)computation of a case's due dates and what caused it."""

    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="deadline_records"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    cause = models.CharField(_("原因"), max_length=200)
    acceptance_due = models.DateField(_("受理期限"), null=True, blank=True)
    statutory_due = models.DateField(_("法定办结期限"), null=True, blank=True)
    promised_due = models.DateField(_("承诺办结期限"), null=True, blank=True)
    delivery_due = models.DateField(_("送达期限"), null=True, blank=True)
    provisional = models.BooleanField(_("暂定"), default=False)

    class Meta:
        verbose_name = _("期限变更记录")
        verbose_name_plural = _("期限变更记录")
        ordering = ["case", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.case} {self.cause}"
