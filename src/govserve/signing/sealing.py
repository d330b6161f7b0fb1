"""Sealing written documents (文书盖章): the cases app calls `document_sealer()` for every notice
and decision it renders — the department's seal picture goes on the page and the PDF gets the
department's PAdES signature.

`settings.GOVSERVE["SEAL_DOCUMENTS"] = False` issues documents unsigned, with a dashed ring where
the seal goes (a development setup without keys); the default seals them.
"""

from __future__ import annotations

from django.conf import settings

from govserve.regions.models import Department

from . import seals, signing


class DocumentSealer:
    """Seal picture + signature for the cases' written documents (文书电子签章)."""

    def picture(self, department: Department) -> bytes | None:
        """The department's 行政审批专用章 as PNG (made on first use)."""
        return bytes(seals.department_seal(department).picture)

    def sign(self, data: bytes, department: Department, *, reason: str) -> bytes:
        """The PDF with the department's PAdES signature."""
        return signing.sign_pdf(data, department, reason=reason)


def document_sealer() -> DocumentSealer | None:
    """The sealer for written documents, or None when settings.GOVSERVE["SEAL_DOCUMENTS"] is
    False (documents are then issued unsigned)."""
    if not settings.GOVSERVE.get("SEAL_DOCUMENTS", True):
        return None
    return DocumentSealer()
