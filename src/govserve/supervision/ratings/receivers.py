"""Listeners: after a case is decided (or closed) the applicant is invited to rate it."""

from __future__ import annotations

import logging

from django.dispatch import receiver

from govserve.cases.models import Case
from govserve.cases.signals import case_closed, case_decided

from . import services

log = logging.getLogger(__name__)


@receiver(case_decided, dispatch_uid="ratings-invite-decided")
@receiver(case_closed, dispatch_uid="ratings-invite-closed")
def _invite(sender, case: Case, **kwargs) -> None:
    try:
        services.invite(Case.objects.get(pk=case.pk))
    except Exception:  # the case's decision stands whatever happens here
        log.exception("could not invite the applicant of case %s to rate", case.pk)
