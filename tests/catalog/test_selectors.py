"""Reads of the public catalog (govserve.catalog.selectors)."""

import datetime as dt
from decimal import Decimal

import pytest

from govserve.catalog import models as catalog
from govserve.catalog import selectors
from govserve.catalog.services import change_state, delegate_item, merge_items
from tests.catalog.factories import BasicItemFactory, ImplementationItemFactory, MaterialFactory
from tests.regions.factories import DepartmentFactory, RegionFactory, make_uscc, sichuan_tree

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def tree():
    return sichuan_tree()


@pytest.fixture
def county_body(tree):
    return DepartmentFactory(name="广安区市场监督管理局", uscc=make_uscc(30000001), region=tree[2])


def item(name: str, department, item_type: str = "01", **kwargs) -> catalog.ImplementationItem:
    return ImplementationItemFactory(
        basic_item=BasicItemFactory(name=name, item_type=item_type), department=department, **kwargs
    )


# --- items -----------------------------------------------------------------------------


def test_published_items_and_item_detail(county_body):
    shown = item("食品经营许可", county_body)
    hidden = item("草稿事项", county_body, state=catalog.ItemState.DRAFT)
    catalog.LegalBasis.objects.create(
        basic_item=shown.basic_item, law="中华人民共和国食品安全法", article="第三十五条"
    )
    MaterialFactory(item=shown, name="申请书")
    live = catalog.Bundle.objects.create(
        code="B1",
        name="开饭店",
        kind="business",
        region=county_body.region,
        lead_department=county_body,
        promised_limit_days=5,
        published=True,
    )
    unpublished = catalog.Bundle.objects.create(
        code="B2",
        name="未发布的一件事",
        kind="business",
        region=county_body.region,
        lead_department=county_body,
        promised_limit_days=5,
    )
    for bundle in (live, unpublished):
        catalog.BundleItem.objects.create(bundle=bundle, item=shown)

    assert list(selectors.published_items()) == [shown]
    detail = selectors.item_detail(shown.pk)
    assert [b.law for b in detail.basic_item.legal_bases.all()] == ["中华人民共和国食品安全法"]
    assert [m.name for m in detail.materials.all()] == ["申请书"]
    assert [b.code for b in detail.bundles.all()] == ["B1"]
    with pytest.raises(catalog.ImplementationItem.DoesNotExist):
        selectors.item_detail(hidden.pk)
    assert selectors.item_detail(hidden.pk, include_unpublished=True) == hidden


def test_power_list_groups_by_type_in_code_order(tree, county_body):
    city_body = DepartmentFactory(
        name="广安市市场监督管理局", uscc=make_uscc(30000002), region=tree[1]
    )
    item("公共服务事项", county_body, item_type="20")
    item("行政确认事项", county_body, item_type="07")
    item("许可2", county_body)
    item("许可1", county_body)
    item("行政处罚事项", county_body, item_type="02")
    item("市级许可", city_body)
    item("已取消的许可", county_body, state=catalog.ItemState.CANCELLED, end_date=D(2024, 6, 1))

    groups = selectors.power_list()
    assert [(g.item_type, g.label, g.count) for g in groups] == [
        ("01", "行政许可", 3),
        ("02", "行政处罚", 1),
        ("07", "行政确认", 1),
    ]
    assert [i.name for i in groups[0].items] == [
        "市级许可",
        "许可1",
        "许可2",
    ]  # region code, body, name

    county_groups = selectors.power_list(region=tree[2])
    assert county_groups[0].count == 2


def test_responsibility_list(tree, county_body):
    other = DepartmentFactory(name="1 广安区卫生健康局", uscc=make_uscc(30000003), region=tree[2])
    with_duties = item("食品经营许可", county_body)
    catalog.Responsibility.objects.create(item=with_duties, stage="accept", duty="一次性告知")
    catalog.Responsibility.objects.create(item=with_duties, stage="decide", duty="依法决定")
    item("无责任事项", county_body)
    theirs = item("公共场所卫生许可", other)
    catalog.Responsibility.objects.create(item=theirs, stage="review", duty="审查")

    items = list(selectors.responsibility_list())
    assert [i.name for i in items] == ["公共场所卫生许可", "食品经营许可"]  # by body name
    assert [r.stage for r in items[1].responsibilities.all()] == ["accept", "decide"]
    assert [i.name for i in selectors.responsibility_list(department=county_body)] == [
        "食品经营许可"
    ]
    assert list(selectors.responsibility_list(region=tree[1])) == items  # the city's subtree


