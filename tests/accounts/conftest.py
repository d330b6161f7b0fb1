"""Shared fixtures for the accounts tests: the places of tests/accounts/worlds.py, citizens,
administrators and an API client."""

import pytest
from rest_framework.test import APIClient

from tests.accounts.factories import PersonFactory
from tests.accounts.worlds import build_places, make_staff


@pytest.fixture
def places(db):
    return build_places()


@pytest.fixture
def citizen(db):
    return PersonFactory(username="13812345678", real_name="张三")


@pytest.fixture
def other_citizen(db):
    return PersonFactory(username="13987654321", real_name="李四")


@pytest.fixture
def province_admin(places):
    """System administrator of 四川省 and everything below it."""
    return make_staff(
        "sc-admin", "system_admin", places.province, covers_subtree=True, real_name="省管理员"
    )


@pytest.fixture
def county_admin(places):
    """System administrator of 广安区 only."""
    return make_staff("ga-admin", "system_admin", places.county, real_name="区管理员")


@pytest.fixture
def api():
    """An API client; `api.as_user(user)` signs in (None: anonymous)."""
    client = APIClient()

    def as_user(user):
        client.force_authenticate(user)
        return client

    client.as_user = as_user
    return client
