"""Background work for licences (Celery): the daily expiry and renewal reminders.

`daily_lifecycle` (beat: daily, settings.CELERY_BEAT_SCHEDULE "licence-expiry-and-renewal-
reminders") marks licences past their end date expired and reminds holders whose licences end
within 30 days (延续提醒). Both are safe to run twice or side by side: each licence is handled
in its own transaction under a row lock, and a reminder is sent once per version
(`renewal_reminded_on`).
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from . import services


def _date(value: str | dt.date | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


@shared_task(name="govserve.licences.tasks.expire_licences")
def expire_licences(on: str | None = None) -> int:
    """Mark valid licences past their end date expired; returns how many."""
    return services.expire_due(_date(on))


@shared_task(name="govserve.licences.tasks.renewal_reminders")
def renewal_reminders(on: str | None = None) -> int:
    """Remind holders of licences ending within 30 days (once each); returns how many."""
    return services.send_renewal_reminders(_date(on))


@shared_task(name="govserve.licences.tasks.daily_lifecycle")
def daily_lifecycle(on: str | None = None) -> dict[str, int]:
    """Expiry first, then reminders (an expired licence is not reminded)."""
    day = _date(on)
    return {
        "expired": services.expire_due(day),
        "reminded": services.send_renewal_reminders(day),
    }
