import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _chinese_by_default():
    """Messages are asserted in Chinese, the platform's first language."""
    with translation.override("zh-hans"):
        yield
