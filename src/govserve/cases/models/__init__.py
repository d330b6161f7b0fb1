"""Cases (办件) and everything that happens to one: materials, the one-time correction notice,
clock suspensions, extensions, decisions, visits, documents and notifications.

Due dates are computed by `services` (working days, DOMAIN.md §2) and stored, so the inbox and
the overdue lists are index scans (DESIGN.md "Deadlines are computed, stored, and indexed").

One module per part (case, application, clock, records, serials, warnings), all imported here
so Django, the migrations and `from govserve.cases.models import X` find every model and choice.
"""

from .application import (
    CaseMaterial,
    CorrectionNotice,
    FieldType,
    FormField,
    MaterialOrigin,
    MaterialStatus,
    material_upload_path,
)
from .case import (
    CURRENT_DEADLINE,
    OPEN_STATES,
    RUNNING_STATES,
    WITHDRAWABLE_STATES,
    Case,
    CaseItem,
    CaseState,
    Channel,
    DeliveryMethod,
    Outcome,
)
from .clock import ClockSuspension, DeadlineRecord, Extension, SuspensionReason
from .records import CaseDocument, CaseEvent, DocumentKind, IdempotencyKey, Notification, Visit
from .serials import CASE_NUMBER, DOCUMENT_NUMBER
from .warnings import DeadlineWarning, WarningLevel

__all__ = [
    "CaseState",
    "CURRENT_DEADLINE",
    "OPEN_STATES",
    "RUNNING_STATES",
    "WITHDRAWABLE_STATES",
    "Channel",
    "Outcome",
    "DeliveryMethod",
    "Case",
    "CaseItem",
    "FieldType",
    "FormField",
    "MaterialOrigin",
    "MaterialStatus",
    "material_upload_path",
    "CaseMaterial",
    "CorrectionNotice",
    "SuspensionReason",
    "ClockSuspension",
    "Extension",
    "DeadlineRecord",
    "CaseEvent",
    "Visit",
    "DocumentKind",
    "CaseDocument",
    "Notification",
    "IdempotencyKey",
    "CASE_NUMBER",
    "DOCUMENT_NUMBER",
    "WarningLevel",
    "DeadlineWarning",
]
