import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _chinese_by_default():
    """Messages are asserted in Chinese, the platform's first language."""
    with translation.override("zh-hans"):
        yield


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded and generated files (result samples) go to a throwaway folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_working_day_calendar():
    """The working-day calendar caches years in-process; a notice loaded in one test (and rolled
    back) must not decide another test's deadlines."""
    from govserve.workcalendar import calendar

    calendar.invalidate()
    yield
    calendar.invalidate()


def pytest_configure(config):
    """PBKDF2's million rounds cost ~0.5 s per account made; tests make hundreds, some in
    module-scoped worlds built before any function fixture runs, so the fast hasher is set for
    the whole session here. Production settings are unchanged (the hasher list keeps its order
    after the first entry)."""
    from django.conf import settings
    from django.contrib.auth import hashers

    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]
    hashers.get_hashers.cache_clear()
    hashers.get_hashers_by_algorithm.cache_clear()
