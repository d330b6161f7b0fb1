"""The document sealer that `cases.pdf` loads from settings.GOVSERVE["DOCUMENT_SEALER"]:
notices and decisions carry the department's seal picture and its PAdES signature (文书盖章)."""

from __future__ import annotations

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
