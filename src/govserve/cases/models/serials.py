"""Serial counters taken under a row lock: 办件编号 per code and day, 文号 per department."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from govserve.regions.models import Department

from .records import DocumentKind


class DailySerial(models.Model):
    """The last 办件编号 serial used per implementation code and day (taken under a row lock)."""

    code = models.CharField(max_length=31)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["code", "day"], name="daily_serial_once")]

    def __str__(self) -> str:
        return f"{self.code} {self.day} {self.last}"


class DocumentSerial(models.Model):
    """The last 文号 serial used per issuing department, kind of document and year (taken
    under a row lock by `documents.next_number`)."""

    department = models.ForeignKey(
        Department, verbose_name=_("出具部门"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("文书类型"), max_length=12, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    last = models.PositiveIntegerField(_("已用序号"), default=0)

    class Meta:
        verbose_name = _("文号序号")
        verbose_name_plural = _("文号序号")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "kind", "year"], name="document_serial_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.department_id} {self.kind} {self.year} {self.last}"
