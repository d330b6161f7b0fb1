"""Search index maintenance (filled in by the search work)."""


def update_items(item_ids: list[int]) -> None:
    """Re-index these implementation items (insert, update or drop from the index)."""


def rebuild() -> int:
    """Rebuild the whole index; returns the number of items indexed."""
    return 0
