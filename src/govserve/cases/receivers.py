"""Listeners: a loaded holiday notice moves the deadlines of open cases (in the background)."""

from django.db import transaction
from django.dispatch import receiver

from govserve.workcalendar.signals import holiday_notice_loaded

from .tasks import recompute_year


@receiver(holiday_notice_loaded)
def _recompute_after_notice(sender, year: int, **kwargs) -> None:
    transaction.on_commit(lambda: recompute_year.delay(year))