def test_negative_list_by_category():
    catalog.NegativeListEntry.objects.create(
        code="2", category="restricted", industry="餐饮", activity="食品经营"
    )
    catalog.NegativeListEntry.objects.create(
        code="1", category="prohibited", industry="渔业", activity="近海捕捞"
    )
    assert [e.code for e in selectors.negative_list()] == ["1", "2"]
    assert [e.code for e in selectors.negative_list("restricted")] == ["2"]


# --- bundles ---------------------------------------------------------------------------


@pytest.fixture
def restaurant(tree, county_body):
    health = DepartmentFactory(name="广安区卫生健康局", uscc=make_uscc(30000004), region=tree[2])
    id_card = catalog.CommonMaterial.objects.create(name="居民身份证")
    licence = catalog.CommonMaterial.objects.create(name="营业执照", source="issued")
    food = item("食品经营许可", county_body)
    MaterialFactory(
        item=food, name="身份证", common=id_card, originals=1, copies=0, required=False, order=1
    )
    MaterialFactory(item=food, name="食品经营许可申请书", originals=1, order=2)
    MaterialFactory(
        item=food,
        name="营业执照副本",
        common=licence,
        originals=0,
        copies=1,
        source="issued",
        order=3,
    )
    hygiene = item("公共场所卫生许可", health)
    MaterialFactory(
        item=hygiene, name="法定代表人身份证", common=id_card, originals=1, copies=2, required=True
    )
    MaterialFactory(
        item=hygiene, name="营业执照", common=licence, originals=1, copies=0, source="issued"
    )
    MaterialFactory(item=hygiene, name="卫生 检测报告", originals=1)
    signage = item("户外招牌设置审批", county_body)
    MaterialFactory(
        item=signage, name="卫生检测报告", originals=0, copies=1
    )  # same name, other spacing
    gone = item(
        "已取消事项", county_body, state=catalog.ItemState.CANCELLED, end_date=D(2024, 6, 1)
    )
    MaterialFactory(item=gone, name="不再需要的材料")
    bundle = catalog.Bundle.objects.create(
        code="KFD",
        name="我要开饭店",
        kind="business",
        region=tree[2],
        lead_department=county_body,
        promised_limit_days=5,
        published=True,
    )
    for order, it in enumerate([food, hygiene, signage, gone]):
        catalog.BundleItem.objects.create(bundle=bundle, item=it, order=order)
    return bundle, food, hygiene, signage


def test_merged_materials_ask_each_material_once(restaurant):
    bundle, food, hygiene, signage = restaurant
    merged = selectors.merged_materials(bundle)
    assert [m.name for m in merged] == [
        "居民身份证",
        "食品经营许可申请书",
        "营业执照",
        "卫生 检测报告",
    ]
    id_card, form, licence, report = merged
    assert id_card.items == [food, hygiene]
    assert id_card.required is True  # required by one item is required
    assert (id_card.originals, id_card.copies) == (1, 2)  # the most any item asks for
    assert id_card.shared and not form.shared
    assert licence.government_held and not id_card.government_held
    assert (licence.originals, licence.copies) == (1, 1)
    assert report.items == [hygiene, signage]  # matched by name without spaces
    assert all(len(m.materials) >= 1 for m in merged)


def test_bundle_detail_counts_what_merging_saved(restaurant):
    bundle, food, hygiene, signage = restaurant
    detail = selectors.bundle_detail("KFD")
    assert detail.items == [food, hygiene, signage]  # the cancelled item is left out
    assert detail.materials_before_merge == 7
    assert len(detail.materials) == 4
    assert detail.materials_saved == 3
    assert [d.name for d in detail.departments] == [
        "广安区市场监督管理局",
        "广安区卫生健康局",
    ]  # item order
    assert detail.total_promised_days == 30
    assert selectors.bundle_detail(bundle).bundle == bundle

    bundle.published = False
    bundle.save()
    with pytest.raises(catalog.Bundle.DoesNotExist):
        selectors.bundle_detail("KFD")
    assert selectors.bundle_detail("KFD", include_unpublished=True).bundle == bundle


