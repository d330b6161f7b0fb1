"""Aggregate tables of the reform statistics, rewritten by `services.refresh` (never per page view).

- `MonthlyFigure`: one figure (`metric`) for one month at one level of detail (`kind`):
  per item (region, department, item), per department (region, department), and per region
  *with its subtree* (region only: every row below the region summed), so a dashboard reads a
  few hundred rows whatever the number of cases. `count` is how many things were counted,
  `total` the sum of a measured value (average = total / count).
- `ItemFigure`: the catalog as at the last refresh, one row per published item with the
  figures the yardsticks look at, for the lists of items that fail them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from govserve.catalog.models import ImplementationItem
from govserve.regions.models import Department, Region


class FigureKind(models.TextChoices):
    ITEM = "item", _("事项")
    DEPARTMENT = "department", _("部门")
    REGION = "region", _("区划（含下级）")


class MonthlyFigure(models.Model):
    metric = models.CharField(_("指标"), max_length=64)
    month = models.DateField(_("月份"), help_text=_("当月第一天"))
    kind = models.CharField(_("汇总层级"), max_length=10, choices=FigureKind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("区划"), on_delete=models.CASCADE, related_name="+"
    )
    # The region's code, copied: subtree filters are a prefix scan of this index.
    region_code = models.CharField(_("区划代码"), max_length=12)
    department = models.ForeignKey(
        Department,
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    item = models.ForeignKey(
        ImplementationItem,
        verbose_name=_("事项"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    count = models.BigIntegerField(_("计数"), default=0)
    total = models.FloatField(_("合计"), default=0.0)

    class Meta:
        verbose_name = _("月度统计数")
        verbose_name_plural = _("月度统计数")
        ordering = ["month", "metric"]
        indexes = [
            # A region's own figures (its subtree summed) over a period: the dashboard's read.
            models.Index(fields=["region", "kind", "month"], name="stats_fig_region_month"),
            # Subtree prefix scans (departments and items below a region).
            models.Index(
                fields=["kind", "region_code", "month"],
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops", "date_ops"],
                name="stats_fig_code_month",
            ),
            models.Index(fields=["department", "kind", "month"], name="stats_fig_dept_month"),
            models.Index(fields=["item", "month"], name="stats_fig_item_month"),
            # refresh() replaces one month at a time.
            models.Index(fields=["month"], name="stats_fig_month"),
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.month:%Y-%m} {self.region_code} {self.count}"


class ItemFigure(models.Model):
    """One published item as the yardsticks see it (the catalog at the last refresh)."""

    item = models.OneToOneField(
        ImplementationItem, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("事项名称"), max_length=300)
    region = models.ForeignKey(
        Region, verbose_name=_("区划"), on_delete=models.CASCADE, related_name="+"
    )
    region_code = models.CharField(_("区划代码"), max_length=12)
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.CASCADE, related_name="+"
    )
    department_name = models.CharField(_("部门名称"), max_length=200)
    measured = models.BooleanField(_("要素完整"), default=True)
    online = models.BooleanField(_("网上可办"), default=False)
    fully_online = models.BooleanField(_("全程网办"), default=False)
    immediate = models.BooleanField(_("即办件"), default=False)
    statutory_limit_days = models.PositiveIntegerField(_("法定时限"), null=True, blank=True)
    promised_limit_days = models.PositiveIntegerField(_("承诺时限"), null=True, blank=True)
    materials = models.PositiveIntegerField(_("申请材料数"), default=0)
    visits = models.PositiveIntegerField(_("到现场次数"), default=0)
    steps = models.PositiveIntegerField(_("办理环节数"), default=0)
    refreshed_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("事项统计快照")
        verbose_name_plural = _("事项统计快照")
        ordering = ["region_code", "department_name", "name"]
        indexes = [
            models.Index(
                fields=["region_code"],
                opclasses=["varchar_pattern_ops"],
                name="stats_item_code",
            ),
        ]

    def __str__(self) -> str:
        return self.name
