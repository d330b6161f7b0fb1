"""Electronic licences (电子证照): 证照类型 → 电子证照 (one row per version), serials, renewal
applications, lifecycle events, sharing and use records.

A licence points at the certificate and the seal that signed it (`govserve.signing`); the
archive of licences and their status changes is kept by `govserve.audit`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govserve.accounts.models import Organisation
from govserve.cases.models import Case
from govserve.catalog.models import ImplementationItem
from govserve.regions.models import Department
from govserve.signing.models import Certificate, Seal


class FieldKind(models.TextChoices):
    TEXT = "text", _("文本")
    DATE = "date", _("日期")
    NUMBER = "number", _("数字")
    CHOICE = "choice", _("选项")


class LicenceType(models.Model):
    """证照类型: one kind of licence (食品经营许可证 …), defined once, issued by many departments.

    `fields` lists the licence's own data, each ``{"name", "label", "kind", "required",
    "choices"?, "max_length"?}``; on issue each is filled from the case's form field of the
    same name (see services). `layout` is ``{"title", "orientation": "landscape"|"portrait",
    "note", "number_prefix"}`` (the prefix of the printed 证照编号, e.g. JY).
    """

    name = models.CharField(_("证照名称"), max_length=100)
    type_code = models.CharField(
        _("证照类型代码"),
        max_length=21,
        unique=True,
        help_text=_("定义部门统一社会信用代码（18 位）+ 3 位顺序号（GB/T 36904）"),
    )
    ministry_name = models.CharField(_("定义部门"), max_length=100, blank=True)
    fields = models.JSONField(_("照面信息项"), default=list, blank=True)
    validity_months = models.PositiveSmallIntegerField(
        _("有效期（月）"), default=0, help_text=_("0 表示长期有效")
    )
    layout = models.JSONField(_("版式"), default=dict, blank=True)
    items = models.ManyToManyField(
        ImplementationItem,
        verbose_name=_("产生证照的实施事项"),
        related_name="licence_types",
        blank=True,
    )
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("证照类型")
        verbose_name_plural = _("证照类型")
        ordering = ["type_code"]

    def __str__(self) -> str:
        return self.name

    @property
    def ministry_uscc(self) -> str:
        return self.type_code[:18]


# 延续: applications open this many days before the end date (reminders go out then too).
RENEWAL_WINDOW_DAYS = 30


class LicenceStatus(models.TextChoices):
    VALID = "valid", _("有效")
    SUSPENDED = "suspended", _("已中止")
    REVOKED = "revoked", _("已撤销")
    SUPERSEDED = "superseded", _("已变更（被新版本替代）")
    EXPIRED = "expired", _("已过期")


class Licence(models.Model):
    """电子证照: one version of one licence, signed (PAdES PDF + SM2 over its data).

    A change (变更) or renewal (延续) issues a new row with the same serial and the next
    version, and marks this one superseded; the old PDF stays verifiable as such.
    """

    identifier = models.CharField(_("证照标识"), max_length=140, unique=True)
    licence_type = models.ForeignKey(
        LicenceType, verbose_name=_("证照类型"), on_delete=models.PROTECT, related_name="licences"
    )
    serial = models.CharField(_("顺序号"), max_length=32)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    number = models.CharField(_("证照编号"), max_length=64)
    holder_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("持证人（个人）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="licences",
    )
    holder_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("持证主体（法人）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="licences",
    )
    holder_name = models.CharField(_("持证主体名称"), max_length=200)
    holder_id_number = models.CharField(_("持证主体证件号码"), max_length=18)
    issuer = models.ForeignKey(
        Department, verbose_name=_("发证机关"), on_delete=models.PROTECT, related_name="licences"
    )
    issued_on = models.DateField(_("发证日期"))
    valid_from = models.DateField(_("有效期起"))
    valid_until = models.DateField(_("有效期止"), null=True, blank=True)
    data = models.JSONField(_("照面信息"), default=dict)
    source_case = models.ForeignKey(
        Case,
        verbose_name=_("来源办件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="licences",
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=LicenceStatus.choices, default=LicenceStatus.VALID
    )
    status_reason = models.CharField(_("状态原因"), max_length=300, blank=True)
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("替代的版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    pdf = models.FileField(_("证照文件（PDF）"), upload_to="licences/%Y/%m/", blank=True)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, db_index=True, blank=True)
    signed_data = models.BinaryField(_("签名数据（规范化 JSON）"), default=b"")
    sm2_signature = models.BinaryField(_("SM2 签名"), default=b"")
    sm2_certificate = models.ForeignKey(
        Certificate,
        verbose_name=_("SM2 签名证书"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    seal = models.ForeignKey(
        Seal, verbose_name=_("电子印章"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    renewal_reminded_on = models.DateField(_("延续提醒日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("电子证照")
        verbose_name_plural = _("电子证照")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["licence_type", "issuer", "serial", "version"],
                name="licence_version_once",
            ),
            models.CheckConstraint(
                condition=models.Q(holder_user__isnull=False)
                | models.Q(holder_organisation__isnull=False),
                name="licence_has_holder",
            ),
        ]
        indexes = [
            models.Index(fields=["holder_user", "status"]),
            models.Index(fields=["holder_organisation", "status"]),
            models.Index(fields=["status", "valid_until"]),
        ]

    def __str__(self) -> str:
        return f"{self.licence_type.name} {self.number}"

    def effective_status(self, on: dt.date | None = None) -> str:
        """The stored status, or EXPIRED for a valid licence past its end date."""
        on = on or timezone.localdate()
        if self.status == LicenceStatus.VALID and self.valid_until and self.valid_until < on:
            return LicenceStatus.EXPIRED
        return self.status

    @property
    def renewal_opens_on(self) -> dt.date | None:
        """The first day a renewal (延续) may be applied for; None for 长期 licences."""
        if self.valid_until is None:
            return None
        return self.valid_until - dt.timedelta(days=RENEWAL_WINDOW_DAYS)

    def is_usable(self, on: dt.date | None = None) -> bool:
        """Valid today: may be offered as a material (免提交)."""
        return self.effective_status(on) == LicenceStatus.VALID


# The running number each issuing department gives per licence type (core.serials).
LICENCE_SERIAL = "licence-serial"


class LicenceRenewal(models.Model):
    """延续申请: the application (办件) a holder filed to renew one licence; approving that case
    renews the licence (a new version) instead of issuing a new one."""

    licence = models.ForeignKey(
        Licence, verbose_name=_("电子证照"), on_delete=models.PROTECT, related_name="renewals"
    )
    case = models.OneToOneField(
        Case, verbose_name=_("延续办件"), on_delete=models.PROTECT, related_name="licence_renewal"
    )
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("证照延续申请")
        verbose_name_plural = _("证照延续申请")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.licence} ← {self.case}"


class LicenceEvent(models.Model):
    """证照生命周期记录: issued, changed, renewed, suspended, resumed, revoked, expired …"""

    licence = models.ForeignKey(
        Licence, verbose_name=_("电子证照"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("动作"), max_length=20)
    description = models.CharField(_("说明"), max_length=300)
    reason = models.TextField(_("原因"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("证照记录")
        verbose_name_plural = _("证照记录")
        ordering = ["licence", "at", "pk"]

    def __str__(self) -> str:
        return self.description


class LicenceShare(models.Model):
    """证照授权: the holder lets one department use one licence for a stated purpose."""

    licence = models.ForeignKey(
        Licence, verbose_name=_("电子证照"), on_delete=models.CASCADE, related_name="shares"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("使用部门"), on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.CharField(_("用途"), max_length=300)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("授权人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("授权时间"), auto_now_add=True)
    expires_on = models.DateField(_("授权截止日期"))
    revoked_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("证照授权")
        verbose_name_plural = _("证照授权")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.licence} → {self.department}: {self.purpose}"

    def clean(self) -> None:
        if not (self.purpose or "").strip():
            raise ValidationError({"purpose": [_("请写明用途")]})


class LicenceUse(models.Model):
    """用证记录: one use of a licence by a department (visible to the holder)."""

    class Channel(models.TextChoices):
        CASE_MATERIAL = "material", _("作为办件材料（免提交）")
        SHARE = "share", _("持证人授权查验")
        VERIFY = "verify", _("部门核验")

    licence = models.ForeignKey(
        Licence, verbose_name=_("电子证照"), on_delete=models.CASCADE, related_name="uses"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("使用部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("使用人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    channel = models.CharField(_("方式"), max_length=10, choices=Channel.choices)
    purpose = models.CharField(_("用途"), max_length=300)
    case = models.ForeignKey(
        Case,
        verbose_name=_("办件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    share = models.ForeignKey(
        LicenceShare,
        verbose_name=_("授权"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="uses",
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("用证记录")
        verbose_name_plural = _("用证记录")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.licence} ← {self.department}: {self.purpose}"
