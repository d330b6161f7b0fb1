"""Fixtures of the case tests (the builders are in tests/cases/worlds.py)."""

import pytest

from tests.cases.worlds import build_world


@pytest.fixture
def world(db):
    """广安区 with three departments, an item, a bundle, staff and two applicants."""
    return build_world()
