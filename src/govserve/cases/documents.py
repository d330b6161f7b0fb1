"""Written notices and decisions (文书): numbered, dated, stored as PDF.

A 文号 reads like 区市场监管局受字〔2026〕第12号: the issuing department's abbreviation, the
kind of document (受 acceptance, 不受 refusal, 补 correction, 停 suspension, 延 extension,
准 approval, 不准 denial), the year, and a serial that runs per department, kind and year. The
serial is taken from `core.serials` (a row lock on its counter until commit), so two documents
issued at once never share a number.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from govserve.core import serials

from . import signals
from .models import DOCUMENT_NUMBER, Case, CaseDocument, DocumentKind
from .pdf import attach_pdf

NUMBER_PREFIX: dict[str, str] = {  # by kind (DocumentKind members are str)
    DocumentKind.ACCEPTANCE: "受",
    DocumentKind.REFUSAL: "不受",
    DocumentKind.CORRECTION: "补",
    DocumentKind.SUSPENSION: "停",
    DocumentKind.EXTENSION: "延",
    DocumentKind.APPROVAL: "准",
    DocumentKind.DENIAL: "不准",
}
NUMBER_MAX_LENGTH = 80  # CaseDocument.number


def next_serial(department, kind: str, year: int) -> int:
    """The next serial for (department, kind, year); call inside a transaction."""
    # A concurrent caller waits on the counter's row until this transaction ends (core.serials).
    return serials.take_next(DOCUMENT_NUMBER, department.pk, kind, year)


def format_number(department, kind: str, year: int, serial: int) -> str:
    """区市场监管局受字〔2026〕第12号 (the department's full name when it has no abbreviation)."""
    rest = f"{NUMBER_PREFIX[kind]}字〔{year}〕第{serial}号"
    issuer = (department.short_name or department.name).strip()
    return issuer[: NUMBER_MAX_LENGTH - len(rest)] + rest


@transaction.atomic
def issue_document(case: Case, kind: str, *, department, text: str, on: dt.date) -> CaseDocument:
    """Number, store and render one document (see `pdf.attach_pdf`); part of the caller's
    transaction, so a refused action leaves neither a record nor a used number."""
    number = format_number(department, kind, on.year, next_serial(department, kind, on.year))
    doc = CaseDocument.objects.create(
        case=case, kind=kind, number=number, issued_on=on, department=department, text=text
    )
    attach_pdf(doc)
    signals.document_issued.send(sender=CaseDocument, document=doc)
    return doc
