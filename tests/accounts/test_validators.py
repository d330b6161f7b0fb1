"""Resident ID numbers (GB 11643) and mobile numbers: which part is wrong, in Chinese."""

import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import ric

from govserve.accounts.validators import validate_mobile, validate_resident_id


def with_check(body17: str) -> str:
    """Complete 17 characters with their real check character."""
    return body17 + ric.calc_check_digit(body17 + "0")


GUANG_AN_1990 = with_check(
    "51160219900307123"
)  # 广安区 code (since 1998), born 1990: first card later


@pytest.mark.parametrize(
    "number",
    [
        GUANG_AN_1990,
        with_check("11010119900307123"),  # 北京市东城区
        with_check(
            "51292119900307123"
        ),  # 南充县: abolished 1993, born 1990 — could have been assigned then
        " " + GUANG_AN_1990[:6] + "-" + GUANG_AN_1990[6:] + " ",
    ],
)
def test_valid_numbers_come_back_compact(number):
    assert validate_resident_id(number) == number.strip().replace("-", "").replace(" ", "")


def test_lower_case_x_is_upper_cased():
    body = next(
        b
        for b in (f"11010119900307{n:03d}" for n in range(1000))
        if ric.calc_check_digit(b + "0") == "X"
    )
    assert validate_resident_id(body + "x") == body + "X"


def message(number) -> str:
    with pytest.raises(ValidationError) as exc:
        validate_resident_id(number)
    return exc.value.messages[0]


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        (GUANG_AN_1990[:-1] + ("0" if GUANG_AN_1990[-1] != "0" else "1"), "校验码错误"),
        (with_check("51160219900230123"), "出生日期无效"),  # 30 February
        (with_check("51160219901307123"), "出生日期无效"),  # month 13
        (with_check("51160221000307123"), "出生日期无效"),  # not born yet
        (with_check("99999919900307123"), "地区码无效"),  # no such county
        (with_check("51292119950307123"), "地区码无效"),  # 南充县 was gone by 1995
        ("51160219900307", "长度应为18位"),
        ("5116021990030712345", "长度应为18位"),
        ("51160219900307A234", "前17位应为数字"),
        ("", "长度应为18位"),
    ],
)
def test_invalid_numbers_say_which_part_is_wrong(number, reason):
    text = message(number)
    assert text.startswith(f"身份证号码“{number}”无效：")
    assert reason in text


def test_checksum_is_checked_before_the_date():
    """A typo usually breaks the check character; say that rather than a confusing date error."""
    broken = with_check("51160219900230123")[:-1]
    wrong = "0" if ric.calc_check_digit(broken + "0") != "0" else "1"
    assert "校验码错误" in message(broken + wrong)


@pytest.mark.parametrize("value", ["13812345678", "138 1234 5678", "+8613812345678", "19912345678"])
def test_valid_mobiles(value):
    assert validate_mobile(value) in {"13812345678", "19912345678"}


@pytest.mark.parametrize(
    "value", ["12812345678", "1381234567", "138123456789", "0826-2222111", "", "1381234567a"]
)
def test_invalid_mobiles(value):
    with pytest.raises(ValidationError) as exc:
        validate_mobile(value)
    assert "应为以1开头的11位数字" in exc.value.messages[0]
