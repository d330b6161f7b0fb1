"""A small catalog for the page tests: a county with three bodies, a bundle and both lists
(fixture `portal_catalog` in conftest.py)."""

from dataclasses import dataclass

from govserve.catalog import models as catalog
from tests.catalog.factories import BasicItemFactory, ImplementationItemFactory, MaterialFactory
from tests.regions.factories import DepartmentFactory, make_uscc, sichuan_tree


@dataclass
class PortalCatalog:
    county: object
    market: object
    health: object
    licence: catalog.ImplementationItem
    food: catalog.ImplementationItem
    hygiene: catalog.ImplementationItem
    penalty: catalog.ImplementationItem
    service: catalog.ImplementationItem
    draft: catalog.ImplementationItem
    bundle: catalog.Bundle


def build_portal_catalog() -> PortalCatalog:
    _province, _city, county, _town = sichuan_tree()
    market = DepartmentFactory(
        name="广安市广安区市场监督管理局",
        uscc=make_uscc(20000001),
        region=county,
        address="广安区政务服务中心二楼",
    )
    health = DepartmentFactory(
        name="广安市广安区卫生健康局", uscc=make_uscc(20000002), region=county
    )
    id_card = catalog.CommonMaterial.objects.create(
        name="居民身份证", source=catalog.MaterialSource.APPLICANT
    )
    business_licence = catalog.CommonMaterial.objects.create(
        name="营业执照", source=catalog.MaterialSource.GOVERNMENT_ISSUED
    )

    licence = ImplementationItemFactory(
        basic_item=BasicItemFactory(code="510121001000", name="企业设立登记（营业执照）"),
        department=market,
        implementation_code=None,
        local_code="511A0101000000-511602000000-000-LOCAL-1-00",
        keywords="营业执照 开公司 注册公司",
        statutory_limit_days=15,
        promised_limit_days=3,
        promised_limit_note="材料齐全当日受理",
        fully_online=True,
        visits_required=0,
        visit_reason="",
        online_depth=["1", "2", "3", "4", "5", "6", "7"],
        place="广安区政务服务中心一楼市场准入窗口",
        hours="工作日 9:00-12:00，13:30-17:30",
        review_body="广安区人民政府",
        litigation_body="广安区人民法院",
        tongban_scope="province",
    )
    MaterialFactory(
        item=licence, name="法定代表人身份证", common=id_card, originals=1, copies=1, order=1
    )
    MaterialFactory(item=licence, name="公司章程", originals=1, copies=0, order=2)

    food = ImplementationItemFactory(
        basic_item=BasicItemFactory(code="510121002000", name="食品经营许可"),
        department=market,
        statutory_limit_days=20,
        promised_limit_days=10,
        statutory_limit_note="《食品经营许可管理办法》规定20个工作日",
        keywords="开饭店 开餐馆",
        consult_phone="0826-2222111",
        complaint_phone="0826-12345",
    )
    catalog.LegalBasis.objects.create(
        basic_item=food.basic_item,
        law="《中华人民共和国食品安全法》",
        article="第三十五条",
        text="国家对食品生产经营实行许可制度。",
    )
    MaterialFactory(
        item=food, name="食品经营许可申请书", originals=1, order=1, requirements="填写完整并签字"
    )
    MaterialFactory(
        item=food, name="身份证", common=id_card, originals=1, copies=2, required=False, order=2
    )
    MaterialFactory(
        item=food,
        name="营业执照",
        common=business_licence,
        originals=0,
        copies=1,
        source=catalog.MaterialSource.GOVERNMENT_ISSUED,
        order=3,
    )
    catalog.Responsibility.objects.create(
        item=food,
        stage="accept",
        duty="公示依法应当提交的材料，一次性告知补正材料。",
        accountability="对符合法定条件的申请不予受理的。",
    )
    catalog.Responsibility.objects.create(
        item=food, stage="decide", duty="作出准予或不予许可的决定。"
    )

    hygiene = ImplementationItemFactory(
        basic_item=BasicItemFactory(code="510121003000", name="公共场所卫生许可"),
        department=health,
        fee_charged=True,
        fee_basis="《公共场所卫生管理条例》",
        case_type="2",
        consult_phone="0826-3333111",
    )
    catalog.Fee.objects.create(item=hygiene, name="卫生检测费", standard="每次200元", waivable=True)
    MaterialFactory(
        item=hygiene, name="营业执照副本", common=business_licence, originals=1, copies=2, order=1
    )
    MaterialFactory(item=hygiene, name="卫生检测报告", originals=1, order=2)

    penalty = ImplementationItemFactory(
        basic_item=BasicItemFactory(
            code="510221004000",
            name="对未取得食品经营许可从事食品经营活动的行政处罚",
            item_type="02",
        ),
        department=market,
    )
    service = ImplementationItemFactory(
        basic_item=BasicItemFactory(code="512021005000", name="食品安全政策咨询", item_type="20"),
        department=market,
        statutory_limit_days=0,
        promised_limit_days=0,
        case_type="1",
    )
    draft = ImplementationItemFactory(
        basic_item=BasicItemFactory(code="510121006000", name="尚未发布的草稿事项"),
        department=market,
        state=catalog.ItemState.DRAFT,
    )

    bundle = catalog.Bundle.objects.create(
        code="KFD001",
        name="我要开饭店",
        kind="business",
        region=county,
        lead_department=market,
        promised_limit_days=5,
        keywords="开饭店 餐馆",
        published=True,
        description="营业执照、食品经营许可和公共场所卫生许可一次办。",
    )
    for order, item in enumerate([licence, food, hygiene]):
        catalog.BundleItem.objects.create(bundle=bundle, item=item, order=order)

    catalog.NegativeListEntry.objects.create(
        code="100001",
        category="prohibited",
        industry="农、林、牧、渔业",
        activity="禁止违规开展近海捕捞",
        legal_basis="《中华人民共和国渔业法》",
    )
    restricted = catalog.NegativeListEntry.objects.create(
        code="200001",
        category="restricted",
        industry="住宿和餐饮业",
        activity="未获得许可，不得从事食品经营",
        measures="食品经营许可",
    )
    restricted.related_items.add(food.basic_item)

    return PortalCatalog(
        county, market, health, licence, food, hygiene, penalty, service, draft, bundle
    )
