import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from govserve.catalog import codes
from tests.regions.factories import make_uscc

USCC = "11511301008778183N"  # 广安区经信局, from the district's public list


def test_basic_code_parts():
    parsed = codes.parse_basic_code("510121001000")
    assert (parsed.region, parsed.item_type, parsed.main, parsed.sub) == (
        "51",
        "01",
        "21001",
        "000",
    )
    assert not parsed.is_sub_item
    assert codes.parse_basic_code("51012100100Y").has_sub_items
    assert codes.parse_basic_code("510121001003").is_sub_item


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("51012100100", "格式错误"),  # 11 characters
        ("5101210010000", "格式错误"),
        ("511121001000", "事项类型代码“11”不存在"),
        ("51012100100X", "格式错误"),
        ("", "格式错误"),
    ],
)
def test_basic_code_rejected_with_reason(code, fragment):
    with pytest.raises(ValidationError) as exc:
        codes.parse_basic_code(code)
    assert fragment in exc.value.messages[0]


def test_implementation_code_round_trip():
    code = codes.build_implementation_code(USCC, 4, "510121001000")
    assert len(code) == 31
    parsed = codes.parse_implementation_code(code)
    assert parsed.uscc == USCC and parsed.level == "4" and str(parsed.basic) == "510121001000"


def test_implementation_code_checks_uscc_and_level():
    bad_uscc = USCC[:-1] + ("0" if USCC[-1] != "0" else "1")
    with pytest.raises(ValidationError, match="统一社会信用代码无效"):
        codes.parse_implementation_code(f"{bad_uscc}4510121001000")
    with pytest.raises(ValidationError, match="行使层级“8”不存在"):
        codes.parse_implementation_code(f"{USCC}8510121001000")
    with pytest.raises(ValidationError, match="长度应为31位"):
        codes.parse_implementation_code(USCC)


def test_business_code_and_case_number():
    impl = codes.build_implementation_code(make_uscc(12345678), 4, "510121001000")
    assert codes.build_business_code(impl, 2) == impl + "02"
    number = codes.build_case_number(impl, dt.date(2026, 11, 29), 7)
    assert number == impl + "202611290007" and len(number) == 43
    with pytest.raises(ValidationError):
        codes.build_case_number(impl, dt.date(2026, 11, 29), 10000)
