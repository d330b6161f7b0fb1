"""Review and decision: each department's conclusion, the joint outcome, the written decision."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions, signals
from ..documents import issue_document
from ..errors import CaseError
from ..models import Case, CaseItem, CaseState, DeliveryMethod, DocumentKind, Outcome
from ..notifications import notify_applicant
from ._common import RIGHTS_TEXT, _event, _expect, _lock, _on_commit, _save, today
from .clock import DUE_FIELDS, _recompute
from .delivery import _deliver


@transaction.atomic
def record_review(case_item: CaseItem, actor, *, outcome: str, reasons: str = "") -> CaseItem:
    """One department's conclusion on its item
    (called by the workflow when a review task completes)."""
    case_item = (
        CaseItem.objects.select_for_update(of=("self",))
        .select_related("case", "department")
        .get(pk=case_item.pk)
    )
    case = _lock(case_item.case)
    _expect(case, CaseState.IN_REVIEW)
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": [_("审查结论应为准予或不予")]})
    if outcome == Outcome.DENIED and not (reasons or "").strip():
        raise ValidationError({"reasons": [_("不予许可须写明理由")]})
    if case_item.outcome:
        raise CaseError("task", _("该事项已审查完毕"), status=409)
    case_item.outcome, case_item.reasons = outcome, (reasons or "").strip()
    case_item.reviewed_by, case_item.reviewed_at = actor, timezone.now()
    case_item.save(update_fields=["outcome", "reasons", "reviewed_by", "reviewed_at"])
    _event(
        case,
        "reviewed",
        _("%(dept)s审查：%(outcome)s")
        % {"dept": case_item.department.name, "outcome": case_item.get_outcome_display()},
        actor=actor,
        role=_("审查人员"),
        department=case_item.department,
        note=case_item.reasons,
    )
    return case_item


@transaction.atomic
def reopen_review(case_item: CaseItem, actor, *, reasons: str) -> CaseItem:
    """退回重新审查: the approver sends an item's review back; its conclusion is cleared so the
    department reviews again (called by the workflow when a 决定 task is returned)."""
    case_item = (
        CaseItem.objects.select_for_update(of=("self",))
        .select_related("case", "department")
        .get(pk=case_item.pk)
    )
    case = _lock(case_item.case)
    _expect(case, CaseState.IN_REVIEW)
    if not (reasons or "").strip():
        raise ValidationError({"reasons": [_("退回须写明理由")]})
    case_item.outcome, case_item.reasons = "", ""
    case_item.reviewed_by, case_item.reviewed_at = None, None
    case_item.save(update_fields=["outcome", "reasons", "reviewed_by", "reviewed_at"])
    _event(
        case,
        "review_returned",
        _("退回%(dept)s重新审查") % {"dept": case_item.department.name},
        actor=actor,
        role=_("审批负责人"),
        department=case_item.department,
        note=reasons.strip(),
        public=False,
    )
    return case_item


def joint_outcome(case: Case) -> tuple[str, str]:
    """All items approved → approved; any denied → denied with the denying departments' reasons."""
    denied = [
        ci for ci in case.case_items.select_related("department") if ci.outcome == Outcome.DENIED
    ]
    if denied:
        # a department denying several items with one conclusion is named once
        lines = dict.fromkeys(f"{ci.department.name}：{ci.reasons}" for ci in denied)
        return Outcome.DENIED, "\n".join(lines)
    return Outcome.APPROVED, ""


@transaction.atomic
def decide(case: Case, actor, *, outcome: str, reasons: str = "") -> Case:
    """The written decision (准予 / 不予许可).
    `actor` None = the joint decision taken by the process."""
    case = _lock(case)
    if actor is not None and not permissions.can_approve(actor, case):
        raise CaseError("case", _("只有本部门审批负责人可以作出决定"), status=403)
    _expect(case, CaseState.IN_REVIEW)
    if case.clock_stopped:
        raise CaseError("case", _("办件正在暂停计时，请先恢复计时再作决定"), status=409)
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": [_("决定应为准予或不予")]})
    if outcome == Outcome.DENIED and not (reasons or "").strip():
        raise ValidationError({"reasons": [_("不予许可决定须写明理由")]})
    now = timezone.now()
    case.state, case.outcome, case.decision_reasons, case.decided_at = (
        CaseState.DECIDED,
        outcome,
        (reasons or "").strip(),
        now,
    )
    _recompute(case, _("作出决定，开始计算送达期限"))
    _save(case, "state", "outcome", "decision_reasons", "decided_at", *DUE_FIELDS)
    if outcome == Outcome.APPROVED:
        text = _(
            "%(applicant)s：\n您申请的“%(title)s”（办件编号 %(number)s），经审查符合法定条件、标准，决定准予许可。"  # noqa: E501
        ) % {
            "applicant": case.applicant_name,
            "title": case.title,
            "number": case.number,
        }
        kind = DocumentKind.APPROVAL
        signals.case_approving.send(sender=Case, case=case, actor=actor)
    else:
        text = _(
            "%(applicant)s：\n您申请的“%(title)s”（办件编号 %(number)s），经审查决定不予许可。理由：%(reasons)s"  # noqa: E501
        ) % {
            "applicant": case.applicant_name,
            "title": case.title,
            "number": case.number,
            "reasons": case.decision_reasons,
        }
        text += RIGHTS_TEXT()
        kind = DocumentKind.DENIAL
    issue_document(case, kind, department=case.department, text=text, on=today())
    _event(
        case,
        "decided",
        _("作出决定：%(outcome)s") % {"outcome": case.get_outcome_display()},
        actor=actor,
        role=_("审批负责人") if actor else _("联合审批"),
        note=case.decision_reasons,
    )
    notify_applicant(
        case,
        _("办理结果：%(number)s %(outcome)s")
        % {"number": case.number, "outcome": case.get_outcome_display()},
        text,
    )
    _on_commit(signals.case_decided, case)
    if case.delivery_method == DeliveryMethod.ELECTRONIC:
        _deliver(
            case,
            actor,
            method=DeliveryMethod.ELECTRONIC,
            note=_("决定书已送达申请人的电子证照与文书空间"),
        )
    return case
