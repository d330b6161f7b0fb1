"""Telling applicants what happened: an in-app message always, an e-mail when they have an
address (Django's e-mail backend; sent after the commit so a rollback sends nothing).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Case, Notification


def _send(notification_id: int) -> None:
    note = Notification.objects.select_related("recipient").get(pk=notification_id)
    address = note.recipient.email
    if not address:
        return
    send_mail(
        subject=f"[{_('政务服务')}] {note.subject}",
        message=note.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[address],
        fail_silently=True,
    )
    Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())


def notify(recipient_id: int, subject: str, body: str, *, case: Case | None = None) -> Notification:
    """One in-app message to one person, e-mailed after the commit when they have an address."""
    note = Notification.objects.create(
        recipient_id=recipient_id, case=case, subject=subject, body=body
    )
    transaction.on_commit(lambda: _send(note.pk))
    return note


def notify_applicant(case: Case, subject: str, body: str) -> Notification:
    """One message to the case's applicant account (and to the clerk-filed applicant alike)."""
    return notify(case.applicant_id, subject, body, case=case)


def mark_read(user, notification_ids=None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())
