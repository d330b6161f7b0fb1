"""Reads: the inbox (待办任务) and what a task page shows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govserve.cases.models import Case, CaseEvent, Extension
from govserve.cases.warnings import YELLOW_WORKING_DAYS
from govserve.workcalendar.deadlines import remaining_working_days

from .models import OPEN_TASK_STATES, Task, TaskState
from .permissions import may_view, task_scope_q

DUE_SOON_WORKING_DAYS = YELLOW_WORKING_DAYS  # yellow: the same rule as the deadline warnings


class Mark:
    OVERDUE = "overdue"  # red
    DUE_SOON = "due_soon"  # yellow
    SUSPENDED = "suspended"  # the clock is stopped: neither red nor yellow
    NORMAL = ""

    LABELS = {
        OVERDUE: _("已超期"),
        DUE_SOON: _("即将到期"),
        SUSPENDED: _("暂停计时"),
        NORMAL: _("正常"),
    }


def mark(task: Task, today: dt.date | None = None) -> str:
    """Red when overdue, yellow when due within 3 working days; a suspended case is neither."""
    today = today or timezone.localdate()
    if task.case.clock_stopped:
        return Mark.SUSPENDED
    if task.due is None:
        return Mark.NORMAL
    if task.due < today:
        return Mark.OVERDUE
    if remaining_working_days(task.due, today) <= DUE_SOON_WORKING_DAYS:
        return Mark.DUE_SOON
    return Mark.NORMAL


def inbox(
    user,
    *,
    state: str | None = None,
    mine: bool = False,
    role: str | None = None,
    green_channel: bool | None = None,
    overdue: bool | None = None,
    q: str = "",
    today: dt.date | None = None,
) -> QuerySet[Task]:
    """Open and claimed tasks the user may act on (their departments and regions), green
    channel first, then by due date (no date last)."""
    qs = Task.objects.filter(task_scope_q(user), state__in=OPEN_TASK_STATES)
    if state in OPEN_TASK_STATES:
        qs = qs.filter(state=state)
    if mine:
        qs = qs.filter(claimed_by_id=user.pk)
    if role:
        qs = qs.filter(role=role)
    if green_channel is not None:
        qs = qs.filter(green_channel=green_channel)
    if overdue is not None:
        late = Q(due__lt=today or timezone.localdate(), case__clock_stopped=False)
        qs = qs.filter(late) if overdue else qs.exclude(late)
    if q:
        qs = qs.filter(
            Q(case__number__icontains=q)
            | Q(case__title__icontains=q)
            | Q(case__applicant_name__icontains=q)
        )
    return qs.select_related(
        "case", "department", "region", "case_item__item", "claimed_by"
    ).order_by("-green_channel", F("due").asc(nulls_last=True), "pk")


def with_marks(tasks, today: dt.date | None = None) -> list[Task]:
    today = today or timezone.localdate()
    rows = list(tasks)
    for task in rows:
        task.mark = mark(task, today)
        task.mark_label = Mark.LABELS[task.mark]
    return rows


def visible_task(user, pk) -> Task | None:
    """The task if the user may see it (act on it, or read its case as staff); else None."""
    try:
        task = Task.objects.select_related(
            "case",
            "case__region",
            "case__department",
            "case__item",
            "case__bundle",
            "case_item__item",
            "case_item__department",
            "department",
            "region",
            "claimed_by",
            "completed_by",
            "instance__definition",
        ).get(pk=pk)
    except (Task.DoesNotExist, ValueError, TypeError):
        return None
    return task if may_view(user, task) else None


@dataclass
class HistoryEntry:
    at: dt.datetime
    label: str
    actor: str
    note: str


def history(case: Case) -> list[HistoryEntry]:
    """The case's steps and the process's completed tasks, in time order (staff view)."""
    entries = [
        HistoryEntry(e.at, e.label, str(e.actor or e.actor_role or ""), e.note)
        for e in CaseEvent.objects.filter(case=case).select_related("actor")
    ]
    for t in Task.objects.filter(case=case, state=TaskState.DONE).select_related("completed_by"):
        assert t.completed_at is not None  # set when a task is done
        entries.append(
            HistoryEntry(
                t.completed_at,
                f"{t.label}：{t.get_outcome_display()}",
                str(t.completed_by or ""),
                t.reasons,
            )
        )
    return sorted(entries, key=lambda e: e.at)


def pending_extensions(case: Case) -> list[Extension]:
    return list(
        case.extensions.filter(state=Extension.State.REQUESTED).select_related("requested_by")
    )


def case_tasks(case: Case) -> QuerySet[Task]:
    return (
        Task.objects.filter(case=case)
        .select_related("department", "claimed_by", "completed_by")
        .order_by("created_at", "pk")
    )
