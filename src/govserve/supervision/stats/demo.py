"""Demo data for the reform statistics (filled in by its issue)."""


def load_history() -> list[str]:
    """Cases over several months, so every chart has a shape; return lines to print."""
    return []


def refresh() -> list[str]:
    """Refresh the aggregate tables after every demo record exists; return lines to print."""
    return []
