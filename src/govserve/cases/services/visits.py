"""Visits (到现场): the applicant's trips to a hall, counted on the case."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .. import permissions
from ..errors import CaseError
from ..models import Case, Visit
from ._common import _lock


def _record_visit(case: Case, actor, hall, purpose: str) -> Visit:
    visit = Visit.objects.create(
        case=case, hall=hall or case.hall, purpose=purpose, recorded_by=actor
    )
    Case.objects.filter(pk=case.pk).update(visits_count=case.visits_count + 1)
    case.visits_count += 1
    return visit


@transaction.atomic
def record_visit(case: Case, actor, *, purpose: str, hall=None) -> Visit:
    """到现场: a clerk records that the applicant came to the hall for this case."""
    case = _lock(case)
    if not permissions.can_receive(actor, case.region):
        raise CaseError("case", _("只有窗口人员可以登记到现场"), status=403)
    if not (purpose or "").strip():
        raise ValidationError({"purpose": [_("请填写到现场事由")]})
    return _record_visit(case, actor, hall, purpose.strip()[:200])
