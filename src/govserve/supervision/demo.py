"""Demo data for the supervisor's workbench: cases of 广安区 in every category the demo
supervisor (`gac-supervisor`, 广安市 and below) watches — overdue, due soon, acceptance late,
deemed accepted, clock stopped too long, decided and waiting for delivery (in time and late).

Each is applied for through the cases services (number, materials, events, acceptance,
suspension as the pages make them), then its dates are moved back as if it had been received
weeks ago (the deadlines recomputed in working days from that day, as the services count
them); the decided ones get their decision fields as the factories write them. Idempotent:
each demo case has its own idempotency key and is made once.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from govserve.accounts.models import User
from govserve.cases import services
from govserve.cases.demo import FORM, _uploads
from govserve.cases.models import (
    CURRENT_DEADLINE,
    Case,
    CaseEvent,
    CaseState,
    IdempotencyKey,
    Outcome,
    SuspensionReason,
)
from govserve.catalog.models import ImplementationItem, ItemState
from govserve.workcalendar.deadlines import add_working_days

CITIZEN_MOBILE = "13800000001"
ITEM_NAME = "食品经营许可"
REGION_CODE = "511602000000"  # 广安区
KINDS = ["red", "yellow", "acceptance_late", "deemed", "stopped", "undelivered", "delivery_late"]
LABELS = {
    "red": "审查超期",
    "yellow": "即将到期",
    "acceptance_late": "受理超期",
    "deemed": "逾期视为受理",
    "stopped": "暂停计时超时",
    "undelivered": "已决定待送达",
    "delivery_late": "送达超期",
}


def _aware(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _backdate(case: Case, received: dt.date) -> None:
    """As if the materials had been received on `received` (and accepted that day, if the case
    is accepted): every deadline recomputed from it in working days."""
    case.submitted_at = _aware(received, 9)
    case.received_on = received
    case.acceptance_due = add_working_days(received, 5).due
    if case.accepted_on:
        case.accepted_on = received
        case.statutory_due = add_working_days(received, case.statutory_limit_days or 0).due
        case.promised_due = add_working_days(received, case.promised_limit_days or 0).due
    field = CURRENT_DEADLINE.get(case.state)
    case.current_due = getattr(case, field[0]) if field else None
    case.save()


def _decide(case: Case, on: dt.date) -> None:
    """Decided (approved) on `on`, waiting for delivery within 10 working days (Art 44)."""
    case.state = CaseState.DECIDED
    case.outcome = Outcome.APPROVED
    case.decided_at = _aware(on, 15)
    case.delivery_due = add_working_days(on, 10).due
    case.current_due = case.delivery_due
    case.save()
    CaseEvent.objects.create(case=case, action="decide", label="作出准予许可决定（演示）")


def _received_for_due(limit: int, due_by: dt.date, today: dt.date) -> dt.date:
    """The latest day of receipt whose `limit`-working-day deadline falls on or before `due_by`."""
    day = today
    while add_working_days(day, limit).due > due_by:
        day -= dt.timedelta(days=1)
    return day


def _make(kind: str, citizen: User, clerk: User, reviewer: User, item, today: dt.date) -> Case:
    case, _ = services.apply(
        citizen,
        idempotency_key=f"demo-supervision-{kind}",
        item=item,
        form_data=FORM,
        uploads=_uploads([item]),
    )
    weeks_ago = today - dt.timedelta(days=45)
    if kind == "acceptance_late":
        _backdate(case, today - dt.timedelta(days=12))
        return case
    if kind == "deemed":
        _backdate(case, today - dt.timedelta(days=12))
        return services.accept(case, clerk)  # lapsed: the law accepted it on receipt (Art 32)
    case = services.accept(case, clerk)
    if kind == "red":
        _backdate(case, weeks_ago)
    elif kind == "yellow":
        soon = add_working_days(today, 2).due
        _backdate(case, _received_for_due(case.promised_limit_days or 0, soon, today))
    elif kind == "stopped":
        _backdate(case, weeks_ago)
        services.suspend_clock(
            case,
            reviewer,
            reason=SuspensionReason.HEARING,
            explanation="申请人要求听证，待组织听证（演示）",
            expected_end=today + dt.timedelta(days=10),
            starts_on=weeks_ago + dt.timedelta(days=2),
        )
    elif kind == "undelivered":
        _backdate(case, today - dt.timedelta(days=10))
        _decide(case, today - dt.timedelta(days=1))
    elif kind == "delivery_late":
        _backdate(case, weeks_ago)
        _decide(case, today - dt.timedelta(days=25))
    return case


def load() -> list[str]:
    """Create the demo cases once; return lines to print."""
    citizen = User.objects.filter(mobile=CITIZEN_MOBILE).first()
    clerk = User.objects.filter(username="ga-clerk").first()
    reviewer = User.objects.filter(username="ga-reviewer").first()
    item = ImplementationItem.objects.filter(
        name=ITEM_NAME, region__code=REGION_CODE, state=ItemState.PUBLISHED
    ).first()
    if not (citizen and clerk and reviewer and item):
        return []
    today = timezone.localdate()
    lines = []
    for kind in KINDS:
        if IdempotencyKey.objects.filter(user=citizen, key=f"demo-supervision-{kind}").exists():
            continue
        with transaction.atomic():
            case = _make(kind, citizen, clerk, reviewer, item, today)
        lines.append(f"监察演示：{case.number}（{LABELS[kind]}）")
    return lines
