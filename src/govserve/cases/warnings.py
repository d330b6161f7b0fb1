"""Deadline warnings (期限预警) to the staff who handle a case.

A case whose current deadline (`Case.current_due`: the acceptance deadline while it waits for
acceptance, the promised decision deadline under review, the delivery deadline after the
decision) falls within `YELLOW_WORKING_DAYS` working days is **yellow** (预警); one whose
deadline has passed is **red** (超期). The people who can act on it get an in-app
`Notification`:

- waiting for acceptance (submitted): the counter clerks of the case's region;
- under review: the reviewers of every department with an item in the case, and the
  approvers of the lead department;
- decided, waiting for delivery: the counter clerks of the region and the reviewers of the
  lead department.

Each case is warned at most once per stage and level (`DeadlineWarning`, unique), so the
hourly run repeats nothing; a case whose clock is stopped (Art 45) is not warned. The cases are
found per batch of departments by a range scan of the `case_dept_due` index (department,
state, current_due) — only the due-soon and overdue cases are read, never all open cases.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from govserve.accounts.models import Role, RoleGrant
from govserve.accounts.policies import grant_covers
from govserve.regions.models import PREFIX_LENGTH, Department
from govserve.workcalendar.deadlines import add_working_days, remaining_working_days

from .models import (
    CURRENT_DEADLINE,
    Case,
    CaseItem,
    CaseState,
    DeadlineWarning,
    Notification,
    WarningLevel,
)

YELLOW_WORKING_DAYS = 3  # the inbox marks the same cases yellow (workflow.selectors)
WARNED_STATES = (CaseState.SUBMITTED, CaseState.IN_REVIEW, CaseState.DECIDED)
DEPARTMENT_BATCH = 500


def due_cases(
    department_ids: Iterable[int], level: str, today: dt.date, soon: dt.date
) -> QuerySet[Case]:
    """Open, running cases of these departments that need a `level` warning: red — due before
    `today`; yellow — due from `today` to `soon` inclusive; not yet warned at that level in
    their current stage. One index range scan per (department, state) on `case_dept_due`,
    and an anti-join on the warnings' unique index."""
    due = (
        Q(current_due__lt=today)
        if level == WarningLevel.RED
        else Q(current_due__gte=today, current_due__lte=soon)
    )
    already = DeadlineWarning.objects.filter(
        case=OuterRef("pk"), stage=OuterRef("state"), level=level
    )
    return (
        Case.objects.filter(
            due,
            department_id__in=list(department_ids),
            state__in=WARNED_STATES,
            clock_stopped=False,
        )
        .filter(~Exists(already))
        .select_related("region", "department")
        .order_by("department_id", "state", "current_due", "pk")
    )