def test_bundle_list_counts_published_items(tree, restaurant):
    (bundle, *_rest) = restaurant
    assert [(b.code, b.item_count) for b in selectors.bundle_list()] == [("KFD", 3)]
    assert list(selectors.bundle_list(region=tree[2])) == [bundle]
    other_city = RegionFactory(code="511700000000", name="达州市", level=2, parent=tree[0])
    assert list(selectors.bundle_list(region=other_city)) == []


# --- reform ledger ---------------------------------------------------------------------


@pytest.fixture
def provincial_history(tree):
    """Five provincial items in force since 2014; a reform year 2015 and one more cut in 2016."""
    province, city = tree[0], tree[1]
    body = DepartmentFactory(name="四川省市场监督管理局", uscc=make_uscc(30000010), region=province)
    city_body = DepartmentFactory(
        name="广安市市场监督管理局", uscc=make_uscc(30000011), region=city
    )
    a, b, c, d, e = (item(f"省级事项{n}", body, effective_date=D(2014, 1, 1)) for n in "ABCDE")
    item("草稿事项", body, state=catalog.ItemState.DRAFT, effective_date=D(2014, 1, 1))
    change_state(
        a,
        "cancel",
        effective_date=D(2015, 3, 1),
        reason="无法律法规依据",
        document_no="川府发〔2015〕1号",
    )
    (copy,) = delegate_item(b, [(city, city_body)], effective_date=D(2015, 6, 1), reason="就近办理")
    merge_items([c], d, effective_date=D(2015, 6, 1), reason="同类合并")
    change_state(e, "cancel", effective_date=D(2016, 1, 1), reason="取消")
    return province, city, (a, b, c, d, e), copy


def test_reform_ledger_provincial_list(provincial_history):
    province, _city, (a, b, c, _d, _e), copy = provincial_history
    ledger = selectors.reform_ledger(D(2015, 1, 1), D(2015, 12, 31), region=province, level=2)
    assert [(ev.item, ev.action) for ev in ledger.events] == [
        (a, "cancel"),
        (b, "delegate"),
        (c, "merge"),
    ]
    assert (ledger.cancelled, ledger.delegated, ledger.merged, ledger.removed) == (1, 1, 1, 3)
    assert (ledger.in_force_start, ledger.in_force_end, ledger.added) == (5, 2, 0)
    assert ledger.shrink_percent == Decimal("60.0")
    assert ledger.removed_percent == Decimal("60.0")
    assert list(ledger.events[1].related_items.all()) == [copy]
    assert ledger.events[0].document_no == "川府发〔2015〕1号"
    data = ledger.as_dict()
    assert (
        data["removed"] == 3 and data["shrink_percent"] == "60.0" and data["start"] == "2015-01-01"
    )
    assert data["events"][0]["name"] == "省级事项A"


def test_reform_ledger_whole_subtree_counts_delegated_copies(provincial_history):
    province, city, _items, _copy = provincial_history
    ledger = selectors.reform_ledger(D(2015, 1, 1), D(2015, 12, 31), region=province)
    assert (ledger.in_force_start, ledger.in_force_end, ledger.added, ledger.removed) == (
        5,
        3,
        1,
        3,
    )
    assert ledger.shrink_percent == Decimal("40.0")
    assert ledger.net_change == -2

    city_ledger = selectors.reform_ledger(D(2015, 1, 1), D(2015, 12, 31), region=city)
    assert (city_ledger.in_force_start, city_ledger.in_force_end, city_ledger.removed) == (0, 1, 0)
    assert city_ledger.net_change == 1
    assert city_ledger.shrink_percent is None


def test_reform_ledger_window_bounds_are_inclusive(provincial_history):
    one_day = selectors.reform_ledger(D(2015, 3, 1), D(2015, 3, 1), level=2)
    assert one_day.removed == 1
    assert (one_day.in_force_start, one_day.in_force_end) == (5, 4)  # the list as the day began
    later = selectors.reform_ledger(D(2016, 1, 1), D(2016, 12, 31), level=2)
    assert (later.in_force_start, later.in_force_end, later.cancelled) == (2, 1, 1)
    assert later.shrink_percent == Decimal("50.0")
    swapped = selectors.reform_ledger(D(2015, 12, 31), D(2015, 1, 1), level=2)
    assert swapped.removed == 3


