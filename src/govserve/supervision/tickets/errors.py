"""Refusals of the tickets part (field-level 4xx on pages and in the API)."""

from govserve.core.errors import Refused


class TicketError(Refused):
    """A refused ticket action."""
