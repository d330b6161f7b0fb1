"""Written notices and decisions (文书): numbered, dated, stored as PDF."""

from __future__ import annotations

import datetime as dt

from .models import Case, CaseDocument, DocumentKind

NUMBER_PREFIX = {
    DocumentKind.ACCEPTANCE: "受",
    DocumentKind.REFUSAL: "不受",
    DocumentKind.CORRECTION: "补",
    DocumentKind.SUSPENSION: "停",
    DocumentKind.EXTENSION: "延",
    DocumentKind.APPROVAL: "准",
    DocumentKind.DENIAL: "不准",
}


def issue_document(case: Case, kind: str, *, department, text: str, on: dt.date) -> CaseDocument:
    """Create the document record; the PDF is rendered by `render_pdf` (see pdf.py)."""
    count = CaseDocument.objects.filter(case=case, kind=kind).count() + 1
    # e.g. 区市场监管局受字〔2026〕第1234-1号: department, kind, year, case and the n-th of its kind.
    number = f"{department.short_name or department.name}{NUMBER_PREFIX[kind]}字〔{on.year}〕第{case.pk}-{count}号"
    doc = CaseDocument.objects.create(
        case=case, kind=kind, number=number[:80], issued_on=on, department=department, text=text
    )
    from .pdf import attach_pdf

    attach_pdf(doc)
    return doc
