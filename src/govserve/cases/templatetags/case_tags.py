"""Template helpers for the page header: the unread-message count and the counter link."""

from django import template

from govserve.cases import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    return selectors.unread_count(user) if user is not None else 0


@register.simple_tag(takes_context=True)
def is_counter_clerk(context) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None)
    return selectors.is_clerk(user) if user is not None else False
