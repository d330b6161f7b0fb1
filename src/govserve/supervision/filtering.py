"""The workbench's filters from query parameters (pages, API and export read the same ones)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.utils.translation import gettext as _

from govserve.cases.models import OPEN_STATES, Channel
from govserve.core.params import integer_param
from govserve.regions.models import AdministrativeLevel, Region

from .errors import SupervisionError
from .scope import Scope
from .selectors import CATEGORIES, Category, Filters, covers_region

TEXT_MAX = 100


def _date(value: str | None, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise SupervisionError(field, _("日期格式应为 YYYY-MM-DD")) from None


def _choice(value: str | None, field: str, allowed) -> str:
    value = (value or "").strip()
    if value and value not in [str(a) for a in allowed]:
        raise SupervisionError(field, _("不是可选的值"))
    return value


def filters_from(params: Mapping[str, str], scope: Scope) -> Filters:
    """Filters from `params` (category, stage, level, department, item, region, channel,
    due_from, due_to, q). Raises SupervisionError (400) for a value that does not parse, and
    for a region outside the scope."""
    region = None
    code = (params.get("region") or "").strip()
    if code:
        region = Region.objects.filter(code=code).first()
        if region is None or not covers_region(scope, region):
            raise SupervisionError("region", _("该区划不在您的监察范围内"))
    due_from = _date(params.get("due_from"), "due_from")
    due_to = _date(params.get("due_to"), "due_to")
    if due_from and due_to and due_from > due_to:
        raise SupervisionError("due_to", _("结束日期不能早于开始日期"))
    text = (params.get("q") or "").strip()
    if len(text) > TEXT_MAX:
        raise SupervisionError("q", _("检索词过长"))
    return Filters(
        category=_choice(params.get("category"), "category", CATEGORIES) or Category.OPEN,
        stage=_choice(params.get("stage"), "stage", OPEN_STATES),
        level=integer_param(
            params.get("level"), "level", max_value=max(AdministrativeLevel.values)
        ),
        department=integer_param(params.get("department"), "department"),
        item=integer_param(params.get("item"), "item"),
        region=region,
        channel=_choice(params.get("channel"), "channel", Channel.values),
        due_from=due_from,
        due_to=due_to,
        text=text,
    )


def page_number(params: Mapping[str, str]) -> int:
    return integer_param(params.get("page"), "page", max_value=100000) or 1
