"""Integer parameters (ids, counts, offsets) checked against the database's integer range.

A number past a column's range must never reach the database: SQLite refuses to bind an integer
beyond 64 bits (`OverflowError`, a 500) and raw SQL has no ORM to guard it. Every integer an
API takes from a query string or a body goes through one of these, which answer 400 naming the
field:

- `IdField()` — a serializer field for a row id (1 … `ID_MAX`, `DEFAULT_AUTO_FIELD` is a
  BigAutoField); `BoundedIntegerField(min_value=…, max_value=…)` for any other integer, bounded
  by the 64-bit column range unless narrower bounds are given;
- `integer_param(value, field, …)` — the same for a raw query-string value in a plain view.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from .errors import Refused

# BigIntegerField / BigAutoField: the widest integer column the project has (every engine).
BIGINT_MIN = -(2**63)
BIGINT_MAX = 2**63 - 1
# IntegerField / PositiveIntegerField columns.
INT_MAX = 2**31 - 1
# Row ids: BigAutoField (settings.DEFAULT_AUTO_FIELD) counts from 1.
ID_MAX = BIGINT_MAX


class BoundedIntegerField(serializers.IntegerField):
    """An integer serializer field that never lets a value outside a database column through:
    without explicit bounds it takes the 64-bit column range."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", BIGINT_MIN)
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(**kwargs)


class IdField(BoundedIntegerField):
    """A row id (编号): a whole number from 1 to the largest id a row can have."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": gettext_lazy("编号应为正整数"),
                "min_value": gettext_lazy("编号应为正整数"),
                "max_value": gettext_lazy("编号超出范围"),
                "max_string_length": gettext_lazy("编号超出范围"),
            },
        )
        super().__init__(**kwargs)


def integer_param(
    value: object,
    field: str,
    *,
    min_value: int = 1,
    max_value: int = ID_MAX,
) -> int | None:
    """`value` (a query-string text) as an int within [min_value, max_value]; None when empty.

    Raises `Refused(field, …, 400)` for text that is not a whole number or is out of range
    (an id by default), so the number is never handed to the database.
    """
    text = str(value if value is not None else "").strip()
    if not text:
        return None
    digits = text[1:] if text[:1] in "+-" else text
    if not digits.isascii() or not digits.isdigit() or len(digits) > 20:
        raise Refused(field, _("应为整数"))
    number = int(text)
    if not min_value <= number <= max_value:
        raise Refused(
            field,
            _("应为 %(min)s 到 %(max)s 之间的整数") % {"min": min_value, "max": max_value},
        )
    return number
