"""Background work (Celery): deemed acceptance, deadline warnings, recomputation."""

from celery import shared_task

from . import services


@shared_task
def deem_accepted() -> int:
    return len(services.deem_overdue_accepted())


@shared_task
def recompute_year(year: int) -> int:
    return services.recompute_open_cases_in_year(year)


@shared_task
def deadline_warnings() -> int:
    from .warnings import send_deadline_warnings

    return send_deadline_warnings()
