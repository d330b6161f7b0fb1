"""Issuing and lifecycle of electronic licences (placeholder until the issuing work lands)."""


def issue_for_case(case, actor) -> None:  # noqa: ANN001
    """Issue the licences an approved case produces (none until implemented)."""