def _batches(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _region_prefixes(code: str) -> set[str]:
    return {code[:n] for n in PREFIX_LENGTH.values()}


def _grants_for(cases: list[Case]) -> list[RoleGrant]:
    """Active clerk, reviewer and approver grants that may cover these cases (one query; the
    covering rule itself is `accounts.policies.grant_covers`)."""
    now = timezone.now()
    prefixes = set().union(*(_region_prefixes(c.region.code) for c in cases))
    departments = {c.department_id for c in cases} | {
        d for c in cases for d in getattr(c, "item_departments", ())
    }
    return list(
        RoleGrant.objects.filter(
            revoked_at__isnull=True,
            user__is_active=True,
            region__prefix__in=prefixes,
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
        .filter(
            Q(role=Role.COUNTER_CLERK)
            | Q(role__in=[Role.REVIEWER, Role.APPROVER], department_id__in=departments)
        )
        .select_related("region")
    )


def recipients(case: Case, grants: list[RoleGrant]) -> set[int]:
    """User ids of the staff who handle `case` at its current stage."""
    wanted: list[tuple[str, set[int] | None]]  # (role, departments; None = any)
    if case.state == CaseState.SUBMITTED:
        wanted = [(Role.COUNTER_CLERK, None)]
    elif case.state == CaseState.IN_REVIEW:
        items = set(getattr(case, "item_departments", ())) or {case.department_id}
        wanted = [(Role.REVIEWER, items), (Role.APPROVER, {case.department_id})]
    else:
        wanted = [(Role.COUNTER_CLERK, None), (Role.REVIEWER, {case.department_id})]
    users = set()
    for grant in grants:
        for role, departments in wanted:
            if grant.role != role:
                continue
            if departments is not None and grant.department_id not in departments:
                continue
            if grant_covers(grant, case.region):
                users.add(grant.user_id)
    return users


def _message(case: Case, level: str, today: dt.date) -> tuple[str, str]:
    deadline = CURRENT_DEADLINE[case.state][1]
    assert case.current_due is not None  # due_cases() selects cases by their running deadline
    left = remaining_working_days(case.current_due, today)
    values = {
        "number": case.number,
        "title": case.title,
        "applicant": case.applicant_name,
        "deadline": deadline,
        "due": case.current_due,
        "days": abs(left),
    }
    if level == WarningLevel.RED:
        subject = _("【超期】办件 %(number)s 已超过%(deadline)s") % values
        body = (
            _(
                "办件 %(number)s（%(title)s，申请人 %(applicant)s）的%(deadline)s为 %(due)s，"
                "已超期 %(days)d 个工作日，请立即处理。"
            )
            % values
        )
    else:
        subject = _("【预警】办件 %(number)s 即将到达%(deadline)s") % values
        body = (
            _(
                "办件 %(number)s（%(title)s，申请人 %(applicant)s）的%(deadline)s为 %(due)s，"
                "还剩 %(days)d 个工作日，请抓紧办理。"
            )
            % values
        )
    return subject, body


def _warn(case: Case, level: str, users: set[int], today: dt.date) -> bool:
    """Record the warning and notify `users`, in one transaction; False if it was already sent
    (a concurrent run got there first)."""
    subject, body = _message(case, level, today)
    assert case.current_due is not None  # as in _message
    with transaction.atomic():
        try:
            with transaction.atomic():
                DeadlineWarning.objects.create(
                    case=case,
                    stage=case.state,
                    level=level,
                    due=case.current_due,
                    recipients=len(users),
                )
        except IntegrityError:
            return False
        Notification.objects.bulk_create(
            [
                Notification(recipient_id=user_id, case=case, subject=subject, body=body)
                for user_id in sorted(users)
            ]
        )
    return True


def send_deadline_warnings(today: dt.date | None = None) -> int:
    """Warn the staff of every case that became due-soon (yellow) or overdue (red) and was not
    warned at that level in its current stage. Returns the number of warnings sent. A case
    that nobody currently handles is left for a later run (nothing recorded)."""
    today = today or timezone.localdate()
    soon = add_working_days(today, YELLOW_WORKING_DAYS).due
    sent = 0
    department_ids = list(Department.objects.order_by("pk").values_list("pk", flat=True))
    for batch in _batches(department_ids, DEPARTMENT_BATCH):
        found = [
            (case, level)
            for level in (WarningLevel.RED, WarningLevel.YELLOW)
            for case in due_cases(batch, level, today, soon)
        ]
        if not found:
            continue
        cases = [case for case, _level in found]
        by_case: dict[int, set[int]] = defaultdict(set)
        for case_id, department_id in CaseItem.objects.filter(
            case_id__in=[c.pk for c in cases if c.state == CaseState.IN_REVIEW]
        ).values_list("case_id", "department_id"):
            by_case[case_id].add(department_id)
        for case in cases:
            case.item_departments = by_case.get(case.pk, set())  # type: ignore[attr-defined]  # read back with getattr() below
        grants = _grants_for(cases)
        for case, level in found:
            users = recipients(case, grants)
            if users:
                sent += _warn(case, level, users, today)
    return sent
