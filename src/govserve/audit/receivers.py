"""Appends to the archive what the apps below announce, inside their transactions (a refused
decision or a rolled-back licence change leaves no entry): the cases app's issued documents
(`cases.signals.document_issued`), the licences app's issued versions and status changes
(`licences.signals.licence_issued`, `licence_status_changed`)."""

from django.dispatch import receiver

from govserve.cases import signals as case_signals
from govserve.cases.models import CaseDocument
from govserve.licences import signals as licence_signals
from govserve.licences.models import Licence, LicenceEvent

from . import archive


@receiver(case_signals.document_issued, sender=CaseDocument, dispatch_uid="audit-archive-document")
def archive_document(sender, document: CaseDocument, **kwargs) -> None:
    archive.append_document(document)


@receiver(licence_signals.licence_issued, sender=Licence, dispatch_uid="audit-archive-licence")
def archive_licence(sender, licence: Licence, **kwargs) -> None:
    archive.append_licence(licence)


@receiver(
    licence_signals.licence_status_changed,
    sender=LicenceEvent,
    dispatch_uid="audit-archive-licence-event",
)
def archive_licence_event(sender, event: LicenceEvent, **kwargs) -> None:
    archive.append_licence_event(event)
