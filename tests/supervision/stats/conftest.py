"""Fixtures of the statistics tests (the builders are in world.py)."""

import pytest

from govserve.supervision.stats import services
from tests.supervision.stats.world import APRIL, MARCH, build_stats_world, use_our_sources


@pytest.fixture
def our_sources(monkeypatch):
    return use_our_sources(monkeypatch)


@pytest.fixture
def sw(db, our_sources):
    """The world of world.py, with March and April 2026 refreshed."""
    world = build_stats_world()
    services.refresh([MARCH, APRIL])
    return world
