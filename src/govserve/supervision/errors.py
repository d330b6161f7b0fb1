"""The refusals of the supervisor's workbench (pages and the API answer them as field-level 4xx)."""

from govserve.core.errors import Refused


class SupervisionError(Refused):
    """A refused workbench request: a filter that does not parse or lies outside the scope."""
