"""A small real-looking catalog for the search tests (fixture `catalog` in conftest.py): real
names from the public lists, plus the standard items citizens ask for most (营业执照, 食品经营许可,
出生医学证明…).

Regions: 四川省 — 广安市 — 广安区 (and 岳池县), plus 上海市 — 静安区, so a region filter has a
subtree to include and a sibling to leave out.
"""

from __future__ import annotations

from govserve.catalog.models import ItemState
from govserve.catalog.search import index
from govserve.regions.models import RegionLevel
from tests.catalog.factories import BasicItemFactory, ImplementationItemFactory
from tests.regions.factories import DepartmentFactory, RegionFactory, make_uscc, sichuan_tree

PERSON, BUSINESS = ["1"], ["2"]

# name, department key, item type, service objects, fully online, keywords
CATALOG = [
    ("增发、补发营业执照", "market", "10", BUSINESS, True, ""),
    ("企业设立登记", "market", "10", BUSINESS, False, "开公司 营业执照"),
    ("个体工商户设立登记", "market", "10", BUSINESS, False, "开店"),
    ("公司设立登记", "market", "10", BUSINESS, False, ""),
    ("公司注销登记", "market", "10", BUSINESS, False, ""),
    ("食品经营许可", "market", "01", BUSINESS, False, ""),
    ("食品经营许可注销", "market", "01", BUSINESS, True, ""),
    ("食品生产许可", "market", "01", BUSINESS, False, ""),
    ("仅销售预包装食品经营者备案信息采集", "market", "10", BUSINESS, True, ""),
    ("食品小经营店备案变更", "market", "10", BUSINESS, False, ""),
    ("药品经营许可", "market", "01", BUSINESS, False, ""),
    ("公共场所卫生许可", "health", "01", BUSINESS, False, ""),
    ("《出生医学证明》首次签发", "health", "20", PERSON, False, ""),
    ("出生医学证明换发", "health", "20", PERSON, False, ""),
    ("生育登记", "health", "20", PERSON, True, ""),
    ("医疗机构执业许可证遗失补办（县级）", "health", "01", BUSINESS, False, ""),
    ("结婚登记", "civil", "07", PERSON, False, ""),
    ("离婚登记", "civil", "07", PERSON, False, ""),
    ("中国内地公民婚姻登记", "civil", "07", PERSON, False, ""),
    ("婚姻登记预约", "civil", "20", PERSON, True, ""),
    ("最低生活保障", "civil", "05", PERSON, False, ""),
    ("80周岁以上老年人高龄津贴发放", "civil", "05", PERSON, False, ""),
    ("居民身份证换领", "police", "20", PERSON, False, ""),
    ("居民身份证首次申领", "police", "20", PERSON, False, ""),
    ("居民身份证挂失申报、丢失招领", "police", "20", PERSON, True, ""),
    ("临时身份证明", "police", "20", PERSON, False, ""),
    ("户口迁移审批", "police", "01", PERSON, False, ""),
    ("户口登记", "police", "07", PERSON, False, ""),
    ("普通护照签发", "police", "01", PERSON, False, ""),
    ("居住证办理", "police", "20", PERSON, False, ""),
    ("无犯罪记录证明", "police", "20", PERSON, True, ""),
    ("机动车驾驶证换证", "police", "20", PERSON, True, ""),
    ("残疾人证换领", "civil", "20", PERSON, False, ""),
    ("取水许可证新办审批", "water", "01", BUSINESS, False, ""),
    ("林木采伐许可证核发（县级权限）", "forest", "01", PERSON + BUSINESS, False, ""),
    ("失业登记", "hr", "20", PERSON, True, ""),
    ("企业职工基本养老保险正常退休申请", "hr", "20", PERSON, False, ""),
    ("城乡居民基本养老保险参保登记", "hr", "20", PERSON, True, ""),
    ("公积金贷款试算", "hr", "20", PERSON, True, ""),
    ("举办营业性演出审批", "culture", "01", BUSINESS, False, ""),
    ("烟草专卖零售许可证新办", "tobacco", "01", BUSINESS, False, ""),
    ("特殊建设工程消防验收", "housing", "01", BUSINESS, False, ""),
    ("商品房预售许可", "housing", "01", BUSINESS, False, ""),
]

DEPARTMENTS = {
    "market": "市场监督管理局",
    "health": "卫生健康局",
    "civil": "民政局",
    "police": "公安局",
    "water": "水务局",
    "forest": "林业局",
    "hr": "人力资源和社会保障局",
    "culture": "文化广播电视和旅游局",
    "tobacco": "烟草专卖局",
    "housing": "住房和城乡建设局",
}


class Catalog:
    """The fixture catalog: regions, departments and items by name (广安区 unless said)."""

    def __init__(self) -> None:
        self.province, self.city, self.county, self.town = sichuan_tree()
        self.other_county = RegionFactory(
            code="511621000000",
            name="岳池县",
            full_name="四川省广安市岳池县",
            level=RegionLevel.COUNTY,
            parent=self.city,
        )
        self.shanghai = RegionFactory(
            code="310000000000", name="上海市", full_name="上海市", level=RegionLevel.PROVINCE
        )
        self.jingan = RegionFactory(
            code="310106000000",
            name="静安区",
            full_name="上海市静安区",
            level=RegionLevel.COUNTY,
            parent=self.shanghai,
        )
        self._n = 0
        self.departments: dict[tuple[int, str], object] = {}
        self.items: dict[str, object] = {}

    def department(self, region, key: str):
        found = self.departments.get((region.pk, key))
        if found is None:
            self._n += 1
            found = DepartmentFactory(
                name=f"{region.full_name}{DEPARTMENTS[key]}",
                uscc=make_uscc(20000000 + self._n),
                region=region,
            )
            self.departments[(region.pk, key)] = found
        return found

    def item(
        self,
        name: str,
        key: str = "market",
        item_type: str = "01",
        objects=PERSON,
        online: bool = False,
        keywords: str = "",
        region=None,
        **extra,
    ):
        basic = BasicItemFactory(name=name, item_type=item_type)
        item = ImplementationItemFactory(
            basic_item=basic,
            name=name,
            item_type=item_type,
            department=self.department(region or self.county, key),
            service_objects=objects,
            fully_online=online,
            visits_required=0 if online else 1,
            keywords=keywords,
            **extra,
        )
        self.items.setdefault(name, item)
        return item


def build_catalog() -> Catalog:
    """The CATALOG items in 广安区, a few copies elsewhere, and unpublished look-alikes."""
    cat = Catalog()
    with index.bulk_indexing():
        for name, key, item_type, objects, online, keywords in CATALOG:
            cat.item(name, key, item_type, objects, online, keywords)
        # the same items implemented by other counties: region filters must tell them apart
        cat.other = cat.item(
            "食品经营许可", "market", "01", BUSINESS, False, region=cat.other_county
        )
        cat.shanghai_item = cat.item(
            "食品经营许可", "market", "01", BUSINESS, True, region=cat.jingan
        )
        cat.provincial = cat.item(
            "食品生产许可", "market", "01", BUSINESS, False, region=cat.province
        )
        # never shown to the public
        cat.draft = cat.item("营业执照电子化试点", "market", "10", BUSINESS, state=ItemState.DRAFT)
        cat.cancelled = cat.item(
            "营业执照年检",
            "market",
            "10",
            BUSINESS,
            state=ItemState.CANCELLED,
            end_date="2024-06-30",
        )
    return cat
