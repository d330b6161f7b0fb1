"""Tickets (工单) of the 12345 closed loop: consultations, suggestions, complaints and reports.

A ticket runs: dispatching (分拨队列, no department yet) → assigned (待签收) → accepted (办理中)
→ replied (已答复) → confirmed (申请人确认) or reopened (重办, back to the department; at most
settings.GOVSERVE["TICKET_MAX_REOPENS"] times) → visited (回访 and rating) → closed. Every
step is a `TicketEvent`. `due_date` is counted in working days from the day the ticket is first
dispatched to a department (TICKET_TIME_LIMITS per kind) and again from a reopening.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govserve.regions.models import Department, Region, ServiceHall

CONTENT_MAX_LENGTH = 2000
TEXT_MAX_LENGTH = 1000


class TicketKind(models.TextChoices):
    CONSULTATION = "consultation", _("咨询")
    SUGGESTION = "suggestion", _("建议")
    COMPLAINT = "complaint", _("投诉")
    REPORT = "report", _("举报")


class TicketChannel(models.TextChoices):
    WEB = "web", _("网站")
    HOTLINE = "hotline", _("12345 热线")
    API = "api", _("接口")


class TicketState(models.TextChoices):
    DISPATCHING = "dispatching", _("待分拨")
    ASSIGNED = "assigned", _("待签收")
    ACCEPTED = "accepted", _("办理中")
    REPLIED = "replied", _("已答复")
    REOPENED = "reopened", _("重办中")
    CONFIRMED = "confirmed", _("申请人已确认")
    VISITED = "visited", _("已回访")
    CLOSED = "closed", _("已办结")


# States in which the department still owes a reply (the clock runs).
UNREPLIED_STATES = (TicketState.ASSIGNED, TicketState.ACCEPTED, TicketState.REOPENED)
# States after the department's answer: handled, may be shown publicly.
HANDLED_STATES = (TicketState.CONFIRMED, TicketState.VISITED, TicketState.CLOSED)


class TicketKindPolicy(models.Model):
    """Per kind: whether handled tickets of this kind are shown, anonymised, on the public
    list. Without a row a kind is public except 举报 (reports protect their informant)."""

    kind = models.CharField(_("类型"), max_length=20, choices=TicketKind.choices, unique=True)
    public = models.BooleanField(_("办结后公开（匿名）"), default=True)

    class Meta:
        verbose_name = _("工单类型公开设置")
        verbose_name_plural = _("工单类型公开设置")
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.get_kind_display()


DEFAULT_PUBLIC_KINDS = (TicketKind.CONSULTATION, TicketKind.SUGGESTION, TicketKind.COMPLAINT)


class Ticket(models.Model):
    number = models.CharField(_("工单编号"), max_length=24, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=TicketKind.choices)
    channel = models.CharField(
        _("渠道"), max_length=10, choices=TicketChannel.choices, default=TicketChannel.WEB
    )
    # Who filed it: an account, or nobody (anonymous, with a phone), through a client system.
    filer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    # The client system that filed it (12345 hotline): its OAuth client id and name, kept as
    # text so the record survives the client's removal.
    client_id = models.CharField(_("来源系统编号"), max_length=100, blank=True)
    client_name = models.CharField(_("来源系统"), max_length=255, blank=True)
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=11, blank=True)
    # What it is about (all optional).
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("相关办件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    item = models.ForeignKey(
        "catalog.ImplementationItem",
        verbose_name=_("相关事项"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    about_department = models.ForeignKey(
        Department,
        verbose_name=_("被反映部门"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hall = models.ForeignKey(
        ServiceHall,
        verbose_name=_("相关大厅"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    staff_member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("相关工作人员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(_("标题"), max_length=100)
    content = models.TextField(_("内容"), max_length=CONTENT_MAX_LENGTH)
    region = models.ForeignKey(
        Region, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("承办部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        _("状态"), max_length=20, choices=TicketState.choices, default=TicketState.DISPATCHING
    )
    dispatched_on = models.DateField(_("派单日期"), null=True, blank=True)
    due_date = models.DateField(_("答复期限"), null=True, blank=True)
    reply = models.TextField(_("答复内容"), blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    replied_on_time = models.BooleanField(_("按时答复"), null=True, blank=True)
    first_replied_at = models.DateTimeField(_("首次答复时间"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)
    returned_once = models.BooleanField(_("已退回过"), default=False)
    satisfaction = models.PositiveSmallIntegerField(_("回访满意度"), null=True, blank=True)
    visit_note = models.CharField(_("回访记录"), max_length=TEXT_MAX_LENGTH, blank=True)
    public = models.BooleanField(_("同意办结后匿名公开"), default=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # Idempotency: the same key from the same caller (account, client system or phone) files once.
    idempotency_owner = models.CharField(max_length=40, blank=True, editable=False)
    idempotency_key = models.CharField(max_length=100, blank=True, editable=False)
    request_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("投诉建议工单")
        verbose_name_plural = _("投诉建议工单")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_owner", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="ticket_idempotency_key_once",
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="ticket_satisfaction_1_to_5",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "due_date"], name="ticket_state_due"),
            models.Index(fields=["department", "state"], name="ticket_department_state"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def anonymous(self) -> bool:
        return self.filer_id is None


class TicketEvent(models.Model):
    class Action(models.TextChoices):
        FILED = "filed", _("提交")
        QUEUED = "queued", _("进入分拨队列")
        ASSIGNED = "assigned", _("派单")
        ACCEPTED = "accepted", _("签收")
        TRANSFERRED = "transferred", _("转办")
        RETURNED = "returned", _("退回")
        REPLIED = "replied", _("答复")
        CONFIRMED = "confirmed", _("申请人确认")
        REOPENED = "reopened", _("申请重办")
        VISITED = "visited", _("回访评价")
        CLOSED = "closed", _("办结")
        UPDATED = "updated", _("热线补充")

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("工单"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("环节"), max_length=20, choices=Action.choices)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("操作方"), max_length=100, blank=True)
    from_department = models.ForeignKey(
        Department,
        verbose_name=_("原部门"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    to_department = models.ForeignKey(
        Department,
        verbose_name=_("新部门"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(_("理由"), max_length=TEXT_MAX_LENGTH, blank=True)
    text = models.TextField(_("内容"), blank=True)

    class Meta:
        verbose_name = _("工单记录")
        verbose_name_plural = _("工单记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.get_action_display()}"


class TicketAttachment(models.Model):
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("工单"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("文件"), upload_to="tickets/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("工单附件")
        verbose_name_plural = _("工单附件")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name
