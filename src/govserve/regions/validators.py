"""Validation of national codes: division codes (GB/T 2260 + statistical), USCC (GB 32100)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import ValidationError as StdnumError

_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def org_code_check_digit(body: str) -> str:
    """Check digit of the 9-character organisation code (GB 11714) embedded in a USCC."""
    total = sum(_ORG_ALPHABET.index(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def validate_uscc(value: str) -> str:
    """Validate a unified social credit code (统一社会信用代码) and return it compacted.

    python-stdnum checks the GB 32100 check character; it does not check the
    GB 11714 organisation-code check digit in characters 9-17, so we add that.
    """
    try:
        code = stdnum_uscc.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            _("统一社会信用代码“%(value)s”无效：%(reason)s"),
            code="invalid_uscc",
            params={"value": value, "reason": _uscc_reason(exc)},
        ) from exc
    org = code[8:17]
    if any(c not in _ORG_ALPHABET for c in org[:8]) or org_code_check_digit(org[:8]) != org[8]:
        raise ValidationError(
            _("统一社会信用代码“%(value)s”中的组织机构代码校验位错误"),
            code="invalid_uscc_org",
            params={"value": value},
        )
    return code


def _uscc_reason(exc: StdnumError) -> str:
    name = type(exc).__name__
    return {
        "InvalidLength": str(_("长度应为18位")),
        "InvalidChecksum": str(_("校验码错误")),
        "InvalidFormat": str(_("含有非法字符")),
        "InvalidComponent": str(_("登记管理部门或机构类别代码无效")),
    }.get(name, str(_("格式错误")))


def validate_division_code(value: str) -> None:
    """A 12-digit statistical division code; 6-digit GB/T 2260 codes are padded by callers."""
    if len(value) != 12 or not value.isdigit():
        raise ValidationError(
            _("行政区划代码应为12位数字：“%(value)s”"),
            code="invalid_division",
            params={"value": value},
        )
