"""Listens to the cases app (signals sent inside its transactions, see cases/__init__)."""

from django.dispatch import receiver

from govserve.cases import signals
from govserve.cases.models import Case

from .services import issue_for_case


@receiver(signals.case_approving, sender=Case, dispatch_uid="licences-issue-on-approval")
def issue_on_approval(sender, case: Case, actor=None, **kwargs) -> None:
    issue_for_case(case, actor)
