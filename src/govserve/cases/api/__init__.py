"""Cases REST API (办件): apply in one request or through a draft, follow progress, act on a case.

Thin: every write goes through `services`, every read through `selectors`, every decision
through `permissions` / accounts.policies. A case the caller may not see answers 404 whether
or not it exists; a refused action answers with `{field: [message]}` and its status
(CaseError → 400/403/409, see govserve.api.errors).

- `POST /api/cases/` — apply at once (JSON, or multipart with files named `material_<id>` and
  `form_data` / `reuse` as JSON strings). `Idempotency-Key` header (or `idempotency_key`):
  201 the first time, 200 with the same case on a retry, 409 for a different request.
- `/api/cases/drafts/` — create, PATCH, upload materials one by one, reuse, submit.
- `GET /api/cases/form/?item=|bundle=` — the fields and the merged material list.
- `GET /api/cases/{id}/` — the case with its progress; staff reads are logged.
- Actions: withdraw, accept, refuse, correction, resubmit, visits, deliver, reveal;
  documents and materials download; `/api/notifications/`.
"""

from .drafts import DraftViewSet
from .viewsets import CaseViewSet, NotificationViewSet

__all__ = ["CaseViewSet", "DraftViewSet", "NotificationViewSet"]
