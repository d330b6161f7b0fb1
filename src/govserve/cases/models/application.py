"""What an application carries: its form fields, its materials, the one correction notice."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govserve.catalog.models import ImplementationItem, Material

from .case import Case


class FieldType(models.TextChoices):
    TEXT = "text", _("文本")
    TEXTAREA = "textarea", _("多行文本")
    NUMBER = "number", _("数字")
    DATE = "date", _("日期")
    CHOICE = "choice", _("单选")
    BOOLEAN = "boolean", _("是/否")
    ID_NUMBER = "id_number", _("身份证号码")
    USCC = "uscc", _("统一社会信用代码")
    MOBILE = "mobile", _("手机号码")


# What a text field takes when its spec sets no max_length (the page control uses the same).
TEXT_MAX_LENGTH = 500  # the help text of max_length says these two
TEXTAREA_MAX_LENGTH = 2000


class FormField(models.Model):
    """申请表字段: a field an item's application form asks for,
    configured by catalog administrators."""

    item = models.ForeignKey(
        ImplementationItem,
        verbose_name=_("事项"),
        on_delete=models.CASCADE,
        related_name="form_fields",
    )
    key = models.SlugField(_("字段标识"), max_length=50)
    label = models.CharField(_("字段名称"), max_length=100)
    field_type = models.CharField(
        _("类型"), max_length=12, choices=FieldType.choices, default=FieldType.TEXT
    )
    required = models.BooleanField(_("必填"), default=True)
    choices = models.JSONField(
        _("可选项"), default=list, blank=True, help_text=_("单选字段的选项列表")
    )
    max_length = models.PositiveIntegerField(
        _("最大长度"),
        null=True,
        blank=True,
        help_text=_("文字的最多字数；不填时单行 500 字、多行 2000 字"),
    )
    min_value = models.DecimalField(
        _("最小值"),
        max_digits=20,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("数字字段可填的最小值；人数、数量等计数填 0"),
    )
    max_value = models.DecimalField(
        _("最大值"),
        max_digits=20,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("数字字段可填的最大值"),
    )
    help_text = models.CharField(_("填写说明"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("申请表字段")
        verbose_name_plural = _("申请表字段")
        ordering = ["item", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["item", "key"], name="form_field_key_once")]

    def __str__(self) -> str:
        return self.label


class MaterialOrigin(models.TextChoices):
    UPLOADED = "uploaded", _("申请人上传")
    SCANNED = "scanned", _("窗口扫描")
    REUSED = "reused", _("复用已提交材料")
    LICENCE = "licence", _("电子证照免提交")
    SHARED = "shared", _("共享数据")


class MaterialStatus(models.TextChoices):
    RECEIVED = "received", _("已接收")
    ACCEPTED = "accepted", _("合格")
    TO_CORRECT = "to_correct", _("需补正")
    REPLACED = "replaced", _("已替换")


def material_upload_path(instance: CaseMaterial, filename: str) -> str:
    return f"cases/{instance.case_id}/{instance.sha256[:16]}-{filename[-80:]}"


class CaseMaterial(models.Model):
    """申请材料: one file (or one reused record) given for one material of the item's list."""

    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="materials"
    )
    material = models.ForeignKey(
        Material,
        verbose_name=_("材料要求"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("材料名称"), max_length=300)
    origin = models.CharField(
        _("来源"), max_length=10, choices=MaterialOrigin.choices, default=MaterialOrigin.UPLOADED
    )
    file = models.FileField(_("文件"), upload_to=material_upload_path, blank=True)
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    content_type = models.CharField(_("文件类型"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    reused_from = models.ForeignKey(
        "self",
        verbose_name=_("复用自"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reference = models.CharField(_("证照或数据标识"), max_length=200, blank=True)
    status = models.CharField(
        _("审核状态"),
        max_length=12,
        choices=MaterialStatus.choices,
        default=MaterialStatus.RECEIVED,
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["case", "pk"]

    def __str__(self) -> str:
        return self.name


class CorrectionNotice(models.Model):
    """一次性告知: the single notice listing every missing or wrong material (Art 32)."""

    case = models.OneToOneField(
        Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="correction_notice"
    )
    issued_at = models.DateTimeField(_("告知时间"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("告知人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    entries = models.JSONField(
        _("补正内容"), default=list, help_text=_('[{"material": 材料名称, "reason": 原因}]')
    )
    note = models.TextField(_("说明"), blank=True)
    resubmitted_at = models.DateTimeField(_("补正提交时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("一次性告知")
        verbose_name_plural = _("一次性告知")

    def __str__(self) -> str:
        return f"{self.case} {_('一次性告知')}"
