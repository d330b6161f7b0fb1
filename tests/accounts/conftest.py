"""Shared fixtures for the accounts tests: a small division tree with departments in and out
of 广安, and helpers that make staff with one role grant each."""

from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from govserve.accounts.models import RoleGrant
from tests.accounts.factories import PersonFactory, StaffFactory
from tests.regions.factories import DepartmentFactory, RegionFactory, make_uscc, sichuan_tree

PASSWORD = "Ga2024-service"


def build_places() -> SimpleNamespace:
    """四川省 — 广安市 — 广安区 / 前锋区, 成都市 — 锦江区, and 重庆市 — 渝中区, with departments."""
    province, city, county, town = sichuan_tree()
    sibling = RegionFactory(code="511603000000", name="前锋区", full_name="四川省广安市前锋区", level=3, parent=city)
    chengdu = RegionFactory(code="510100000000", name="成都市", full_name="四川省成都市", level=2, parent=province)
    jinjiang = RegionFactory(code="510104000000", name="锦江区", full_name="四川省成都市锦江区", level=3, parent=chengdu)
    chongqing = RegionFactory(code="500000000000", name="重庆市", full_name="重庆市", level=1)
    yuzhong = RegionFactory(code="500103000000", name="渝中区", full_name="重庆市渝中区", level=3, parent=chongqing)

    def dept(name, region, n):
        return DepartmentFactory(name=name, region=region, uscc=make_uscc(20000000 + n))

    return SimpleNamespace(
        province=province, city=city, county=county, town=town, sibling=sibling, chengdu=chengdu,
        jinjiang=jinjiang, chongqing=chongqing, yuzhong=yuzhong,
        market=dept("广安市广安区市场监督管理局", county, 1),
        health=dept("广安市广安区卫生健康局", county, 2),
        sibling_market=dept("广安市前锋区市场监督管理局", sibling, 3),
        city_market=dept("广安市市场监督管理局", city, 4),
        jinjiang_market=dept("成都市锦江区市场监督管理局", jinjiang, 5),
        yuzhong_market=dept("重庆市渝中区市场监督管理局", yuzhong, 6),
    )


def make_staff(username, role=None, region=None, *, department=None, covers_subtree=False, home=None, **kwargs):
    """A staff account (home region `home` or `region`) holding one grant of `role`, if given."""
    user = StaffFactory(username=username, region=home or region, department=department, **kwargs)
    if role is not None:
        RoleGrant.objects.create(user=user, role=role, region=region, department=department,
                                 covers_subtree=covers_subtree)
    return user


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
    return make_staff("sc-admin", "system_admin", places.province, covers_subtree=True, real_name="省管理员")


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
