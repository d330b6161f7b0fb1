"""`{% escalation_nav as show %}`: whether the header shows the 督办 link (supervisors and
department reviewers/approvers)."""

from django import template

from govserve.accounts import policies
from govserve.accounts.models import Role

register = template.Library()

ROLES = (Role.SUPERVISOR, Role.REVIEWER, Role.APPROVER)


@register.simple_tag(takes_context=True)
def escalation_nav(context) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not policies.is_signed_in(user):
        return False
    return bool(user.is_superuser or policies.active_grants(user, ROLES))
