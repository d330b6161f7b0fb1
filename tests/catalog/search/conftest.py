"""Fixtures of the search tests (the catalog is built by tests/catalog/search/worlds.py)."""

import pytest

from tests.catalog.search.worlds import Catalog, build_catalog


@pytest.fixture
def catalog(db) -> Catalog:
    """The CATALOG items in 广安区, a few copies elsewhere, and unpublished look-alikes."""
    return build_catalog()
