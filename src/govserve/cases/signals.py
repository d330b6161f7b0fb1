"""Upward events (see the package docstring).

Most are sent on commit, so listeners see committed data. The two marked *in transaction* are
sent inside the state change's transaction: a receiver that raises `CaseError` refuses the
whole change (an approval whose licence cannot be signed is not taken; nothing is written).
"""

from django.dispatch import Signal

case_accepted = Signal()  # sender=Case, case=Case
case_decided = Signal()  # sender=Case, case=Case
case_withdrawn = Signal()  # sender=Case, case=Case
case_closed = Signal()  # sender=Case, case=Case
# In transaction: an approval is being recorded, before its decision document is issued;
# receivers issue the case's results (electronic licences).
case_approving = Signal()  # sender=Case, case=Case, actor=User | None
# In transaction: a document (notice, decision) was numbered, rendered and signed.
document_issued = Signal()  # sender=CaseDocument, document=CaseDocument
