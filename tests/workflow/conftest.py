"""Fixtures of the workflow tests (the builders are in tests/workflow/worlds.py)."""

import pytest

from tests.cases.worlds import build_world


@pytest.fixture
def world(db):
    """The cases world: 广安区, its item and bundle, reviewers and approvers of each department."""
    return build_world()
