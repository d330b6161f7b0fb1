"""`{% tickets_staff as show %}`: whether the signed-in user handles or dispatches tickets
(the header link "工单" in portal/base.html)."""

from django import template

from .. import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def tickets_staff(context) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(user, "account_type", "") != "staff":
        return False
    return selectors.is_ticket_staff(user)
