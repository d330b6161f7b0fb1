"""Small display helpers for the portal templates."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.db import models
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def code_labels(obj: models.Model, field_name: str) -> str:
    """Labels of a multi-valued code field (服务对象 1,2 → 自然人、企业法人)."""
    field = obj._meta.get_field(field_name)
    assert isinstance(field, models.Field)  # a code field of the model, not a relation
    labels = dict(field.choices or [])
    codes = getattr(obj, field_name) or []
    return "、".join(str(labels.get(code, code)) for code in codes)


@register.filter
def bar_width(
    value: int | float | Decimal | None, maximum: int | float | Decimal | None = 100
) -> str:
    """A CSS width (e.g. "42.5%") for `value` on a scale to `maximum`; dot decimal always."""
    if value is None or not maximum:
        return "0%"
    share = max(0.0, min(100.0, float(value) * 100.0 / float(maximum)))
    return f"{share:.1f}%"


@register.simple_tag
def bar(
    value: int | float | Decimal | None, maximum: int | float | Decimal | None = 100
) -> SafeString:
    """A horizontal bar for `value` on a scale to `maximum`, drawn as SVG: its length is an
    attribute, not a style="…", which the Content-Security-Policy refuses (style-src 'self')."""
    return format_html(
        '<svg class="bar" aria-hidden="true" focusable="false">'
        '<rect class="bar-fill" width="{}" height="100%" rx="5"></rect></svg>',
        bar_width(value, maximum),
    )


@register.filter
def max_count(rows) -> int:
    """The largest `.count` of a list of rows (scale of a bar chart)."""
    return max((row.count for row in rows), default=0)


@register.simple_tag
def visits_label(visits: int | None) -> str:
    """零跑动 / 最多跑一次 / 跑动N次."""
    if visits is None:
        return ""
    if visits == 0:
        return _("零跑动")
    if visits == 1:
        return _("最多跑一次")
    return _("跑动%(n)s次") % {"n": visits}


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (for pagination links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


@register.simple_tag
def limits_chart(statutory: Decimal | None, promised: Decimal | None) -> SafeString:
    """Two horizontal bars (average statutory vs promised days) as inline SVG, drawn here."""
    if not statutory:
        return format_html("")
    full, left = 300.0, 90.0
    promised_width = full * float(promised or 0) / float(statutory)
    label = _("平均法定时限 %(s)s 个工作日，平均承诺时限 %(p)s 个工作日") % {
        "s": statutory,
        "p": promised,
    }
    return format_html(
        '<svg viewBox="0 0 480 70" role="img" aria-label="{label}" class="svg-chart">'
        '<rect x="{left}" y="8" width="{full}" height="20" rx="3" class="svg-bar-muted"></rect>'
        '<rect x="{left}" y="40" width="{pw}" height="20" rx="3" class="svg-bar"></rect>'
        '<text x="0" y="23" class="svg-label">{sl}</text>'
        '<text x="0" y="55" class="svg-label">{pl}</text>'
        '<text x="{sx}" y="23" class="svg-value">{s}</text>'
        '<text x="{px}" y="55" class="svg-value">{p}</text>'
        "</svg>",
        label=label,
        left=f"{left:.0f}",
        full=f"{full:.0f}",
        pw=f"{promised_width:.1f}",
        sl=_("法定时限"),
        pl=_("承诺时限"),
        sx=f"{left + full + 8:.1f}",
        px=f"{left + promised_width + 8:.1f}",
        s=statutory,
        p=promised,
    )


@register.filter
def law_title(name: str) -> str:
    """A law's name with its title marks 《》 (stored with them; older rows may lack them)."""
    name = (name or "").strip()
    return name if not name or name.startswith("《") else f"《{name}》"
