"""The electronic archive (电子档案): append-only entries chained by their hashes, and the
signed checkpoints (校验点) that anchor the chain.

The entries' table was made by the licences app (`licences_archiveentry`) and keeps its name:
the model moved here without touching the data (migrations 0001 here and licences 0003 only
change Django's state), so every stored hash still verifies.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from govserve.cases.models import Case, CaseDocument
from govserve.licences.models import Licence


class ArchiveKind(models.TextChoices):
    DOCUMENT = "document", _("文书")
    LICENCE = "licence", _("电子证照")
    LICENCE_EVENT = "licence_event", _("证照状态变更")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError(_("电子档案只能追加，不能修改"))

    def delete(self):
        raise ValidationError(_("电子档案只能追加，不能删除"))


class AppendOnlyModel(models.Model):
    """A row that is written once: saving it again or deleting it is refused (the queryset
    refuses bulk updates and deletes)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValidationError(_("电子档案只能追加，不能修改"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("电子档案只能追加，不能删除"))


class ArchiveEntry(AppendOnlyModel):
    """电子档案: an append-only entry; `entry_hash` = SHA-256 over the previous entry's hash
    and this entry's content (see `archive`), so any change breaks the chain after it."""

    sequence = models.PositiveBigIntegerField(_("序号"), unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=ArchiveKind.choices)
    title = models.CharField(_("题名"), max_length=300)
    case = models.ForeignKey(
        Case,
        verbose_name=_("办件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    document = models.ForeignKey(
        CaseDocument,
        verbose_name=_("文书"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    licence = models.ForeignKey(
        Licence,
        verbose_name=_("电子证照"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    content_sha256 = models.CharField(_("内容 SHA-256"), max_length=64)
    metadata = models.JSONField(_("元数据"), default=dict)
    previous_hash = models.CharField(_("前一条哈希"), max_length=64)
    entry_hash = models.CharField(_("本条哈希"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("归档时间"))

    class Meta:
        verbose_name = _("电子档案")
        verbose_name_plural = _("电子档案")
        ordering = ["sequence"]
        # Made by the licences app's first migration; the entries stayed when the model moved.
        db_table = "licences_archiveentry"

    def __str__(self) -> str:
        return f"#{self.sequence} {self.title}"


class ArchiveCheckpoint(AppendOnlyModel):
    """校验点: the chain's length and head hash at a moment, signed with the platform's SM2 root
    key (`checkpoints`). The record of truth is the line in the checkpoint file outside the
    database (`line` is a copy of it, shown on the public page); verification reads the file and
    reports a row here that the file lacks, so deleting rows or lines is seen either way."""

    length = models.PositiveBigIntegerField(_("条目数"))
    head_hash = models.CharField(_("链头哈希"), max_length=64)
    created_at = models.DateTimeField(_("校验点时间"))
    certificate_serial = models.CharField(_("签名证书序列号"), max_length=64)
    signature = models.CharField(_("SM2 签名"), max_length=200, unique=True)
    line = models.TextField(_("校验点记录（JSON）"))

    class Meta:
        verbose_name = _("档案链校验点")
        verbose_name_plural = _("档案链校验点")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} #{self.length} {self.head_hash[:16]}"
