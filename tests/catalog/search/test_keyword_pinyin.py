"""Keywords typed in pinyin: citizens call 个体工商户设立登记 “办营业执照” and type `yyzz`."""

import pytest

from govserve.catalog.search.selectors import search_items
from tests.catalog.factories import BasicItemFactory, ImplementationItemFactory

pytestmark = pytest.mark.django_db


def test_pinyin_initials_of_a_keyword_find_the_item(market_bureau):
    basic = BasicItemFactory(name="个体工商户设立登记", item_type="10")
    ImplementationItemFactory(
        basic_item=basic, department=market_bureau, keywords="个体户 办营业执照 开店"
    )
    ImplementationItemFactory(department=market_bureau, name="食品经营许可", keywords="开饭店")
    for query in ("yyzz", "yingyezhizhao", "kd"):
        names = [i.name for i in search_items(query).items]
        assert "个体工商户设立登记" in names, query
    assert [i.name for i in search_items("kfd").items] == ["食品经营许可"]
