"""Electronic archive (placeholder until the archive work lands)."""


def append_document(document) -> None:  # noqa: ANN001
    """Archive one issued notice or decision."""
