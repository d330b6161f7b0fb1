"""The parameters every statistics page and API call takes (region, from, to, department,
item), read from a query string into the objects the selectors want, or refused field by field.
Supervisors' reads are limited to their scope (supervision.scope)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from govserve.catalog.models import ImplementationItem
from govserve.core.errors import Refused
from govserve.core.params import integer_param
from govserve.regions.models import Department, Region
from govserve.supervision.scope import Scope

from .errors import StatsError
from .selectors import Period, default_region
from .services import last_months

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
DEFAULT_MONTHS = 6
MAX_MONTHS = 36


@dataclass(frozen=True)
class Query:
    region: Region
    period: Period
    department: Department | None = None
    item: ImplementationItem | None = None

    def params(self) -> dict[str, str]:
        out = {
            "region": self.region.code,
            "from": f"{self.period.first:%Y-%m}",
            "to": f"{self.period.last:%Y-%m}",
        }
        if self.department is not None:
            out["department"] = str(self.department.pk)
        if self.item is not None:
            out["item"] = str(self.item.pk)
        return out


def _month(text: str, field: str) -> dt.date | None:
    text = (text or "").strip()
    if not text:
        return None
    match = MONTH.match(text)
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1900:
        raise StatsError(field, _("月份格式应为 YYYY-MM，例如 2026-09"))
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def period_from(data: Mapping[str, str], today: dt.date | None = None) -> Period:
    """`from`/`to` (YYYY-MM); by default the last six months, this one included."""
    first = _month(data.get("from", ""), "from")
    last = _month(data.get("to", ""), "to")
    if last is None:
        current = last_months(1, today)[0]
        last = current if first is None or first <= current else first
    if first is None:
        first = last_months(DEFAULT_MONTHS, last)[0]
    if first > last:
        raise StatsError("from", _("起始月份不能晚于截止月份"))
    if len(Period(first, last).months) > MAX_MONTHS:
        raise StatsError("from", _("统计期间最长 %(n)d 个月") % {"n": MAX_MONTHS})
    return Period(first, last)


def region_from(data: Mapping[str, str], scope: Scope | None = None) -> Region:
    code = (data.get("region") or "").strip()
    if code:
        if not code.isascii() or not code.isdigit() or len(code) > 12:
            raise StatsError("region", _("区划代码应为数字"))
        region = Region.objects.filter(code=code.ljust(12, "0")).first()
        if region is None:
            raise StatsError("region", _("没有这个行政区划"), status=404)
        return region
    if scope is not None and not scope.everything:
        roots = scope.regions
        if not roots:
            raise StatsError("region", _("您没有监察范围"), status=403)
        return sorted(roots, key=lambda r: r.code)[0]
    region = default_region()
    if region is None:
        raise StatsError("region", _("尚未导入行政区划"), status=404)
    return region


def _id(value: str | None, field: str) -> int | None:
    try:
        return integer_param(value, field)
    except Refused as exc:
        raise StatsError(exc.field, exc.message) from exc


def query_from(
    data: Mapping[str, str], scope: Scope | None = None, today: dt.date | None = None
) -> Query:
    """The request's parameters; with a supervisor's `scope`, refused outside it (403)."""
    region = region_from(data, scope)
    period = period_from(data, today)
    department = item = None
    department_id = _id(data.get("department"), "department")
    if department_id is not None:
        department = Department.objects.filter(pk=department_id).first()
        if department is None:
            raise StatsError("department", _("没有这个部门"), status=404)
    item_id = _id(data.get("item"), "item")
    if item_id is not None:
        item = ImplementationItem.objects.filter(pk=item_id).first()
        if item is None:
            raise StatsError("item", _("没有这个事项"), status=404)
        if department is None:
            department = item.department
    if scope is not None and not scope.everything:
        narrowed = [g.department_id for g in scope.grants if g.department_id is not None]
        if department is None and narrowed and not scope.covers(region, None):
            # A grant for one department only: its figures, not the whole region's.
            department = Department.objects.filter(pk=narrowed[0]).first()
        if not scope.covers(region, department.pk if department is not None else None):
            raise StatsError("region", _("该区划或部门不在您的监察范围内"), status=403)
    return Query(region, period, department, item)
