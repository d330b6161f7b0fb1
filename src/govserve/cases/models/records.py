"""What a case leaves behind: its events, visits, documents, notifications and idempotency keys."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govserve.regions.models import Department, ServiceHall

from .case import Case


class CaseEvent(models.Model):
    """办理过程: one step of the case as the applicant and staff see it in the progress view."""

    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    action = models.CharField(_("环节"), max_length=40)
    label = models.CharField(_("说明"), max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_role = models.CharField(_("操作角色"), max_length=40, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("备注"), blank=True)
    public = models.BooleanField(_("申请人可见"), default=True)

    class Meta:
        verbose_name = _("办理过程")
        verbose_name_plural = _("办理过程")
        ordering = ["case", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.case} {self.label}"


class Visit(models.Model):
    """到现场: one visit of the applicant to a hall for this case
    (counted against the item's promise)."""

    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="visits"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    hall = models.ForeignKey(
        ServiceHall,
        verbose_name=_("大厅"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    purpose = models.CharField(_("事由"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("到现场记录")
        verbose_name_plural = _("到现场记录")
        ordering = ["case", "at"]

    def __str__(self) -> str:
        return f"{self.case} {self.purpose}"


class DocumentKind(models.TextChoices):
    ACCEPTANCE = "acceptance", _("受理通知书")
    REFUSAL = "refusal", _("不予受理决定书")
    CORRECTION = "correction", _("补正材料一次性告知书")
    SUSPENSION = "suspension", _("暂停计时告知书")
    EXTENSION = "extension", _("延长审批期限告知书")
    APPROVAL = "approval", _("准予许可决定书")
    DENIAL = "denial", _("不予许可决定书")


class CaseDocument(models.Model):
    """文书: a dated written notice or decision issued on a case (PDF)."""

    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("文书类型"), max_length=12, choices=DocumentKind.choices)
    # Unique per issuing department (文号 carry the department's abbreviation, which two
    # departments in different regions may share; the serial is per department, see
    # documents.next_serial).
    number = models.CharField(_("文号"), max_length=80, db_index=True)
    issued_on = models.DateField(_("日期"))
    issued_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    department = models.ForeignKey(
        Department, verbose_name=_("出具部门"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("正文"))
    file = models.FileField(_("PDF"), upload_to="case-documents/%Y/%m/", blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("文书")
        verbose_name_plural = _("文书")
        ordering = ["case", "issued_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "number"], name="document_number_per_department"
            )
        ]

    def __str__(self) -> str:
        return self.number


class Notification(models.Model):
    """消息: an in-app message to a person about their case
    (also sent by e-mail when they have one)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    case = models.ForeignKey(
        Case,
        verbose_name=_("办件"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.subject


class IdempotencyKey(models.Model):
    """A retried submission with the same key returns the first case instead of making a second."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("幂等键")
        verbose_name_plural = _("幂等键")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once")]

    def __str__(self) -> str:
        return self.key
