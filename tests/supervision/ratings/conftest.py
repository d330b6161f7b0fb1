"""Fixtures of the ratings tests (the builder is in worlds.py beside this module)."""

import pytest

from tests.supervision.ratings.worlds import build_ratings_world


@pytest.fixture
def rw(db):
    return build_ratings_world()
