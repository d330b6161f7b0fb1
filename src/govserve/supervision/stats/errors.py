from govserve.core.errors import Refused


class StatsError(Refused):
    """A refused statistics request (bad period, unknown region, outside the supervisor's scope)."""
