"""Fixtures of the portal page tests (the catalog is built by tests/portal/worlds.py)."""

import pytest

from tests.portal.worlds import PortalCatalog, build_portal_catalog


@pytest.fixture
def portal_catalog(db) -> PortalCatalog:
    """广安区 with three bodies, six items, a bundle, and both lists."""
    return build_portal_catalog()
