"""Fixtures of the statistics tests (the builders are in world.py)."""

import pytest

from govserve.supervision.stats import services
from tests.supervision.stats.world import APRIL, MARCH, build_stats_world, use_our_sources


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    """Rendered figures are cached under the newest aggregate row's id, which SQLite reuses
    after a test's rollback: each test starts with an empty cache."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def our_sources(monkeypatch):
    return use_our_sources(monkeypatch)


@pytest.fixture
def sw(db, our_sources):
    """The world of world.py, with March and April 2026 refreshed."""
    world = build_stats_world()
    services.refresh([MARCH, APRIL])
    return world
