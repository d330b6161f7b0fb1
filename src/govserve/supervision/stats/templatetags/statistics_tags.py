"""`{% if user|sees_statistics_dashboard %}`: the header's 统计看板 link, for supervisors;
`{% export_url 'indicators' %}`: the CSV export of a table with the page's parameters."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from govserve.supervision.scope import supervisor_scope

register = template.Library()


@register.filter
def sees_statistics_dashboard(user) -> bool:
    return bool(supervisor_scope(user))


@register.simple_tag(takes_context=True)
def export_url(context, table: str) -> str:
    name = "statistics:public-export" if context.get("public") else "statistics:dashboard-export"
    params = context.get("export_params") or {}
    return f"{reverse(name, args=[table])}?{urlencode(params)}"


def number(value) -> str:
    """A figure as the tables show it: whole numbers without decimals, "—" for none."""
    if value is None or value == "":
        return "—"
    value = float(value)
    if value.is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


register.filter("number", number)
