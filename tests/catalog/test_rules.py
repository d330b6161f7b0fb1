import pytest

from govserve.catalog.rules import check_item

GOOD = {
    "statutory_limit_days": 20,
    "promised_limit_days": 5,
    "case_type": "2",
    "visits_required": 1,
    "visit_reason": "需现场核验原件",
    "online": True,
    "handling_forms": ["1", "2"],
    "service_objects": ["2"],
    "consult_phone": "0826-2222111",
    "complaint_phone": "0826-12345",
}


def test_consistent_item_has_no_errors():
    assert check_item(GOOD, []) == {}


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"promised_limit_days": 25}, "promised_limit_days", "不能超过法定办结时限"),
        ({"promised_limit_days": -1}, "promised_limit_days", "不能为负数"),
        ({"statutory_limit_days": None}, "statutory_limit_days", "请填写法定办结时限"),
        ({"promised_limit_days": 0}, "case_type", "办件类型应为即办件"),
        ({"case_type": "1"}, "case_type", "应为0个工作日"),
        ({"visit_reason": ""}, "visit_reason", "必须说明需要现场办理的原因"),
        ({"fully_online": True}, "visits_required", "应为0"),
        ({"visits_required": 0, "online": False}, "handling_forms", "快递申请"),
        ({"fee_charged": True}, "fee_basis", "收费依据"),
        ({"complaint_phone": "0826-2222111"}, "complaint_phone", "不能与咨询电话相同"),
        ({"result_name": "食品经营许可证"}, "result_sample", "审批结果样本"),
        ({"service_objects": []}, "service_objects", "服务对象"),
    ],
)
def test_each_rule_names_its_field(changes, field, fragment):
    errors = check_item({**GOOD, **changes}, [])
    assert field in errors
    assert any(fragment in m for m in errors[field])


def test_immediate_item_is_consistent():
    assert check_item({**GOOD, "promised_limit_days": 0, "case_type": "1"}, []) == {}


def test_charged_item_needs_fee_items():
    errors = check_item({**GOOD, "fee_charged": True, "fee_basis": "川发改价格〔2020〕1号"}, [])
    assert "fees" in errors
    fees = [{"name": "工本费", "standard": "10元/本"}]
    assert (
        check_item({**GOOD, "fee_charged": True, "fee_basis": "川发改价格〔2020〕1号"}, fees) == {}
    )


def test_zero_visits_offline_with_post_is_fine():
    data = {
        **GOOD,
        "visits_required": 0,
        "online": False,
        "handling_forms": ["4"],
        "supports_delivery": True,
    }
    assert check_item(data, []) == {}


def test_incomplete_public_list_items_may_lack_limits():
    data = {"elements_complete": False, "visits_required": 1, "visit_reason": "来源清单未载明"}
    assert check_item(data, None) == {}


def test_english_messages_available():
    from django.utils import translation

    with translation.override("en"):
        errors = check_item({**GOOD, "promised_limit_days": 25}, [])
    assert "statutory" in errors["promised_limit_days"][0]
