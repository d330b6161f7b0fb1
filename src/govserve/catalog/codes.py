"""National item codes (DOMAIN.md §1): 基本编码 (12), 实施编码 (31), 业务办理项编码 (33), 办件编号.

Local codes (e.g. Sichuan's `511A0138000000-511602000000-000-<USCC>-1-00`) follow other
layouts; they are stored as given and never validated against these rules.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from govserve.regions.validators import validate_uscc

from .codetables import AdministrativeLevel, ItemType

BASIC_CODE_RE = re.compile(
    r"^(?P<region>\d{2})(?P<type>\d{2})(?P<main>\d{5})(?P<sub>000|00Y|\d{3})$"
)
ITEM_TYPE_CODES = {t.value for t in ItemType} | {"00"}
LEVEL_CODES = {str(v.value) for v in AdministrativeLevel}


@dataclass(frozen=True)
class BasicCode:
    region: str
    item_type: str
    main: str
    sub: str

    def __str__(self) -> str:
        return f"{self.region}{self.item_type}{self.main}{self.sub}"

    @property
    def has_sub_items(self) -> bool:
        return self.sub == "00Y"

    @property
    def is_sub_item(self) -> bool:
        return self.sub not in ("000", "00Y")


def parse_basic_code(code: str) -> BasicCode:
    """Parse and validate a 12-character 基本编码; raise ValidationError naming what is wrong."""
    m = BASIC_CODE_RE.match(code or "")
    if not m:
        raise ValidationError(
            _("基本编码“%(code)s”格式错误：应为12位（区划2位+事项类型2位+主项5位+子项3位）")
            % {"code": code},
            code="invalid_basic_code",
        )
    if m["type"] not in ITEM_TYPE_CODES:
        raise ValidationError(
            _("基本编码“%(code)s”中的事项类型代码“%(type)s”不存在")
            % {"code": code, "type": m["type"]},
            code="invalid_basic_code_type",
        )
    return BasicCode(m["region"], m["type"], m["main"], m["sub"])


def build_basic_code(region: str, item_type: str, main: str, sub: str = "000") -> str:
    code = f"{region}{item_type}{main}{sub}"
    parse_basic_code(code)
    return code


@dataclass(frozen=True)
class ImplementationCode:
    uscc: str
    level: str
    basic: BasicCode

    def __str__(self) -> str:
        return f"{self.uscc}{self.level}{self.basic}"


def parse_implementation_code(code: str) -> ImplementationCode:
    """Parse a 31-character 实施编码: USCC (18) + 行使层级 (1) + 基本编码 (12)."""
    if not code or len(code) != 31:
        raise ValidationError(
            _("实施编码“%(code)s”长度应为31位（统一社会信用代码18位+行使层级1位+基本编码12位）")
            % {"code": code},
            code="invalid_implementation_code",
        )
    uscc, level, basic = code[:18], code[18], code[19:]
    try:
        validate_uscc(uscc)
    except ValidationError as exc:
        raise ValidationError(
            _("实施编码中的统一社会信用代码无效：%(reason)s") % {"reason": "；".join(exc.messages)},
            code="invalid_implementation_code_uscc",
        ) from exc
    if level not in LEVEL_CODES:
        raise ValidationError(
            _("实施编码中的行使层级“%(level)s”不存在") % {"level": level},
            code="invalid_implementation_code_level",
        )
    return ImplementationCode(uscc, level, parse_basic_code(basic))


def build_implementation_code(uscc: str, level: int, basic_code: str) -> str:
    code = f"{uscc}{level}{basic_code}"
    parse_implementation_code(code)
    return code


def build_business_code(implementation_code: str, variant: int = 1) -> str:
    """业务办理项编码: 实施编码 + 2-digit handling variant (01 新办, 02 变更 …)."""
    parse_implementation_code(implementation_code)
    if not 0 <= variant <= 99:
        raise ValidationError(_("业务办理项序号应为00–99"), code="invalid_business_variant")
    return f"{implementation_code}{variant:02d}"


def build_case_number(implementation_code: str, day: date, serial: int) -> str:
    """办件编号: 实施编码 + yyyyMMdd + 4-digit daily serial."""
    if not 1 <= serial <= 9999:
        raise ValidationError(_("办件当日流水号应为0001–9999"), code="invalid_case_serial")
    return f"{implementation_code}{day:%Y%m%d}{serial:04d}"
