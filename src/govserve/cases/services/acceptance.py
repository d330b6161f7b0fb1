"""Completeness and acceptance (Art 32): accept, refuse, correct once, resubmit, deem accepted."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions, signals
from ..documents import issue_document
from ..errors import CaseError
from ..models import Case, CaseState, CorrectionNotice, DocumentKind, MaterialStatus
from ..notifications import notify_applicant
from ..requirements import _missing, _missing_messages, case_items
from ._common import RIGHTS_TEXT, _event, _expect, _lock, _on_commit, _save, today
from .clock import DUE_FIELDS, _recompute
from .intake import _attach_held_licences, _check_editable


def _accept(case: Case, actor, *, on: dt.date, deemed: bool) -> Case:
    case.state = CaseState.IN_REVIEW
    case.accepted_on = on
    case.deemed_accepted = deemed
    _recompute(case, _("逾期未作处理，依法视为受理") if deemed else _("受理"))
    _save(case, "state", "accepted_on", "deemed_accepted", *DUE_FIELDS)
    case.materials.filter(status=MaterialStatus.RECEIVED).update(status=MaterialStatus.ACCEPTED)
    text = _(
        "%(applicant)s：\n您于 %(received)s 提交的“%(title)s”申请（办件编号 %(number)s），%(how)s。"
        "本机关将在 %(due)s 前作出决定（法定期限 %(statutory)s，不含依法不计算在内的时间）。"
    ) % {
        "applicant": case.applicant_name,
        "received": case.received_on,
        "title": case.title,
        "number": case.number,
        "how": _("因本机关未在五个工作日内作出处理，依法自收到申请材料之日起视为受理")
        if deemed
        else _("材料齐全、符合法定形式，决定予以受理"),
        "due": case.promised_due,
        "statutory": case.statutory_due,
    }
    issue_document(case, DocumentKind.ACCEPTANCE, department=case.department, text=text, on=today())
    _event(
        case,
        "accepted",
        _("视为受理") if deemed else _("受理"),
        actor=actor,
        role="" if deemed else _("窗口人员"),
    )
    notify_applicant(case, _("申请已受理：%(number)s") % {"number": case.number}, text)
    _on_commit(signals.case_accepted, case)
    return case


@transaction.atomic
def accept(case: Case, actor) -> Case:
    case = _lock(case)
    if not permissions.can_accept(actor, case):
        raise CaseError("case", _("您无权受理该办件"), status=403)
    _expect(case, CaseState.SUBMITTED)
    if _acceptance_lapsed(case):
        # Art 32: past the 5 working days the law has already accepted it, on the day of receipt.
        assert case.received_on is not None  # acceptance_due is counted from it
        return _accept(case, None, on=case.received_on, deemed=True)
    return _accept(case, actor, on=today(), deemed=False)


def _acceptance_lapsed(case: Case) -> bool:
    return bool(case.acceptance_due and today() > case.acceptance_due)


def _refuse_if_lapsed(case: Case) -> None:
    if _acceptance_lapsed(case):
        raise CaseError(
            "case",
            _(
                "已超过五个工作日的受理审查期限，依法视为自收到材料之日起受理，不能再不予受理或要求补正"
            ),
            status=409,
        )


@transaction.atomic
def set_green_channel(case: Case, actor, *, on: bool, reason: str) -> Case:
    """绿色通道: priority handling (e.g. key projects, the elderly, emergencies), with a reason."""
    case = _lock(case)
    if not (permissions.can_accept(actor, case) or permissions.can_approve(actor, case)):
        raise CaseError("case", _("只有窗口人员或审批负责人可以设置绿色通道"), status=403)
    if case.state not in (CaseState.SUBMITTED, CaseState.CORRECTION, CaseState.IN_REVIEW):
        raise CaseError(
            "state",
            _("办件当前状态为“%(state)s”，不能进行此操作") % {"state": case.get_state_display()},
            status=409,
        )
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("请填写开通或关闭绿色通道的理由")]})
    case.green_channel = bool(on)
    _save(case, "green_channel")
    label = _("开通绿色通道") if on else _("关闭绿色通道")
    _event(case, "green_channel", label, actor=actor, note=reason.strip(), public=False)
    return case


@transaction.atomic
def refuse(case: Case, actor, *, reasons: str, competent_agency: str = "") -> Case:
    """不予受理: reasons always; when the matter is not this agency's, the right agency is named."""
    case = _lock(case)
    if not permissions.can_accept(actor, case):
        raise CaseError("case", _("您无权处理该办件"), status=403)
    _expect(case, CaseState.SUBMITTED)
    _refuse_if_lapsed(case)
    if not (reasons or "").strip():
        raise ValidationError({"reasons": [_("请填写不予受理的理由")]})
    case.state = CaseState.REFUSED
    case.decision_reasons = reasons.strip()
    case.closed_at = timezone.now()
    _recompute(case, _("不予受理"))
    _save(case, "state", "decision_reasons", "closed_at", *DUE_FIELDS)
    text = _(
        "%(applicant)s：\n您提交的“%(title)s”申请（办件编号 %(number)s），经审查决定不予受理。理由：%(reasons)s"  # noqa: E501
    ) % {
        "applicant": case.applicant_name,
        "title": case.title,
        "number": case.number,
        "reasons": case.decision_reasons,
    }
    if competent_agency.strip():
        text += _("\n该申请事项依法不属于本机关职权范围，请向%(agency)s申请。") % {
            "agency": competent_agency.strip()
        }
    text += RIGHTS_TEXT()
    issue_document(case, DocumentKind.REFUSAL, department=case.department, text=text, on=today())
    _event(
        case, "refused", _("不予受理"), actor=actor, role=_("窗口人员"), note=case.decision_reasons
    )
    notify_applicant(case, _("申请不予受理：%(number)s") % {"number": case.number}, text)
    _on_commit(signals.case_closed, case)
    return case


