"""The refusal the cases app raises (办件操作被拒绝): a `core.errors.Refused`."""

from govserve.core.errors import Refused


class CaseError(Refused):
    """A refused case action: `field`, `message`, `status` 400/403/409 (see `Refused`)."""
