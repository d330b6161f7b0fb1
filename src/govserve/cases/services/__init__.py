"""Every write to a case, one transaction each (Administrative Licensing Law Art 32, 42, 44, 45).

Intake: `create_draft` → `save_draft` / `add_material` / `reuse_material` → `submit` (or `apply`,
all at once with an idempotency key). Completeness: `accept`, `refuse`, `request_correction`
(once) → `resubmit`; `deem_overdue_accepted` accepts by law after 5 working days. Review:
`suspend_clock` / `resume_clock`, `request_extension` / `decide_extension`, `record_review`
per item, `decide`, `deliver`. Any time before the decision: `withdraw`. At the hall:
`record_visit`.

Every function raises `CaseError` (a field and a message, HTTP 400/409) or Django's
`ValidationError` (field → messages) and writes nothing when it refuses.
"""

from ..requirements import (
    GOVERNMENT_SOURCES,
    case_items,
    held_licences,
    licence_type_code,
    licences_issued_within,
    missing_materials,
    provided_without_asking,
    required_materials,
)
from ..selectors import reusable_materials
from ._common import (
    ACCEPTANCE_DAYS,
    DEFAULT_EXTENSION_DAYS,
    DEFAULT_STATUTORY_DAYS,
    DELIVERY_DAYS,
    JOINT_EXTENSION_DAYS,
    JOINT_STATUTORY_DAYS,
    RIGHTS_TEXT,
    today,
)
from .acceptance import (
    accept,
    deem_overdue_accepted,
    refuse,
    request_correction,
    resubmit,
    set_green_channel,
)
from .clock import (
    DUE_FIELDS,
    decide_extension,
    recompute_deadlines,
    recompute_open_cases_in_year,
    request_extension,
    resume_clock,
    suspend_clock,
)
from .decision import decide, joint_outcome, record_review, reopen_review
from .delivery import deliver
from .idempotency import apply
from .intake import add_material, create_draft, reuse_material, save_draft, submit
from .visits import record_visit
from .withdrawal import withdraw

__all__ = [
    # intake (intake.py, idempotency.py)
    "create_draft",
    "save_draft",
    "add_material",
    "reuse_material",
    "reusable_materials",
    "submit",
    "apply",
    # what an application needs (..requirements)
    "GOVERNMENT_SOURCES",
    "case_items",
    "held_licences",
    "licence_type_code",
    "licences_issued_within",
    "missing_materials",
    "provided_without_asking",
    "required_materials",
    # completeness and acceptance (acceptance.py)
    "accept",
    "refuse",
    "request_correction",
    "resubmit",
    "set_green_channel",
    "deem_overdue_accepted",
    # deadlines, suspensions and extensions (clock.py)
    "DUE_FIELDS",
    "recompute_deadlines",
    "recompute_open_cases_in_year",
    "suspend_clock",
    "resume_clock",
    "request_extension",
    "decide_extension",
    # review and decision (decision.py), delivery, withdrawal, visits
    "record_review",
    "reopen_review",
    "joint_outcome",
    "decide",
    "deliver",
    "withdraw",
    "record_visit",
    # shared (_common.py)
    "ACCEPTANCE_DAYS",
    "DEFAULT_STATUTORY_DAYS",
    "DEFAULT_EXTENSION_DAYS",
    "JOINT_STATUTORY_DAYS",
    "JOINT_EXTENSION_DAYS",
    "DELIVERY_DAYS",
    "RIGHTS_TEXT",
    "today",
]
