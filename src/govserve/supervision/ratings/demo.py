"""Demo data for the supervisor's workbench (filled in by its issue)."""


def load() -> list[str]:
    """Create the demo records once; return lines to print."""
    return []
