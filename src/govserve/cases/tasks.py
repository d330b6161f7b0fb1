"""Background work (Celery): deemed acceptance, deadline warnings, recomputation.

- `deem_accepted` — Art 32: cases nobody acted on within 5 working days are accepted by law
  (beat: every 15 minutes, settings.CELERY_BEAT_SCHEDULE);
- `deadline_warnings` — yellow/red warnings to the staff handling a case (beat: hourly);
- `recompute_year` — sent when a State Council holiday notice is loaded (cases.receivers).

Every task is safe to run twice or at the same time as another copy of itself (a retried
message, acks_late): each case is handled in its own transaction under a row lock, and a
warning is recorded under a unique constraint. Without CELERY_BROKER_URL they run eagerly in
the calling process (docs/operations.md, "Background work (Celery)").
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from . import services
from .warnings import send_deadline_warnings


def _date(value: str | dt.date | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


@shared_task(name="govserve.cases.tasks.deem_accepted")
def deem_accepted(on: str | None = None) -> int:
    """Accept by law every case whose acceptance deadline has passed; returns how many."""
    return len(services.deem_overdue_accepted(_date(on)))


@shared_task(name="govserve.cases.tasks.recompute_year")
def recompute_year(year: int) -> int:
    """Recompute the deadlines of open cases touching `year` after its notice was loaded."""
    return services.recompute_open_cases_in_year(int(year))


@shared_task(name="govserve.cases.tasks.deadline_warnings")
def deadline_warnings(today: str | None = None) -> int:
    """Send the due-soon and overdue warnings; returns how many were sent."""
    return send_deadline_warnings(_date(today))
