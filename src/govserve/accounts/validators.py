"""Validation of personal identifiers: resident ID numbers (GB 11643) and mobile numbers.

Unified social credit codes are validated by `govserve.regions.validators.validate_uscc`.
"""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def validate_resident_id(value: str) -> str:
    """Validate a resident ID number (居民身份证号码) and return it compact and upper-case.

    The message says which part is wrong: length, characters, check character, birth date
    or the region (address) code, checked in that order.
    """
    number = ric.compact(str(value or ""))
    if len(number) != 18:
        _fail(_("长度应为18位"), value)
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        _fail(_("前17位应为数字，最后一位为数字或X"), value)
    try:
        birth = ric.get_birth_date(number)
    except StdnumError:
        birth = None
    if number[17] != ric.calc_check_digit(number):
        _fail(_("校验码错误"), value)
    if birth is None or birth > dt.date.today() or birth.year < 1900:
        _fail(_("出生日期无效"), value)
    try:
        ric.get_birth_place(number)
    except StdnumError:
        _fail(_("地区码无效"), value)
    return number


def _fail(reason, value) -> None:
    raise ValidationError(
        _("身份证号码“%(value)s”无效：%(reason)s"),
        code="invalid_id_number",
        params={"value": value, "reason": reason},
    )


def validate_mobile(value: str) -> str:
    """An 11-digit mainland mobile number (1[3-9]xxxxxxxxx); spaces and dashes are dropped."""
    number = re.sub(r"[\s-]", "", str(value or ""))
    if number.startswith("+86"):
        number = number[3:]
    if not MOBILE_RE.match(number):
        raise ValidationError(
            _("手机号码“%(value)s”无效：应为以1开头的11位数字"), code="invalid_mobile", params={"value": value}
        )
    return number
