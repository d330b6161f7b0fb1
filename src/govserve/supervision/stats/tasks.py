"""Background work (Celery): `refresh` rewrites the statistics of the current and previous month
(beat: hourly, settings.CELERY_BEAT_SCHEDULE). Safe to run twice or concurrently: each month is
replaced in one transaction."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="govserve.supervision.stats.tasks.refresh")
def refresh(months: int = 2) -> dict[str, int]:
    written = services.refresh(services.last_months(months))
    return {month.isoformat(): rows for month, rows in written.items()}
