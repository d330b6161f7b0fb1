"""`{% can_rectify as x %}`: whether the header shows the 整改 link (department staff and
supervisors, who handle or review rectifications of bad ratings)."""

from django import template

from govserve.supervision.scope import department_scope, supervisor_scope

register = template.Library()


@register.simple_tag(takes_context=True)
def can_rectify(context) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if getattr(user, "account_type", "") != "staff" and not user.is_superuser:
        return False
    return bool(department_scope(user)) or bool(supervisor_scope(user))
