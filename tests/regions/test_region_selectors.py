import pytest

from govserve.regions.selectors import children, region_by_code, resolve_region_name, subtree
from tests.regions.factories import RegionFactory, sichuan_tree

pytestmark = pytest.mark.django_db


def test_region_by_code_accepts_short_and_full_codes():
    _province, city, county, _town = sichuan_tree()
    assert region_by_code("511602") == county
    assert region_by_code("511602000000") == county
    assert region_by_code("5116") == city
    assert region_by_code("511699") is None
    assert region_by_code("51160") is None
    assert region_by_code("abc") is None


def test_children_and_subtree():
    province, city, county, town = sichuan_tree()
    assert list(children(None)) == [province]
    assert list(children(city)) == [county]
    assert list(subtree(city)) == [city, county, town]
    assert list(subtree(city, include_self=False)) == [county, town]


def test_resolve_region_name_from_the_real_tree(sichuan):
    assert resolve_region_name("四川省广安市广安区").code == "511602000000"
    assert resolve_region_name("四川省").code == "510000000000"
    assert resolve_region_name(" 四川省 广安市 ").code == "511600000000"
    assert resolve_region_name("四川省广安市广安区北辰街道").code == "511602002000"
    assert resolve_region_name("四川省广安市不存在区") is None
    assert resolve_region_name("四川省成都市广安区") is None
    assert resolve_region_name("") is None


def test_resolve_region_name_walks_the_tree_when_full_names_are_missing():
    liaoning = RegionFactory(code="210000000000", name="辽宁省", full_name="")
    shanghai = RegionFactory(code="310000000000", name="上海市", full_name="")
    jingan = RegionFactory(
        code="310106000000", name="静安区", full_name="", level=3, parent=shanghai
    )
    assert resolve_region_name("辽宁省") == liaoning
    assert resolve_region_name("上海市静安区") == jingan
    assert resolve_region_name("上海市") == shanghai
