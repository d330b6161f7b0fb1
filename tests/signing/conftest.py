"""Signing tests sign for the departments of the cases world (广安区, 区市场监管局 …; builders in
tests/cases/worlds.py)."""

import pytest

from tests.cases.worlds import build_world


@pytest.fixture
def world(db):
    return build_world()
