"""Who may do what to a case: thin wrappers over accounts.policies (the rules live there).

受办分离 (receive separately, handle centrally): counter clerks receive, check completeness,
accept or refuse; only the item's department reviews, and only its approvers decide.
"""

from __future__ import annotations

from govserve.accounts.models import Role
from govserve.accounts.policies import (
    can_read_scoped,
    holds_role,
    is_signed_in,
    represented_organisation_ids,
)

from .models import Case, CaseItem


def is_case_applicant(user, case: Case) -> bool:
    """The account that owns the case, or someone currently acting for its organisation."""
    if not is_signed_in(user):
        return False
    if case.applicant_id == user.pk:
        return True
    return (
        case.organisation_id is not None
        and case.organisation_id in represented_organisation_ids(user)
    )


def can_view_case(user, case: Case) -> bool:
    if is_case_applicant(user, case):
        return True
    if can_read_scoped(user, department_id=case.department_id, region=case.region):
        return True
    # A reviewer of a co-handling department of a bundle sees the case too.
    return any(can_review_item(user, ci) for ci in case.case_items.all())


def can_receive(user, region) -> bool:
    """Counter clerks of the region file, check completeness, accept and refuse."""
    return holds_role(user, Role.COUNTER_CLERK, region)


def can_accept(user, case: Case) -> bool:
    return can_receive(user, case.region) or holds_role(
        user, Role.REVIEWER, case.region, case.department_id
    )


def can_review_item(user, case_item: CaseItem) -> bool:
    return holds_role(user, Role.REVIEWER, case_item.case.region, case_item.department_id)


def can_review_case(user, case: Case) -> bool:
    return any(can_review_item(user, ci) for ci in case.case_items.all())


def can_approve(user, case: Case, department_id=None) -> bool:
    """The department head (审批负责人) decides and approves extensions."""
    return holds_role(user, Role.APPROVER, case.region, department_id or case.department_id)


def can_deliver(user, case: Case) -> bool:
    return can_receive(user, case.region) or holds_role(
        user, Role.REVIEWER, case.region, case.department_id
    )
