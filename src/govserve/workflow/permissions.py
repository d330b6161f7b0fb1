"""Who may work on a task: the role the task names, within the task's region and (for reviewers
and approvers) its department. The same rule filters the inbox (selectors.inbox_q), so a
person sees exactly the tasks they may act on. Rules themselves live in accounts.policies
and cases.permissions.
"""

from __future__ import annotations

from django.db.models import Q

from govserve.accounts.models import DEPARTMENT_ROLES
from govserve.accounts.policies import active_grants, holds_role, is_signed_in, scope_q
from govserve.accounts.security import is_staff_account
from govserve.cases import permissions as case_permissions

from .models import Task, TaskRole


def may_act(user, task: Task) -> bool:
    """Claim or complete `task`: a reviewer of the item's department for 审查, an approver of
    the department for 决定, a counter clerk of the region for 窗口 steps."""
    if not is_signed_in(user):
        return False
    if user.is_superuser:
        return True
    if task.role == TaskRole.REVIEWER and task.case_item is not None:
        return case_permissions.can_review_item(user, task.case_item)
    if task.role == TaskRole.APPROVER:
        return case_permissions.can_approve(user, task.case, department_id=task.department_id)
    if task.role == TaskRole.CLERK:
        return case_permissions.can_receive(user, task.region)
    return holds_role(user, task.role, task.region, task.department_id)


def task_scope_q(user) -> Q:
    """Filter for the tasks `user` may act on (for querysets of Task); nothing for others."""
    if not is_signed_in(user):
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    q = Q(pk__in=[])
    for grant in active_grants(user, TaskRole.values):
        part = Q(role=grant.role) & scope_q([grant])
        if grant.role in DEPARTMENT_ROLES:
            part &= Q(department_id=grant.department_id)
        q |= part
    return q


def may_view(user, task: Task) -> bool:
    """See a task's page: those who may act on it, and staff who may read its case (supervisors)."""
    return may_act(user, task) or (
        is_staff_account(user) and case_permissions.can_view_case(user, task.case)
    )
