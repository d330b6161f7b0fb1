"""The case (办件) itself, its states and its items, one per implementation item reviewed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govserve.catalog.models import Bundle, ImplementationItem
from govserve.regions.models import Department, Region, ServiceHall, ServiceWindow

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class CaseState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待受理")
    CORRECTION = "correction", _("待补正")
    IN_REVIEW = "in_review", _("审查中")
    DECIDED = "decided", _("已决定待送达")
    CLOSED = "closed", _("已办结")
    REFUSED = "refused", _("不予受理")
    WITHDRAWN = "withdrawn", _("已撤回")


# The deadline running in each state (stored as `Case.current_due`): field and name; keyed by
# the state's value (`Case.state` is a str).
CURRENT_DEADLINE: dict[str, tuple[str, StrOrPromise]] = {
    CaseState.SUBMITTED: ("acceptance_due", _("受理期限")),
    CaseState.IN_REVIEW: ("promised_due", _("承诺办结期限")),
    CaseState.DECIDED: ("delivery_due", _("送达期限")),
}
OPEN_STATES = (CaseState.SUBMITTED, CaseState.CORRECTION, CaseState.IN_REVIEW, CaseState.DECIDED)
# The open states whose deadline runs (`current_due`; CORRECTION waits for the applicant): the
# condition of the partial indexes case_running_dept_due / case_running_region_due.
RUNNING_STATES = (CaseState.SUBMITTED, CaseState.IN_REVIEW, CaseState.DECIDED)
# States in which the applicant may still withdraw (before the decision).
WITHDRAWABLE_STATES = (
    CaseState.DRAFT,
    CaseState.SUBMITTED,
    CaseState.CORRECTION,
    CaseState.IN_REVIEW,
)


class Channel(models.TextChoices):
    ONLINE = "online", _("网上申请")
    COUNTER = "counter", _("窗口受理")
    API = "api", _("部门系统接入")


class Outcome(models.TextChoices):
    APPROVED = "approved", _("准予")
    DENIED = "denied", _("不予")


class DeliveryMethod(models.TextChoices):
    PICKUP = "pickup", _("窗口领取")
    POST = "post", _("邮寄送达")
    ELECTRONIC = "electronic", _("电子送达")


class Case(models.Model):
    """办件: one application for one implementation item or one bundle (一件事)."""

    number = models.CharField(_("办件编号"), max_length=48, unique=True, null=True, blank=True)
    item = models.ForeignKey(
        ImplementationItem,
        verbose_name=_("事项"),
        on_delete=models.PROTECT,
        related_name="cases",
        help_text=_("单事项办件的事项；一件事办件为牵头事项"),
    )
    bundle = models.ForeignKey(
        Bundle,
        verbose_name=_("一件事"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    # No single-column indexes: case_dept_due / case_region_due lead with these columns, so
    # they serve every lookup by department or region and the deadline ranges as well.
    region = models.ForeignKey(
        Region,
        verbose_name=_("办理区划"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("牵头部门"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    title = models.CharField(_("申请事项"), max_length=300)

    # Who applies. `applicant` is the account that owns the case (the person, or the agent
    # acting for `organisation`); the snapshot fields are what the application says.
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人账户"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("申请单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    applicant_name = models.CharField(_("申请人名称"), max_length=200)
    applicant_id_number = models.CharField(_("申请人证件号码"), max_length=18)
    contact_mobile = models.CharField(_("联系电话"), max_length=11, blank=True)
    channel = models.CharField(
        _("申请渠道"), max_length=10, choices=Channel.choices, default=Channel.ONLINE
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("代填报窗口人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    hall = models.ForeignKey(
        ServiceHall,
        verbose_name=_("受理大厅"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    window = models.ForeignKey(
        ServiceWindow,
        verbose_name=_("受理窗口"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    form_data = models.JSONField(_("申请表内容"), default=dict, blank=True)
    delivery_method = models.CharField(
        _("送达方式"),
        max_length=12,
        choices=DeliveryMethod.choices,
        default=DeliveryMethod.ELECTRONIC,
    )
    delivery_address = models.CharField(_("邮寄地址"), max_length=300, blank=True)
    green_channel = models.BooleanField(_("绿色通道"), default=False, db_index=True)
    # 免提交: materials the platform attached itself from licences the applicant holds
    # (统计 "少交材料数").
    saved_materials = models.PositiveSmallIntegerField(_("免提交材料数"), default=0)

    state = models.CharField(
        _("状态"), max_length=12, choices=CaseState.choices, default=CaseState.DRAFT, db_index=True
    )
    outcome = models.CharField(_("办理结果"), max_length=10, choices=Outcome.choices, blank=True)
    decision_reasons = models.TextField(_("决定理由"), blank=True)

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    received_on = models.DateField(_("材料接收日期"), null=True, blank=True)
    acceptance_due = models.DateField(_("受理期限"), null=True, blank=True, db_index=True)
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    deemed_accepted = models.BooleanField(_("逾期视为受理"), default=False)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    delivery_due = models.DateField(_("送达期限"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    # Limits copied from the catalog at submission: a later catalog change does not move them.
    statutory_limit_days = models.PositiveIntegerField(
        _("法定时限（工作日）"), null=True, blank=True
    )
    promised_limit_days = models.PositiveIntegerField(
        _("承诺时限（工作日）"), null=True, blank=True
    )
    max_extension_days = models.PositiveIntegerField(_("可延长工作日"), default=10)
    extension_days = models.PositiveIntegerField(_("已延长工作日"), default=0)
    statutory_due = models.DateField(_("法定办结期限"), null=True, blank=True)
    promised_due = models.DateField(_("承诺办结期限"), null=True, blank=True)
    # The date the inbox and overdue lists use: the acceptance deadline before acceptance, the
    # promised decision deadline during review, the delivery deadline after the decision.
    current_due = models.DateField(_("当前期限"), null=True, blank=True)
    due_provisional = models.BooleanField(_("期限为暂定"), default=False)
    clock_stopped = models.BooleanField(_("暂停计时中"), default=False)
    visits_count = models.PositiveSmallIntegerField(_("到现场次数"), default=0)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("办件")
        verbose_name_plural = _("办件")
        ordering = ["-created_at"]
        indexes = [
            # "What is overdue / due soon here": one range scan per department and region.
            models.Index(fields=["department", "state", "current_due"], name="case_dept_due"),
            models.Index(fields=["region", "state", "current_due"], name="case_region_due"),
            models.Index(fields=["applicant", "-created_at"], name="case_applicant_recent"),
            # The supervisor's workbench (supervision.selectors): the open cases whose clock
            # runs, by department or region and due date — an overdue or due-soon page is an
            # ordered range scan that stops after 50 rows, a count an index-only scan
            # (docs/performance.md). The condition is RUNNING_STATES below, word for word.
            models.Index(
                fields=["department", "current_due", "id"],
                condition=models.Q(
                    state__in=["submitted", "in_review", "decided"], clock_stopped=False
                ),
                name="case_running_dept_due",
            ),
            models.Index(
                fields=["region", "current_due", "id"],
                condition=models.Q(
                    state__in=["submitted", "in_review", "decided"], clock_stopped=False
                ),
                name="case_running_region_due",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"{_('草稿')} #{self.pk}"

    @property
    def is_bundle(self) -> bool:
        return self.bundle_id is not None

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class CaseItem(models.Model):
    """One item inside a case, reviewed by its own department
    (one per item; a bundle has several)."""

    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="case_items"
    )
    item = models.ForeignKey(
        ImplementationItem, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("办理部门"), on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("审查结论"), max_length=10, choices=Outcome.choices, blank=True)
    reasons = models.TextField(_("理由"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审查人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审查时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("办件事项")
        verbose_name_plural = _("办件事项")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["case", "item"], name="case_item_once")]

    def __str__(self) -> str:
        return self.item.name
