"""Deadline warnings (期限预警) sent to the staff handling a case."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .case import Case, CaseState


class WarningLevel(models.TextChoices):
    YELLOW = "yellow", _("预警")
    RED = "red", _("超期")


class DeadlineWarning(models.Model):
    """期限预警: a warning sent to the staff handling a case (see `warnings`), at most once per
    case, stage (the state whose deadline it concerns) and level."""

    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="deadline_warnings"
    )
    stage = models.CharField(_("办理阶段"), max_length=12, choices=CaseState.choices)
    level = models.CharField(_("级别"), max_length=6, choices=WarningLevel.choices)
    due = models.DateField(_("期限"))
    sent_at = models.DateTimeField(_("发送时间"), auto_now_add=True)
    recipients = models.PositiveIntegerField(_("接收人数"), default=0)

    class Meta:
        verbose_name = _("期限预警")
        verbose_name_plural = _("期限预警")
        ordering = ["case", "sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "stage", "level"], name="deadline_warning_once")
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.get_level_display()} {self.due}"
