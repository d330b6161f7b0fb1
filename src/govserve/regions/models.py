"""Administrative divisions (行政区划), departments (部门), halls
(政务服务大厅) and windows (窗口)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .validators import validate_division_code, validate_uscc


class RegionLevel(models.IntegerChoices):
    """Five levels of the division tree; code prefix lengths follow the statistical codes."""

    PROVINCE = 1, _("省级")
    CITY = 2, _("市级")
    COUNTY = 3, _("县级")
    TOWNSHIP = 4, _("乡镇（街道）级")
    VILLAGE = 5, _("村（社区）级")


PREFIX_LENGTH = {1: 2, 2: 4, 3: 6, 4: 9, 5: 12}


class Region(models.Model):
    """行政区划: one node of province — city — county — township — village.

    `code` is the 12-digit statistical code; a region's subtree is every code that
    starts with its `prefix`, so subtree filters are an indexed prefix scan.
    """

    code = models.CharField(
        _("区划代码"), max_length=12, unique=True, validators=[validate_division_code]
    )
    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("层级"), choices=RegionLevel.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    prefix = models.CharField(_("代码前缀"), max_length=12, db_index=True, editable=False)
    full_name = models.CharField(_("全称"), max_length=300, blank=True, db_index=True)

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.full_name or self.name

    def save(self, *args, **kwargs):
        self.prefix = self.code[: PREFIX_LENGTH[self.level]]
        super().save(*args, **kwargs)

    def clean(self) -> None:
        parent = self.parent  # None without a query when parent_id is unset
        if parent is not None and parent.level >= self.level:
            raise ValidationError({"parent": _("上级区划的层级必须高于本级")})
        if parent is not None and not self.code.startswith(parent.prefix):
            raise ValidationError({"code": _("区划代码必须以上级区划代码前缀开头")})

    @property
    def gb2260(self) -> str:
        """The 6-digit GB/T 2260 code (province, city, county part)."""
        return self.code[:6]

    def subtree(self) -> models.QuerySet["Region"]:
        return Region.objects.filter(code__startswith=self.prefix)

    def ancestors(self) -> list["Region"]:
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))


class AdministrativeLevel(models.IntegerChoices):
    """行使层级 (GB/T 39046 Appendix A)."""

    NATIONAL = 1, _("国家级")
    PROVINCIAL = 2, _("省级")
    MUNICIPAL = 3, _("市级")
    COUNTY = 4, _("县级")
    TOWNSHIP = 5, _("镇（乡、街道）级")
    VILLAGE = 6, _("村（社区）级")
    TIERED = 7, _("分级管理")


def level_for_region(region: Region) -> int:
    """The 行使层级 a body at this region exercises."""
    return {1: 2, 2: 3, 3: 4, 4: 5, 5: 6}[region.level]


class Department(models.Model):
    """部门: an implementing body with its unified social credit code."""

    name = models.CharField(_("部门名称"), max_length=200)
    short_name = models.CharField(_("简称"), max_length=100, blank=True)
    # Null only for bodies imported from public lists that do not publish the code.
    uscc = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_uscc],  # type: ignore[list-item]  # returns the compacted code; Django discards it
    )
    region = models.ForeignKey(
        Region, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="departments"
    )
    level = models.PositiveSmallIntegerField(_("层级"), choices=AdministrativeLevel.choices)
    consult_phone = models.CharField(_("咨询电话"), max_length=50, blank=True)
    address = models.CharField(_("地址"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["region__code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"], name="department_unique_name_in_region"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ServiceHall(models.Model):
    """政务服务大厅 / 中心 / 便民服务站, attached to a region."""

    class Kind(models.TextChoices):
        CENTRE = "centre", _("政务服务中心")
        HALL = "hall", _("政务服务大厅")
        STATION = "station", _("便民服务站")

    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.CENTRE)
    region = models.ForeignKey(
        Region, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="halls"
    )
    address = models.CharField(_("地址"), max_length=300)
    opening_hours = models.CharField(_("办公时间"), max_length=200, blank=True)
    phone = models.CharField(_("电话"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("政务服务大厅")
        verbose_name_plural = _("政务服务大厅")
        ordering = ["region__code", "name"]

    def __str__(self) -> str:
        return self.name


class ServiceWindow(models.Model):
    """窗口: a comprehensive window (综合窗口, any item) or a department window."""

    class Kind(models.TextChoices):
        COMPREHENSIVE = "comprehensive", _("综合窗口")
        DEPARTMENT = "department", _("部门窗口")

    hall = models.ForeignKey(
        ServiceHall, verbose_name=_("大厅"), on_delete=models.CASCADE, related_name="windows"
    )
    number = models.CharField(_("窗口号"), max_length=20)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    departments = models.ManyToManyField(
        Department, verbose_name=_("进驻部门"), blank=True, related_name="windows"
    )

    class Meta:
        verbose_name = _("窗口")
        verbose_name_plural = _("窗口")
        ordering = ["hall", "number"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "number"], name="window_unique_number_in_hall")
        ]

    def __str__(self) -> str:
        return f"{self.hall.name} {self.number}号 {self.name}"
