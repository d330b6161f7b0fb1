"""The refusal the ratings part raises (评价操作被拒绝): a `core.errors.Refused`."""

from govserve.core.errors import Refused


class RatingError(Refused):
    """A refused rating action: `field`, `message`, `status` 400/403/404/409 (see `Refused`)."""
