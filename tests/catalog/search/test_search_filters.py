"""Filters restrict results; the public never sees unpublished items; pages add up."""

from __future__ import annotations

import pytest

from govserve.catalog.search.filters import FilterError
from govserve.catalog.search.selectors import search_items


def names(result) -> list[str]:
    return [i.name for i in result.items]


def test_region_includes_its_subtree_only(catalog):
    everywhere = search_items("食品经营许可", limit=100)
    assert {catalog.other.pk, catalog.shanghai_item.pk} <= {i.pk for i in everywhere.items}

    county = search_items("食品经营许可", region=catalog.county, limit=100)
    assert county.items and all(i.region_id == catalog.county.pk for i in county.items)

    city = search_items("食品经营许可", region=catalog.city, limit=100)
    ids = {i.pk for i in city.items}
    assert catalog.other.pk in ids and catalog.shanghai_item.pk not in ids
    assert {i.region.code[:4] for i in city.items} == {"5116"}


def test_region_by_code_12_or_6_digits(catalog):
    by_code = search_items("食品经营许可", region="310106000000")
    assert [i.pk for i in by_code.items] == [catalog.shanghai_item.pk]
    assert [i.pk for i in search_items("食品经营许可", region="310106").items] == [
        catalog.shanghai_item.pk
    ]


def test_unknown_region_is_an_error(catalog):
    with pytest.raises(FilterError) as caught:
        search_items("食品", region="999999000000")
    assert caught.value.field == "region"


def test_town_filter_excludes_county_items(catalog):
    assert search_items("食品经营许可", region=catalog.town).total == 0


def test_fully_online(catalog):
    result = search_items("食品经营许可", fully_online=True, limit=100)
    assert result.items and all(i.fully_online for i in result.items)
    assert "食品经营许可注销" in names(result)
    assert catalog.items["食品经营许可"].pk not in {i.pk for i in result.items}


def test_service_object(catalog):
    people = search_items("登记", service_object="1", limit=100)
    assert "结婚登记" in names(people) and "公司设立登记" not in names(people)
    business = search_items("登记", service_object="2", limit=100)
    assert "公司设立登记" in names(business) and "结婚登记" not in names(business)


def test_level_and_type(catalog):
    provincial = search_items("食品生产许可", level=2)
    assert [i.pk for i in provincial.items] == [catalog.provincial.pk]
    licences = search_items("登记", item_type="07", limit=100)
    assert licences.items and all(i.item_type == "07" for i in licences.items)
    assert "公司设立登记" not in names(licences)


def test_department(catalog):
    police = catalog.items["居民身份证换领"].department
    result = search_items("证", department=police, limit=100)
    assert result.items and all(i.department_id == police.pk for i in result.items)
    assert search_items("证", department=police.pk, limit=100).total == result.total


def test_unpublished_items_never_appear(catalog):
    for query in ["营业执照", "营业执照电子化试点", "营业执照年检", "yyzz", "营业执照年检 试点"]:
        ids = {i.pk for i in search_items(query, limit=100).items}
        assert catalog.draft.pk not in ids and catalog.cancelled.pk not in ids
    assert search_items("", item_type="10", limit=100).total == len(
        [i for i in catalog.items.values() if i.item_type == "10" and i.state == "published"]
    )


def test_pages_add_up(catalog):
    whole = search_items("许可", limit=100)
    assert whole.total == len(whole.items) > 10
    pages = []
    for offset in range(0, whole.total, 4):
        page = search_items("许可", limit=4, offset=offset)
        assert page.total == whole.total
        pages += [i.pk for i in page.items]
    assert pages == [i.pk for i in whole.items]


def test_same_name_in_several_counties_is_ordered_by_region(catalog):
    result = search_items("食品经营许可", limit=100)
    same = [i for i in result.items if i.name == "食品经营许可"]
    assert [i.region.code for i in same] == sorted(i.region.code for i in same)


def test_empty_query_lists_the_filtered_catalog(catalog):
    result = search_items("", region=catalog.jingan)
    assert [i.pk for i in result.items] == [catalog.shanghai_item.pk]
    assert result.total == 1 and result.suggestions == []


def test_code_finds_its_item(catalog):
    item = catalog.items["结婚登记"]
    item.local_code = "511A0138000000-511602000000-000-115113010833722043-1-00"
    item.save()
    result = search_items(item.local_code.upper())
    assert [i.pk for i in result.items] == [item.pk]


def test_function_words_alone_find_nothing(catalog):
    assert search_items("我要怎么办").total == 0
    assert search_items("？？！").total == 0
