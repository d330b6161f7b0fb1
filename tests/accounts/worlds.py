"""Places and staff for the accounts tests (and others that need posts): a small division tree
with departments in and out of 广安, and staff with one role grant each."""

from types import SimpleNamespace

from govserve.accounts.models import RoleGrant
from tests.accounts.factories import StaffFactory
from tests.regions.factories import DepartmentFactory, RegionFactory, make_uscc, sichuan_tree

PASSWORD = "Ga2024-service"


def build_places() -> SimpleNamespace:
    """四川省 — 广安市 — 广安区 / 前锋区, 成都市 — 锦江区, and 重庆市 — 渝中区, with departments."""
    province, city, county, town = sichuan_tree()
    sibling = RegionFactory(
        code="511603000000", name="前锋区", full_name="四川省广安市前锋区", level=3, parent=city
    )
    chengdu = RegionFactory(
        code="510100000000", name="成都市", full_name="四川省成都市", level=2, parent=province
    )
    jinjiang = RegionFactory(
        code="510104000000", name="锦江区", full_name="四川省成都市锦江区", level=3, parent=chengdu
    )
    chongqing = RegionFactory(code="500000000000", name="重庆市", full_name="重庆市", level=1)
    yuzhong = RegionFactory(
        code="500103000000", name="渝中区", full_name="重庆市渝中区", level=3, parent=chongqing
    )

    def dept(name, region, n):
        return DepartmentFactory(name=name, region=region, uscc=make_uscc(20000000 + n))

    return SimpleNamespace(
        province=province,
        city=city,
        county=county,
        town=town,
        sibling=sibling,
        chengdu=chengdu,
        jinjiang=jinjiang,
        chongqing=chongqing,
        yuzhong=yuzhong,
        market=dept("广安市广安区市场监督管理局", county, 1),
        health=dept("广安市广安区卫生健康局", county, 2),
        sibling_market=dept("广安市前锋区市场监督管理局", sibling, 3),
        city_market=dept("广安市市场监督管理局", city, 4),
        jinjiang_market=dept("成都市锦江区市场监督管理局", jinjiang, 5),
        yuzhong_market=dept("重庆市渝中区市场监督管理局", yuzhong, 6),
    )


def make_staff(
    username, role=None, region=None, *, department=None, covers_subtree=False, home=None, **kwargs
):
    """A staff account (home region `home` or `region`) holding one grant of `role`, if given."""
    user = StaffFactory(username=username, region=home or region, department=department, **kwargs)
    if role is not None:
        RoleGrant.objects.create(
            user=user,
            role=role,
            region=region,
            department=department,
            covers_subtree=covers_subtree,
        )
    return user
