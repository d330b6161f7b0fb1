"""The State Council's yearly holiday notice (国务院办公厅关于某年部分节假日安排的通知)
and its days.

One `HolidayNotice` per year; its `CalendarDay`s are the dates the notice moves away from the
ordinary week: holidays (放假, a rest day even on a weekday) and make-up workdays (调休上班, a
working Saturday or Sunday). Every other date of the year follows the week: Monday to Friday
working, Saturday and Sunday rest. Notices are written only through `services.load_notice`,
which replaces a year's days in one transaction and sends `signals.holiday_notice_loaded`.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("放假")
    WORKDAY = "workday", _("调休上班")


class HolidayNotice(models.Model):
    """国务院办公厅放假安排通知 for one calendar year."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    title = models.CharField(_("通知标题"), max_length=200)
    published = models.DateField(_("发布日期"))
    source = models.URLField(_("来源网址"), max_length=500, blank=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    loaded_at = models.DateTimeField(_("导入时间"))

    class Meta:
        verbose_name = _("放假安排通知")
        verbose_name_plural = _("放假安排通知")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class CalendarDay(models.Model):
    """A date a notice makes a holiday (放假) or a make-up workday (调休上班)."""

    notice = models.ForeignKey(
        HolidayNotice, verbose_name=_("放假安排通知"), on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类别"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("节日名称"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("节假日与调休日")
        verbose_name_plural = _("节假日与调休日")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}".rstrip()
