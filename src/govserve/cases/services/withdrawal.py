"""Withdrawal of an application by the applicant, before the decision."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions, signals
from ..errors import CaseError
from ..models import WITHDRAWABLE_STATES, Case, CaseState
from ._common import _event, _lock, _on_commit, _save
from .clock import DUE_FIELDS, _recompute


@transaction.atomic
def withdraw(case: Case, actor, *, reason: str = "") -> Case:
    case = _lock(case)
    if not permissions.is_case_applicant(actor, case):
        raise CaseError("case", _("只有申请人可以撤回申请"), status=403)
    if case.state not in WITHDRAWABLE_STATES:
        raise CaseError("state", _("已作出决定的申请不能撤回"), status=409)
    case.state = CaseState.WITHDRAWN
    case.closed_at = timezone.now()
    _recompute(case, _("申请人撤回"))
    _save(case, "state", "closed_at", *DUE_FIELDS)
    _event(
        case,
        "withdrawn",
        _("申请人撤回申请"),
        actor=actor,
        role=_("申请人"),
        note=(reason or "").strip(),
    )
    _on_commit(signals.case_withdrawn, case)
    return case