# --- statistics ------------------------------------------------------------------------


def test_catalog_statistics(tree, county_body):
    city_body = DepartmentFactory(
        name="广安市市场监督管理局", uscc=make_uscc(30000020), region=tree[1]
    )
    i1 = item(
        "事项一",
        county_body,
        online=True,
        fully_online=True,
        visits_required=0,
        visit_reason="",
        procedure=[{"name": "受理"}, {"name": "办结"}],
        statutory_limit_days=20,
        promised_limit_days=5,
    )
    i2 = item(
        "事项二",
        county_body,
        online=True,
        visits_required=1,
        procedure=[{"name": "受理"}, {"name": "审查"}, {"name": "决定"}],
        statutory_limit_days=20,
        promised_limit_days=10,
    )
    item(
        "事项三",
        county_body,
        item_type="20",
        online=False,
        visits_required=2,
        procedure=[{"name": "a"}, {"name": "b"}, {"name": "c"}, {"name": "d"}],
        statutory_limit_days=10,
        promised_limit_days=0,
        case_type="1",
    )
    i4 = item(
        "事项四",
        city_body,
        online=True,
        fully_online=True,
        visits_required=0,
        visit_reason="",
        procedure=[{"name": "办结"}],
        statutory_limit_days=30,
        promised_limit_days=15,
    )
    item(
        "公开清单导入事项",
        county_body,
        elements_complete=False,
        online=False,
        statutory_limit_days=None,
        promised_limit_days=None,
        procedure=[],
    )
    item("草稿", county_body, state=catalog.ItemState.DRAFT)
    for it, n in ((i1, 2), (i2, 1), (i4, 3)):
        for k in range(n):
            MaterialFactory(item=it, name=f"材料{k}")

    stats = selectors.catalog_statistics()
    assert (stats.total, stats.measured, stats.incomplete) == (5, 4, 1)
    assert [(r.label, r.count, r.percent) for r in stats.by_level] == [
        ("市级", 1, Decimal("20.0")),
        ("县级", 4, Decimal("80.0")),
    ]
    assert [(r.code, r.count) for r in stats.by_type] == [("01", 4), ("20", 1)]
    assert stats.online_rate == Decimal("75.0")
    assert stats.fully_online_rate == Decimal("50.0")
    assert stats.zero_visit_rate == Decimal("50.0")
    assert stats.at_most_one_visit_rate == Decimal("75.0")
    assert stats.average_visits == Decimal("0.75")
    assert stats.average_materials == Decimal("1.50")
    assert stats.average_steps == Decimal("2.50")
    assert stats.average_statutory_days == Decimal("20.00")
    assert stats.average_promised_days == Decimal("7.50")
    assert stats.promised_to_statutory == Decimal("37.5")
    assert stats.compression_rate == Decimal("62.5")
    assert stats.immediate_rate == Decimal("25.0")
    assert stats.timed_items == 4

    county = selectors.catalog_statistics(region=tree[2])
    assert (county.total, county.measured) == (4, 3)


def test_catalog_statistics_of_empty_catalog():
    stats = selectors.catalog_statistics()
    assert stats.total == 0 and stats.online_rate is None and stats.compression_rate is None


def test_search_filter_options_only_offer_what_the_catalog_has(tree, county_body):
    item("食品经营许可", county_body)
    item("处罚", county_body, item_type="02")
    item(
        "草稿",
        DepartmentFactory(name="草稿局", uscc=make_uscc(30000030), region=tree[1]),
        item_type="07",
        state=catalog.ItemState.DRAFT,
    )
    options = selectors.search_filter_options()
    assert [r.name for r in options.regions] == ["四川省", "广安市", "广安区"]
    assert [d.name for d in options.departments] == ["广安区市场监督管理局"]
    assert options.levels == [(4, "县级")]
    assert options.item_types == [("01", "行政许可"), ("02", "行政处罚")]


def test_ledger_span(provincial_history):
    assert selectors.ledger_span() == (D(2015, 3, 1), D(2016, 1, 1))


def test_ledger_span_without_history():
    assert selectors.ledger_span() is None
