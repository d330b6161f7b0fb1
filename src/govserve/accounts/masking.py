"""Masks for personal data in pages, lists and API answers (e.g. 1101**********1234)."""


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
