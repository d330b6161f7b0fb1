"""The refusal the catalog raises for a lifecycle change its state does not allow."""

from govserve.core.errors import Refused


class LifecycleError(Refused):
    """A lifecycle change that the item's state does not allow; `field` names what to fix."""

    def __init__(self, message: str, field: str = "state", status: int = 400) -> None:
        super().__init__(field, message, status)
