"""The one table of running numbers (流水号) every app takes from (see `serials`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Serial(models.Model):
    """流水号: the last number taken in one running sequence.

    `scope` names the kind of number (办件编号 serials, 文号, licence serials); `key` what the
    sequence runs per (an implementation code and a day, a department, kind and year …).
    """

    scope = models.CharField(_("序号类别"), max_length=32)
    key = models.CharField(_("序号范围"), max_length=160)
    last = models.PositiveBigIntegerField(_("已用序号"), default=0)

    class Meta:
        verbose_name = _("流水号")
        verbose_name_plural = _("流水号")
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="serial_once")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}: {self.last}"
