"""Masks for personal data in pages, lists and API answers (e.g. 1101**********1234)."""

import re
from collections.abc import Iterable

_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_LANDLINE_IN_TEXT = re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")
_LONG_NUMBER = re.compile(r"\d{7,}")
HIDDEN = "***"


def mask_id_number(value: str | None) -> str:
    """Keep the first 4 and last 4 characters of a resident ID number: 1101**********1234."""
    if not value:
        return ""
    value = str(value)
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_mobile(value: str | None) -> str:
    """Keep the first 3 and last 4 digits of a mobile number: 138****5678."""
    if not value:
        return ""
    value = str(value)
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str | None) -> str:
    """Keep the family name: 张*, 欧阳**."""
    if not value:
        return ""
    value = str(value)
    if len(value) == 1:
        return value
    keep = 2 if len(value) >= 4 else 1
    return value[:keep] + "*" * (len(value) - keep)


def mask_login_name(value: str | None) -> str:
    """A login name as lists show it: one that is an ID or mobile number is masked like one."""
    value = str(value or "")
    if len(value) == 18 and value[:17].isdigit():
        return mask_id_number(value)
    if len(value) == 11 and value.isdigit() and value.startswith("1"):
        return mask_mobile(value)
    return value


def mask_free_text(text: str | None, names: Iterable[str | None] = ()) -> str:
    """Free text shown to the public (a rating's comment, a complaint, its reply): ID numbers and
    mobile numbers masked as in fields, landlines and other long numbers (case numbers, bank
    accounts) hidden, and each of `names` (two characters or more) masked like a name."""
    text = _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group(0)), text or "")
    text = _MOBILE_IN_TEXT.sub(lambda m: mask_mobile(m.group(0)), text)
    text = _LANDLINE_IN_TEXT.sub(HIDDEN, text)
    text = _LONG_NUMBER.sub(HIDDEN, text)
    for name in sorted({n for n in names if n and len(n) >= 2}, key=len, reverse=True):
        text = text.replace(name, mask_name(name))
    return text
