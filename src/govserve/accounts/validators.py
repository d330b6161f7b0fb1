"""Validation of personal identifiers: resident ID numbers (GB 11643) and mobile numbers.

Unified social credit codes are validated by `govserve.regions.validators.validate_uscc`.
"""

import datetime as dt
import re
from typing import NoReturn

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import numdb
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def validate_resident_id(value: str) -> str:
    """Validate a resident ID number (居民身份证号码) and return it compact and upper-case.

    Spaces and dashes are dropped. The message says which part is wrong: length, characters,
    check character, birth date or the region (address) code, checked in that order.
    """
    number = re.sub(r"[\s-]", "", str(value or "")).upper()
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
    if not region_code_plausible(number[:6], birth.year):
        _fail(_("地区码无效"), value)
    return number


def region_code_plausible(code: str, birth_year: int) -> bool:
    """Whether a GB/T 2260 county code could head the ID number of someone born in `birth_year`.

    The address code is the county of residence when the number was first assigned, which
    may be years after birth (a person born in 1990 whose first card came in 2006 carries
    a 2006 code), so a county created after the birth year is fine; one abolished before
    the person was born is not. python-stdnum's own check demands the county existed in
    the birth year, which refuses real numbers such as 广安区 (511602, since 1998) for
    people born before 1998.
    """
    info = {k: v for _part, props in numdb.get("cn/loc").info(code) for k, v in props.items()}
    for county in filter(None, info.get("county", "").split(",")):
        if not county.startswith("["):
            return True
        span = county[1:].split("]", 1)[0]
        end = span.split("-", 1)[1]
        if not end or int(end) >= birth_year:
            return True
    return False


def _fail(reason, value) -> NoReturn:
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
            _("手机号码“%(value)s”无效：应为以1开头的11位数字"),
            code="invalid_mobile",
            params={"value": value},
        )
    return number
