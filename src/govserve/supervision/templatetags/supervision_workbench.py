"""`{% if request.user|is_supervisor %}`: the header shows the workbench link to supervisors."""

from django import template

from govserve.supervision.scope import supervisor_scope

register = template.Library()


@register.filter
def is_supervisor(user) -> bool:
    return bool(supervisor_scope(user))
