"""Background work (Celery beat every 15 minutes, settings.CELERY_BEAT_SCHEDULE): the escalation
ladder over all overdue sources. Safe to run twice or concurrently: each step and each card is
recorded under a unique constraint. Without a worker: `govserve escalate`."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from .services import escalate as run_escalation


@shared_task(name="govserve.supervision.escalation.tasks.escalate")
def escalate(today: str | None = None) -> dict[str, int]:
    """Escalate late work and give red/yellow cards; returns the counts."""
    result = run_escalation(dt.date.fromisoformat(today) if today else None)
    return {
        "escalations": result.escalations,
        "red_cards": result.red_cards,
        "yellow_cards": result.yellow_cards,
    }
