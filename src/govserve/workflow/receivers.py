"""Listeners: the cases app announces what happened to a case (on commit); the process follows."""

from __future__ import annotations

import logging

from django.db.models.signals import post_save
from django.dispatch import receiver

from govserve.cases.models import Case
from govserve.cases.signals import case_accepted, case_closed, case_withdrawn

from . import services

log = logging.getLogger(__name__)

# Case fields the task rows copy; a save that touches any of them refreshes the open tasks.
_TASK_FIELDS = {"current_due", "promised_due", "green_channel", "clock_stopped"}


@receiver(case_accepted)
def _start(sender, case: Case, **kwargs) -> None:
    try:
        services.start_process(case)
    except Exception:  # the case is accepted whatever happens here; `start_processes` retries
        log.exception("could not start the process of case %s", case.pk)


@receiver(case_withdrawn)
def _cancel(sender, case: Case, **kwargs) -> None:
    services.cancel_process(case)


@receiver(case_closed)
def _finish(sender, case: Case, **kwargs) -> None:
    services.finish_process(case)


@receiver(post_save, sender=Case)
def _copy_dates(sender, instance: Case, created: bool, update_fields=None, **kwargs) -> None:
    if created or (update_fields is not None and not _TASK_FIELDS & set(update_fields)):
        return
    if instance.accepted_on is None:  # no process (hence no task) before acceptance
        return
    services.refresh_task_dates(instance)
