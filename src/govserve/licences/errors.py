"""The one error licences raise for a refused action (a `CaseError`, so the cases pages and API
that already answer `CaseError` with a field-level 4xx answer this one too)."""

from govserve.cases.services import CaseError


class LicenceError(CaseError):
    """`field` names what is wrong, `message` says it in words; `status` 400/403/404/409/503."""
