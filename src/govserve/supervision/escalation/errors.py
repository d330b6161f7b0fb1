"""The refusals of 督办 and escalation (pages and the API answer them as field-level 4xx)."""

from govserve.core.errors import Refused


class EscalationError(Refused):
    """A refused 督办 action: not in the user's scope, wrong state, bad input."""
