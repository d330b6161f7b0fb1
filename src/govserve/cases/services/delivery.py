"""Delivery of the decision (Art 44), which closes the case."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions, signals
from ..errors import CaseError
from ..models import Case, CaseState, DeliveryMethod
from ..notifications import notify_applicant
from ._common import _event, _expect, _lock, _on_commit, _save
from .clock import DUE_FIELDS, _recompute
from .visits import _record_visit


def _deliver(case: Case, actor, *, method: str, note: str = "") -> Case:
    case.state = CaseState.CLOSED
    case.delivered_at = case.closed_at = timezone.now()
    case.delivery_method = method
    _recompute(case, _("送达办结"))
    _save(case, "state", "delivered_at", "closed_at", "delivery_method", *DUE_FIELDS)
    _event(
        case,
        "delivered",
        _("送达（%(method)s），办结") % {"method": case.get_delivery_method_display()},
        actor=actor,
        note=note,
    )
    _on_commit(signals.case_closed, case)
    return case


@transaction.atomic
def deliver(case: Case, actor, *, method: str | None = None, note: str = "") -> Case:
    """Record delivery of the decision / licence (Art 44: within 10 working days)."""
    case = _lock(case)
    if not permissions.can_deliver(actor, case):
        raise CaseError("case", _("您无权登记送达"), status=403)
    _expect(case, CaseState.DECIDED)
    method = method or case.delivery_method
    if method not in DeliveryMethod.values:
        raise ValidationError({"method": [_("送达方式无效")]})
    case = _deliver(case, actor, method=method, note=note)
    if method == DeliveryMethod.PICKUP:
        _record_visit(case, actor, None, _("到窗口领取办理结果"))
    notify_applicant(
        case,
        _("办件已办结：%(number)s") % {"number": case.number},
        _("您的办件已送达办结（%(method)s）。") % {"method": case.get_delivery_method_display()},
    )
    return case
