"""The built-in overdue sources of the escalation ladder (registered in `apps.py` into
`supervision.registries.OVERDUE_SOURCES`): late cases and late 督办 replies.

Both read in primary-key batches (`after_id`, `limit`) with filters an index serves:
- `case`: running states, clock not stopped, `current_due` before today — the condition of
  the open-running-cases partial index (and of `case_dept_due` / `case_region_due`);
- `notice`: open notices whose reply deadline passed (`notice_state_due`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from govserve.accounts.models import Role, RoleGrant
from govserve.accounts.policies import grant_covers
from govserve.cases.models import CURRENT_DEADLINE, Case, CaseItem, CaseState
from govserve.cases.warnings import WARNED_STATES, _grants_for, recipients
from govserve.supervision.registries import OverdueWork
from govserve.workflow.models import OPEN_TASK_STATES, Task

from .models import NoticeState, SupervisionNotice

RUNNING_STATES = WARNED_STATES  # submitted, in review, decided: a deadline runs


def running_cases(today: dt.date, after_id: int = 0):
    """Open, running cases whose current deadline passed, by pk."""
    return Case.objects.filter(
        state__in=RUNNING_STATES, clock_stopped=False, current_due__lt=today, pk__gt=after_id
    ).order_by("pk")


def with_item_departments(cases: list[Case]) -> None:
    """Set `item_departments` on cases under review (what cases.warnings.recipients reads)."""
    by_case: dict[int, set[int]] = defaultdict(set)
    for case_id, department_id in CaseItem.objects.filter(
        case_id__in=[c.pk for c in cases if c.state == CaseState.IN_REVIEW]
    ).values_list("case_id", "department_id"):
        by_case[case_id].add(department_id)
    for case in cases:
        case.item_departments = by_case.get(case.pk, set())  # type: ignore[attr-defined]  # read by cases.warnings.recipients


def case_handlers(cases: list[Case]) -> dict[int, set[int]]:
    """User ids handling each case at its current stage (the cases.warnings rule)."""
    if not cases:
        return {}
    with_item_departments(cases)
    grants = _grants_for(cases)
    return {case.pk: recipients(case, grants) for case in cases}


def responsible_people(case_ids: list[int]) -> dict[int, int]:
    """The person answerable for each case's current stage where known: whoever claimed its
    open workflow task (the first one by pk), else the clerk who filed it at the counter."""
    found: dict[int, int] = {}
    for case_id, user_id in (
        Task.objects.filter(
            case_id__in=case_ids, state__in=OPEN_TASK_STATES, claimed_by__isnull=False
        )
        .order_by("pk")
        .values_list("case_id", "claimed_by_id")
    ):
        found.setdefault(case_id, user_id)
    for case_id, filed_by in Case.objects.filter(
        pk__in=[c for c in case_ids if c not in found], filed_by__isnull=False
    ).values_list("pk", "filed_by_id"):
        found[case_id] = filed_by
    return found


def case_title(case: Case) -> str:
    deadline = CURRENT_DEADLINE[case.state][1]
    return _("办件 %(number)s（%(title)s）%(deadline)s超期") % {
        "number": case.number,
        "title": case.title,
        "deadline": deadline,
    }


def case_source(today: dt.date, *, after_id: int = 0, limit: int = 500) -> list[OverdueWork]:
    cases = list(running_cases(today, after_id).select_related("region", "department")[:limit])
    handlers = case_handlers(cases)
    work = []
    for case in cases:
        assert case.current_due is not None  # running_cases() selects by the running deadline
        work.append(
            OverdueWork(
                kind="case",
                key=f"case:{case.pk}:{case.state}",
                object_id=case.pk,
                region_id=case.region_id,
                department_id=case.department_id,
                due=case.current_due,
                title=case_title(case),
                url=reverse("cases:staff-case", args=[case.pk]),
                handler_ids=frozenset(handlers.get(case.pk, ())),
                case_id=case.pk,
            )
        )
    return work


def department_staff(department_id: int, region) -> set[int]:
    """Reviewers and approvers of the department whose grant covers the region."""
    now = timezone.now()
    grants = (
        RoleGrant.objects.filter(
            role__in=[Role.REVIEWER, Role.APPROVER],
            department_id=department_id,
            revoked_at__isnull=True,
            user__is_active=True,
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
        .select_related("region")
    )
    return {g.user_id for g in grants if grant_covers(g, region)}


def notice_source(today: dt.date, *, after_id: int = 0, limit: int = 500) -> list[OverdueWork]:
    notices = list(
        SupervisionNotice.objects.filter(state=NoticeState.OPEN, due__lt=today, pk__gt=after_id)
        .select_related("region")
        .order_by("pk")[:limit]
    )
    return [
        OverdueWork(
            kind="notice",
            key=notice.escalation_key,
            object_id=notice.pk,
            region_id=notice.region_id,
            department_id=notice.department_id,
            due=notice.due,
            title=_("督办 %(number)s（%(subject)s）回复超期")
            % {"number": notice.number, "subject": notice.subject},
            url=reverse("escalation:notice", args=[notice.pk]),
            handler_ids=frozenset(department_staff(notice.department_id, notice.region)),
            case_id=notice.case_id,
        )
        for notice in notices
    ]
