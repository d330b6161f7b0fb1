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


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2's million rounds cost ~0.5 s per account made; tests make hundreds. Production
    settings are unchanged (the hasher list keeps its order after the first entry)."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]