@transaction.atomic
def request_correction(
    case: Case, actor, *, entries: list[dict], note: str = ""
) -> CorrectionNotice:
    """一次性告知: one notice listing every missing or wrong material; a case gets only one."""
    case = _lock(case)
    if not permissions.can_accept(actor, case):
        raise CaseError("case", _("您无权处理该办件"), status=403)
    _expect(case, CaseState.SUBMITTED)
    _refuse_if_lapsed(case)
    if CorrectionNotice.objects.filter(case=case).exists():
        raise CaseError(
            "entries", _("已经一次性告知过补正材料，不能再次要求补正；请受理或不予受理"), status=409
        )
    if not entries:
        raise ValidationError({"entries": [_("请列出需要补正的全部材料及原因")]})
    clean: list[dict] = []
    errors: dict[str, list[str]] = {}
    for n, entry in enumerate(entries):
        name = str((entry or {}).get("material", "")).strip()
        reason = str((entry or {}).get("reason", "")).strip()
        if not name or not reason:
            errors[f"entries.{n}"] = [_("每一项补正都要写明材料名称和原因")]
        clean.append(
            {
                "material": name[:300],
                "reason": reason[:500],
                "material_id": (entry or {}).get("material_id"),
            }
        )
    if errors:
        raise ValidationError(errors)
    notice = CorrectionNotice.objects.create(
        case=case, issued_by=actor, entries=clean, note=note.strip()
    )
    ids = [e["material_id"] for e in clean if e.get("material_id")]
    if ids:
        case.materials.filter(material_id__in=ids).exclude(status=MaterialStatus.REPLACED).update(
            status=MaterialStatus.TO_CORRECT
        )
    case.state = CaseState.CORRECTION
    _recompute(case, _("一次性告知补正，受理期限待补正后重新计算"))
    _save(case, "state", *DUE_FIELDS)
    lines = "\n".join(f"{n + 1}. {e['material']}：{e['reason']}" for n, e in enumerate(clean))
    text = _(
        "%(applicant)s：\n您提交的“%(title)s”申请（办件编号 %(number)s）材料不齐全或不符合法定形式，请一次性补正以下全部内容：\n%(lines)s"  # noqa: E501
    ) % {
        "applicant": case.applicant_name,
        "title": case.title,
        "number": case.number,
        "lines": lines,
    }
    if notice.note:
        text += "\n" + notice.note
    issue_document(case, DocumentKind.CORRECTION, department=case.department, text=text, on=today())
    _event(case, "correction", _("一次性告知补正材料"), actor=actor, role=_("窗口人员"), note=lines)
    notify_applicant(case, _("请补正材料：%(number)s") % {"number": case.number}, text)
    return case.correction_notice


@transaction.atomic
def resubmit(case: Case, actor) -> Case:
    """The applicant has supplemented: the 5-day acceptance period runs again from today."""
    case = _lock(case)
    _expect(case, CaseState.CORRECTION)
    _check_editable(case, actor)
    items = case_items(case)
    missing, notes, supplied = _missing(case, items)
    still_wrong = case.materials.filter(status=MaterialStatus.TO_CORRECT)
    errors = {}
    if missing:
        errors["materials"] = _missing_messages(missing, notes)
    if still_wrong.exists():
        errors.setdefault("materials", []).extend(
            _("材料仍需补正：%(name)s") % {"name": cm.name} for cm in still_wrong
        )
    if errors:
        raise ValidationError(errors)
    _attach_held_licences(case, supplied)  # 免提交, as at submission
    case.state = CaseState.SUBMITTED
    case.received_on = today()
    _recompute(case, _("补正后重新提交"))
    _save(case, "state", "received_on", "saved_materials", *DUE_FIELDS)
    CorrectionNotice.objects.filter(case=case).update(resubmitted_at=timezone.now())
    _event(case, "resubmitted", _("补正材料后重新提交"), actor=actor, role=_("申请人"))
    return case


def deem_overdue_accepted(on: dt.date | None = None) -> list[int]:
    """Art 32: a case not decided on within 5 working days counts as accepted on the day its
    materials were received. Each case is its own transaction; returns the ids accepted."""
    on = on or today()
    done = []
    for pk in (
        Case.objects.filter(state=CaseState.SUBMITTED, acceptance_due__lt=on)
        .values_list("pk", flat=True)
        .iterator()
    ):
        with transaction.atomic():
            case = (
                Case.objects.select_for_update(of=("self",))
                .select_related("item", "bundle", "region", "department")
                .get(pk=pk)
            )
            if (
                case.state != CaseState.SUBMITTED
                or not case.acceptance_due
                or case.acceptance_due >= on
            ):
                continue
            assert case.received_on is not None  # acceptance_due is counted from it
            _accept(case, None, on=case.received_on, deemed=True)
            done.append(pk)
    return done
