"""Electronic licence identifiers (电子证照标识, GB/T 36904).

Format::

    1.2.156.3005.2.<licence type code>.<issuer USCC>.<serial>.<3-digit version>.<check>

* the licence type code is the defining ministry's unified social credit code (18 characters)
  followed by a 3-digit sequence number, 21 characters in all;
* the issuer is the issuing department's unified social credit code (统一社会信用代码);
* the serial is the issuer's own number for the licence (digits and capital letters, here at
  most 32 characters);
* the version is three digits, ``001`` for the first issue, increased by each change (变更);
* the check character is ISO 7064 MOD 37,36 over type + issuer + serial + version, using the
  alphabet ``0-9A-Z`` (``stdnum.iso7064.mod_37_36``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.iso7064 import mod_37_36

PREFIX = "1.2.156.3005.2."
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
SERIAL_MAX = 32
_SERIAL = re.compile(rf"[0-9A-Z]{{1,{SERIAL_MAX}}}")
_SEQUENCE = re.compile(r"[0-9]{3}")
_VERSION = re.compile(r"[0-9]{3}")


@dataclass(frozen=True)
class LicenceIdentifier:
    type_code: str
    issuer_uscc: str
    serial: str
    version: int
    check: str

    @property
    def ministry_uscc(self) -> str:
        """The defining ministry's USCC: the first 18 characters of the type code."""
        return self.type_code[:18]

    @property
    def type_sequence(self) -> str:
        return self.type_code[18:]

    @property
    def version_code(self) -> str:
        return f"{self.version:03d}"

    def __str__(self) -> str:
        return ".".join(
            [PREFIX + self.type_code, self.issuer_uscc, self.serial, self.version_code, self.check]
        )


def _uscc_error(value: str) -> str | None:
    if len(value) != 18:
        return _("应为 18 位统一社会信用代码")
    try:
        stdnum_uscc.validate(value)
    except StdnumError:
        return _("不是有效的统一社会信用代码（校验位或编码不正确）")
    return None


def type_code_error(value: str) -> str | None:
    if len(value) != 21 or not _SEQUENCE.fullmatch(value[18:]):
        return _("证照类型代码应为制定部门的 18 位统一社会信用代码加 3 位顺序号")
    problem = _uscc_error(value[:18])
    if problem:
        return _("证照类型代码中制定部门的统一社会信用代码有误：%(problem)s") % {"problem": problem}
    return None


def _check_parts(type_code: str, issuer_uscc: str, serial: str, version: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    problem = type_code_error(type_code)
    if problem:
        errors["type_code"] = problem
    problem = _uscc_error(issuer_uscc)
    if problem:
        errors["issuer_uscc"] = _("发证机构统一社会信用代码有误：%(problem)s") % {
            "problem": problem
        }
    if not _SERIAL.fullmatch(serial):
        errors["serial"] = _("证照序号应为 1 至 %(max)d 位数字或大写字母") % {"max": SERIAL_MAX}
    if not _VERSION.fullmatch(version) or version == "000":
        errors["version"] = _("版本号应为 001 至 999 的三位数字")
    return errors


def check_character(type_code: str, issuer_uscc: str, serial: str, version: int | str) -> str:
    """The ISO 7064 MOD 37,36 check character over type + issuer + serial + version."""
    version_code = version if isinstance(version, str) else f"{version:03d}"
    return mod_37_36.calc_check_digit(type_code + issuer_uscc + serial + version_code, ALPHABET)


def build_identifier(type_code: str, issuer_uscc: str, serial: str | int, version: int) -> str:
    """Compose an identifier; raise ValidationError naming each wrong part."""
    type_code, issuer_uscc = str(type_code).strip().upper(), str(issuer_uscc).strip().upper()
    serial = str(serial).strip().upper()
    version_code = f"{version:03d}" if isinstance(version, int) and 0 < version < 1000 else "bad"
    errors = _check_parts(type_code, issuer_uscc, serial, version_code)
    if errors:
        raise ValidationError(
            {field: ValidationError(message, code=field) for field, message in errors.items()}
        )
    check = check_character(type_code, issuer_uscc, serial, version_code)
    return str(LicenceIdentifier(type_code, issuer_uscc, serial, version, check))


def parse_identifier(value: str) -> LicenceIdentifier:
    """Split and check an identifier; raise ValidationError saying which part is wrong.

    Surrounding spaces are ignored and letters are read as capitals.
    """
    text = value.strip().upper() if isinstance(value, str) else ""
    if not text.startswith(PREFIX):
        raise ValidationError(
            _("电子证照标识应以 %(prefix)s 开头") % {"prefix": PREFIX}, code="prefix"
        )
    parts = text[len(PREFIX) :].split(".")
    if len(parts) != 5:
        raise ValidationError(
            _("电子证照标识格式不正确：应为 %(prefix)s证照类型代码.发证机构代码.序号.版本号.校验位")
            % {"prefix": PREFIX},
            code="format",
        )
    type_code, issuer_uscc, serial, version, check = parts
    errors = _check_parts(type_code, issuer_uscc, serial, version)
    if errors:
        raise ValidationError([ValidationError(m, code=f) for f, m in errors.items()])
    expected = check_character(type_code, issuer_uscc, serial, version)
    if check != expected:
        raise ValidationError(
            _("校验位“%(given)s”不正确：按 ISO 7064 MOD 37,36 计算应为“%(expected)s”")
            % {"given": check, "expected": expected},
            code="check",
        )
    return LicenceIdentifier(type_code, issuer_uscc, serial, int(version), check)


def validate_identifier(value: str) -> None:
    """Django validator: raise ValidationError (Chinese, naming the wrong part) or return None."""
    parse_identifier(value)
