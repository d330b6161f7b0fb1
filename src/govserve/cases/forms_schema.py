"""Validating an application form against the fields configured for its items (FormField)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import uscc

from govserve.accounts.validators import validate_resident_id

from .models import FieldType, FormField
from .models.application import TEXT_MAX_LENGTH, TEXTAREA_MAX_LENGTH

MOBILE = re.compile(r"^1[3-9]\d{9}$")


def fields_for(items) -> list[FormField]:
    """The fields of all `items`, each key once (a bundle asks a shared field once)."""
    seen: dict[str, FormField] = {}
    for field in FormField.objects.filter(item__in=list(items)).order_by("item_id", "order", "pk"):
        seen.setdefault(field.key, field)
    return list(seen.values())


def max_length(field: FormField) -> int:
    """How many characters the field takes: its spec's max_length, else the default cap."""
    if field.max_length:
        return field.max_length
    return TEXTAREA_MAX_LENGTH if field.field_type == FieldType.TEXTAREA else TEXT_MAX_LENGTH


def _number(field: FormField, value: str) -> str:
    """A finite number within the spec's bounds (min_value, max_value), as text."""
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValidationError(_("请填写数字")) from None
    if not number.is_finite():
        raise ValidationError(_("请填写数字"))
    if field.min_value is not None and number < field.min_value:
        raise ValidationError(_("不能小于 %(min)s") % {"min": _plain(field.min_value)})
    if field.max_value is not None and number > field.max_value:
        raise ValidationError(_("不能大于 %(max)s") % {"max": _plain(field.max_value)})
    return str(number)


def _plain(number: Decimal) -> str:
    """0 rather than 0.0000 (bounds are stored with four decimals)."""
    return format(number.normalize(), "f")


def _clean(field: FormField, value):
    if isinstance(value, dict | list):
        raise ValidationError(_("应填写一个值，不能是对象或列表"))
    if field.field_type == FieldType.BOOLEAN:
        if isinstance(value, bool):
            return value
        if str(value).lower() in {"1", "true", "on", "yes", "是"}:
            return True
        if str(value).lower() in {"0", "false", "off", "no", "否", ""}:
            return False
        raise ValidationError(_("请选择“是”或“否”"))
    value = str(value).strip()
    if len(value) > max_length(field):
        raise ValidationError(_("不能超过 %(n)d 个字") % {"n": max_length(field)})
    if field.field_type == FieldType.NUMBER:
        return _number(field, value)
    if field.field_type == FieldType.DATE:
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            raise ValidationError(_("日期格式应为 YYYY-MM-DD")) from None
    if field.field_type == FieldType.CHOICE and value not in [str(c) for c in field.choices]:
        raise ValidationError(_("请从给定选项中选择"))
    if field.field_type == FieldType.ID_NUMBER:
        return validate_resident_id(value)  # says which part is wrong
    if field.field_type == FieldType.USCC and not uscc.is_valid(value):
        raise ValidationError(_("统一社会信用代码无效"))
    if field.field_type == FieldType.MOBILE and not MOBILE.match(value):
        raise ValidationError(_("手机号码应为 11 位数字，以 1 开头"))
    return value


def clean_form(fields: list[FormField], data: dict, *, partial: bool = False) -> dict:
    """Return the cleaned form data; raise {"form_data.<key>": [...]} for each bad field.

    `partial` (a draft) lets required fields be empty but still checks what was filled in.
    Unknown keys are dropped: the form is what the catalog says it is.
    """
    if not isinstance(data, dict):
        raise ValidationError({"form_data": [_("申请表内容应为对象")]})
    errors: dict[str, list[str]] = {}
    cleaned = {}
    for field in fields:
        value = data.get(field.key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if field.required and not partial:
                errors[f"form_data.{field.key}"] = [
                    _("“%(label)s”为必填项") % {"label": field.label}
                ]
            continue
        try:
            cleaned[field.key] = _clean(field, value)
        except ValidationError as exc:
            errors[f"form_data.{field.key}"] = [f"{field.label}：{m}" for m in exc.messages]
    if errors:
        raise ValidationError(errors)
    return cleaned
