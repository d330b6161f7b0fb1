import pytest

from tests.regions.factories import DepartmentFactory, make_uscc, sichuan_tree


@pytest.fixture
def regions():
    return sichuan_tree()


@pytest.fixture
def market_bureau(regions):
    return DepartmentFactory(
        name="广安市广安区市场监督管理局", uscc=make_uscc(10000001), region=regions[2]
    )


@pytest.fixture
def health_bureau(regions):
    return DepartmentFactory(
        name="广安市广安区卫生健康局", uscc=make_uscc(10000002), region=regions[2]
    )


@pytest.fixture
def item_row(market_bureau):
    """A complete, consistent row in the exchange format."""
    return {
        "name": "食品经营许可",
        "item_type": "行政许可",
        "basic_code": "510121001000",
        "region": "511602000000",
        "department": market_bureau.name,
        "statutory_limit_days": 20,
        "promised_limit_days": 10,
        "acceptance_conditions": (
            "具有与经营的食品品种、数量相适应的食品原料处理和食品加工、销售、贮存等场所。"
        ),
        "procedure": [{"name": "受理"}, {"name": "审查"}, {"name": "决定"}, {"name": "送达"}],
        "service_objects": ["1", "2"],
        "handling_forms": ["1", "2"],
        "online": True,
        "online_depth": ["1", "2", "3", "4"],
        "visits_required": 1,
        "visit_reason": "需现场核查经营场所",
        "consult_phone": "0826-2345678",
        "complaint_phone": "0826-12345",
        "result_name": "食品经营许可证",
        "result_type": "licence",
        "result_sample": "generate",
        "legal_bases": [
            {
                "law": "《中华人民共和国食品安全法》",
                "article": "第三十五条",
                "text": "国家对食品生产经营实行许可制度。",
            }
        ],
        "materials": [
            {"name": "食品经营许可申请书", "originals": 1},
            {"name": "营业执照", "common": "营业执照", "source": "issued", "copies": 1},
            {"name": "法定代表人身份证明", "common": "居民身份证", "source": "issued", "copies": 1},
        ],
        "keywords": "开饭店 开餐馆",
        "state": "published",
        "effective_date": "2024-03-01",
    }
