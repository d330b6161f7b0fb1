"""Case pages: applying (online and at the counter), my cases and a case's progress,
notifications, the counter (综合窗口) with its acceptance queue and the staff case page.

Thin: writes go through `services` (refusals come back as Refused / ValidationError and are
shown next to the fields), reads through `selectors`, decisions through `permissions`.
受办分离: the staff page offers accept / refuse / correction / visit / delivery, never a decision.
"""

from .applicant import case_page, my_cases, notifications_page, receipt, resubmit, withdraw
from .apply import apply_bundle, apply_item, counter_apply_bundle, counter_apply_item, edit_draft
from .counter import counter_forget, counter_home, counter_register, staff_action, staff_case
from .downloads import document_download, material_download

__all__ = [
    # applicants
    "my_cases",
    "notifications_page",
    "apply_item",
    "apply_bundle",
    "case_page",
    "edit_draft",
    "receipt",
    "withdraw",
    "resubmit",
    "document_download",
    "material_download",
    # counter clerks (综合窗口)
    "counter_home",
    "counter_register",
    "counter_forget",
    "counter_apply_item",
    "counter_apply_bundle",
    "staff_case",
    "staff_action",
]
