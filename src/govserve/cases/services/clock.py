"""Deadlines: due dates recomputed, clock suspensions (Art 45), the one extension (Art 42)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govserve.workcalendar.deadlines import add_working_days

from .. import permissions
from ..documents import issue_document
from ..errors import CaseError
from ..models import (
    CURRENT_DEADLINE,
    Case,
    CaseState,
    ClockSuspension,
    DeadlineRecord,
    DocumentKind,
    Extension,
    SuspensionReason,
)
from ..notifications import notify_applicant
from ._common import ACCEPTANCE_DAYS, DELIVERY_DAYS, _event, _expect, _lock, _save, today

DUE_FIELDS = (
    "acceptance_due",
    "statutory_due",
    "promised_due",
    "delivery_due",
    "current_due",
    "due_provisional",
    "clock_stopped",
)


def _suspension_periods(case: Case) -> list[tuple[dt.date, dt.date | None]]:
    if not case.pk:
        return []
    return [(s.starts_on, s.ends_on) for s in case.suspensions.all()]


def _recompute(case: Case, cause: str) -> None:
    """Recompute and store every due date of `case` (in memory; the caller saves) and log it."""
    provisional = False
    if case.received_on:
        due = add_working_days(case.received_on, ACCEPTANCE_DAYS)
        case.acceptance_due, provisional = due.due, due.provisional
    if case.accepted_on:
        periods = _suspension_periods(case)
        # An open suspension counts as ending today: the earliest the case can now be due.
        now = today()
        limit = (case.statutory_limit_days or 0) + case.extension_days
        statutory = add_working_days(case.accepted_on, limit, periods, as_of=now)
        limit = (case.promised_limit_days or 0) + case.extension_days
        promised = add_working_days(case.accepted_on, limit, periods, as_of=now)
        case.statutory_due, case.promised_due = statutory.due, promised.due
        provisional = statutory.provisional or promised.provisional
        case.clock_stopped = any(end is None for _start, end in periods)
    if case.decided_at:
        delivery = add_working_days(timezone.localdate(case.decided_at), DELIVERY_DAYS)
        case.delivery_due, provisional = delivery.due, delivery.provisional
    case.due_provisional = provisional
    running = CURRENT_DEADLINE.get(case.state)
    case.current_due = getattr(case, running[0]) if running else None
    if case.pk:
        DeadlineRecord.objects.create(
            case=case,
            cause=cause[:200],
            acceptance_due=case.acceptance_due,
            statutory_due=case.statutory_due,
            promised_due=case.promised_due,
            delivery_due=case.delivery_due,
            provisional=provisional,
        )


@transaction.atomic
def recompute_deadlines(case: Case, cause: str) -> Case:
    case = _lock(case)
    _recompute(case, cause)
    _save(case, *DUE_FIELDS)
    return case


@transaction.atomic
def suspend_clock(
    case: Case,
    actor,
    *,
    reason: str,
    explanation: str,
    expected_end: dt.date,
    starts_on: dt.date | None = None,
    department=None,
) -> ClockSuspension:
    case = _lock(case)
    if not (permissions.can_review_case(actor, case) or permissions.can_approve(actor, case)):
        raise CaseError("case", _("您无权对该办件暂停计时"), status=403)
    _expect(case, CaseState.IN_REVIEW)
    errors = {}
    if reason not in SuspensionReason.values:
        errors["reason"] = [
            _(
                "暂停计时须有法定事由（听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审、现场检查）"
            )
        ]
    if not (explanation or "").strip():
        errors["explanation"] = [_("请说明需要暂停计时的情况，并将告知申请人")]
    starts_on = starts_on or today()
    if expected_end is None or expected_end < starts_on:
        errors["expected_end"] = [_("预计结束日期不能早于开始日期")]
    assert case.accepted_on is not None  # set on acceptance, before review
    if starts_on < case.accepted_on:
        errors["starts_on"] = [_("暂停不能早于受理日期")]
    if errors:
        raise ValidationError(errors)
    if case.suspensions.filter(ends_on__isnull=True).exists():
        raise CaseError("case", _("该办件已在暂停计时中"), status=409)
    department = department or case.department
    suspension = ClockSuspension.objects.create(
        case=case,
        department=department,
        reason=reason,
        explanation=explanation.strip(),
        starts_on=starts_on,
        expected_end=expected_end,
        requested_by=actor,
    )
    _recompute(case, _("暂停计时：%(reason)s") % {"reason": suspension.get_reason_display()})
    _save(case, *DUE_FIELDS)
    text = _(
        "%(applicant)s：\n您的申请（办件编号 %(number)s）需要进行%(reason)s，所需时间不计入办理期限。自 %(start)s 起暂停计时，预计 %(end)s 结束。说明：%(explanation)s"  # noqa: E501
    ) % {
        "applicant": case.applicant_name,
        "number": case.number,
        "reason": suspension.get_reason_display(),
        "start": starts_on,
        "end": expected_end,
        "explanation": suspension.explanation,
    }
    issue_document(case, DocumentKind.SUSPENSION, department=department, text=text, on=today())
    _event(
        case,
        "suspended",
        _("暂停计时（%(reason)s）") % {"reason": suspension.get_reason_display()},
        actor=actor,
        role=_("审查人员"),
        department=department,
        note=suspension.explanation,
    )
    notify_applicant(case, _("办件暂停计时：%(number)s") % {"number": case.number}, text)
    return suspension


@transaction.atomic
def resume_clock(case: Case, actor, *, on: dt.date | None = None) -> ClockSuspension:
    case = _lock(case)
    if not (permissions.can_review_case(actor, case) or permissions.can_approve(actor, case)):
        raise CaseError("case", _("您无权恢复计时"), status=403)
    suspension = case.suspensions.filter(ends_on__isnull=True).first()
    if suspension is None:
        raise CaseError("case", _("该办件没有正在进行的暂停计时"), status=409)
    on = on or today()
    if on < suspension.starts_on:
        raise ValidationError({"on": [_("恢复日期不能早于暂停开始日期")]})
    suspension.ends_on = on
    suspension.ended_by = actor
    suspension.save(update_fields=["ends_on", "ended_by"])
    _recompute(case, _("恢复计时"))
    _save(case, *DUE_FIELDS)
    _event(
        case,
        "resumed",
        _("恢复计时"),
        actor=actor,
        role=_("审查人员"),
        department=suspension.department,
    )
    notify_applicant(
        case,
        _("办件恢复计时：%(number)s") % {"number": case.number},
        _("您的申请自 %(on)s 起恢复计时，新的办结期限为 %(due)s。")
        % {"on": on, "due": case.promised_due},
    )
    return suspension


@transaction.atomic
def request_extension(case: Case, actor, *, days: int, reasons: str) -> Extension:
    case = _lock(case)
    if not permissions.can_review_case(actor, case):
        raise CaseError("case", _("您无权为该办件申请延期"), status=403)
    _expect(case, CaseState.IN_REVIEW)
    if case.extensions.exclude(state=Extension.State.REJECTED).exists():
        raise CaseError("days", _("审批期限只能延长一次"), status=409)
    errors = {}
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= case.max_extension_days:
        errors["days"] = (
            [_("延长期限应为 1 至 %(max)d 个工作日") % {"max": case.max_extension_days}]
            if case.max_extension_days
            else [_("即办件不能延期")]
        )
    if not (reasons or "").strip():
        errors["reasons"] = [_("请填写延期理由（将告知申请人）")]
    if errors:
        raise ValidationError(errors)
    ext = Extension.objects.create(
        case=case, days=days, reasons=reasons.strip(), requested_by=actor
    )
    _event(
        case,
        "extension_requested",
        _("申请延长审批期限 %(days)d 个工作日") % {"days": days},
        actor=actor,
        role=_("审查人员"),
        public=False,
    )
    return ext


@transaction.atomic
def decide_extension(extension: Extension, actor, *, approve: bool) -> Extension:
    """The department head approves (the deadline moves, the applicant is told why) or rejects."""
    extension = Extension.objects.select_for_update().get(pk=extension.pk)
    case = _lock(extension.case)
    if not permissions.can_approve(actor, case):
        raise CaseError("extension", _("延期须经本部门审批负责人批准"), status=403)
    if extension.state != Extension.State.REQUESTED:
        raise CaseError("extension", _("该延期申请已处理"), status=409)
    _expect(case, CaseState.IN_REVIEW)
    extension.state = Extension.State.APPROVED if approve else Extension.State.REJECTED
    extension.decided_by = actor
    extension.decided_at = timezone.now()
    extension.save(update_fields=["state", "decided_by", "decided_at"])
    if not approve:
        _event(
            case,
            "extension_rejected",
            _("延期申请未获批准"),
            actor=actor,
            role=_("审批负责人"),
            public=False,
        )
        return extension
    case.extension_days = extension.days
    _recompute(case, _("延长审批期限 %(days)d 个工作日") % {"days": extension.days})
    _save(case, "extension_days", *DUE_FIELDS)
    text = _(
        "%(applicant)s：\n您的申请（办件编号 %(number)s）经本机关负责人批准，审批期限延长 %(days)d 个工作日，新的期限为 %(due)s。理由：%(reasons)s"  # noqa: E501
    ) % {
        "applicant": case.applicant_name,
        "number": case.number,
        "days": extension.days,
        "due": case.statutory_due,
        "reasons": extension.reasons,
    }
    issue_document(case, DocumentKind.EXTENSION, department=case.department, text=text, on=today())
    _event(
        case,
        "extended",
        _("延长审批期限 %(days)d 个工作日") % {"days": extension.days},
        actor=actor,
        role=_("审批负责人"),
        note=extension.reasons,
    )
    notify_applicant(case, _("审批期限延长：%(number)s") % {"number": case.number}, text)
    return extension


def recompute_open_cases_in_year(year: int) -> int:
    """After a yearly holiday notice is loaded: recompute open cases whose dates may move."""
    from django.db.models import Q

    start, end = dt.date(year - 1, 12, 1), dt.date(year, 12, 31)
    qs = Case.objects.filter(
        state__in=[CaseState.SUBMITTED, CaseState.IN_REVIEW, CaseState.DECIDED]
    ).filter(
        Q(due_provisional=True)
        | Q(current_due__range=(start, end))
        | Q(statutory_due__range=(start, end))
    )
    count = 0
    for case in qs.only("pk").iterator():
        recompute_deadlines(case, _("%(year)d 年放假安排通知已载入，重新计算期限") % {"year": year})
        count += 1
    return count
