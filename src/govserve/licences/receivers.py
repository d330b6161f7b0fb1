"""Listens to the cases app (signals sent inside its transactions, see cases/__init__)."""

from django.dispatch import receiver

from govserve.cases import signals
from govserve.cases.models import Case, CaseDocument


@receiver(signals.case_approving, sender=Case, dispatch_uid="licences-issue-on-approval")
def issue_on_approval(sender, case: Case, actor=None, **kwargs) -> None:  # noqa: ANN001
    from .services import issue_for_case

    issue_for_case(case, actor)


@receiver(signals.document_issued, sender=CaseDocument, dispatch_uid="licences-archive-document")
def archive_document(sender, document: CaseDocument, **kwargs) -> None:  # noqa: ANN001
    from .archive import append_document

    append_document(document)
