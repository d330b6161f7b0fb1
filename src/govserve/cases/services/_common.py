"""What every write to a case shares: time limits, today, the row lock, state checks, events."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..errors import CaseError
from ..models import Case, CaseEvent

ACCEPTANCE_DAYS = 5  # Art 32
DEFAULT_STATUTORY_DAYS = 20  # Art 42
DEFAULT_EXTENSION_DAYS = 10
JOINT_STATUTORY_DAYS = 45  # Art 42: joint / centralised handling
JOINT_EXTENSION_DAYS = 15
DELIVERY_DAYS = 10  # Art 44


def today() -> dt.date:
    return timezone.localdate()


def _lock(case: Case) -> Case:
    """Re-read the case under a row lock: two clerks or reviewers acting at once are serialised."""
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("item", "bundle", "region", "department")
        .get(pk=case.pk)
    )


def _expect(case: Case, *states: str) -> None:
    if case.state not in states:
        raise CaseError(
            "state",
            _("办件当前状态为“%(state)s”，不能进行此操作") % {"state": case.get_state_display()},
            status=409,
        )


def _event(
    case: Case,
    action: str,
    label: str,
    *,
    actor=None,
    role: str = "",
    department=None,
    note: str = "",
    public: bool = True,
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        action=action,
        label=label,
        actor=actor,
        actor_role=role,
        department=department,
        note=note,
        public=public,
    )


def _save(case: Case, *fields: str) -> None:
    case.version += 1
    case.save(update_fields=[*fields, "version", "updated_at"])


def _on_commit(signal, case: Case) -> None:
    transaction.on_commit(lambda: signal.send(sender=Case, case=case))


def RIGHTS_TEXT() -> str:
    return _(
        "\n如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。"
    )
