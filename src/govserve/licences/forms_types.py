"""Checking a licence type's definition (证照类型) and a licence's data against it.

A type is defined by catalog administrators (admin and API): its code (the defining ministry's
USCC + a 3-digit sequence, GB/T 36904), the fields printed on the licence (照面信息项) and a
layout. The same field spec later checks each licence's data (on issue, taken from the case's
form data; on a change, from staff input), so a spec that could not be checked is refused here,
field by field, with the position and the name of the wrong entry.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govserve.accounts.policies import can_define_for, changeable_items_q
from govserve.catalog.models import ImplementationItem
from govserve.regions.models import Region

from .identifiers import type_code_error
from .models import FieldKind, LicenceType

FIELD_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,49}$")
FIELD_KEYS = {"name", "label", "kind", "required", "choices", "max_length"}
LAYOUT_KEYS = {"title", "orientation", "note", "number_prefix"}
ORIENTATIONS = ("landscape", "portrait")
NUMBER_PREFIX = re.compile(r"^[A-Z]{0,4}$")
LABEL_MAX = 30
TEXT_MAX = 1000  # the longest text a licence prints in one field
CHOICES_MAX = 50


def clean_type_code(value: Any) -> str:
    """The type code in capitals; ValidationError (Chinese) naming what is wrong."""
    code = str(value or "").strip().upper()
    problem = type_code_error(code)
    if problem:
        raise ValidationError(problem, code="type_code")
    return code


def _field_problems(n: int, entry: Any, seen: set[str]) -> tuple[dict | None, list[str]]:
    where = _("第 %(n)d 项") % {"n": n}
    if not isinstance(entry, dict):
        return None, [_("%(where)s应为对象（名称、标签、类型……）") % {"where": where}]
    problems: list[str] = []
    unknown = sorted(set(entry) - FIELD_KEYS)
    if unknown:
        problems.append(
            _("%(where)s含有不认识的键：%(keys)s") % {"where": where, "keys": "、".join(unknown)}
        )
    name = entry.get("name")
    if not isinstance(name, str) or not FIELD_NAME.match(name):
        problems.append(
            _("%(where)s的名称（name）应为字母开头、由字母数字下划线组成的标识，至多 50 个字符")
            % {"where": where}
        )
    elif name in seen:
        problems.append(_("%(where)s的名称“%(name)s”重复") % {"where": where, "name": name})
    else:
        seen.add(name)
        where = _("第 %(n)d 项（%(name)s）") % {"n": n, "name": name}
    label = entry.get("label")
    if not isinstance(label, str) or not label.strip() or len(label.strip()) > LABEL_MAX:
        problems.append(
            _("%(where)s的标签（label）不能为空，至多 %(max)d 个字")
            % {"where": where, "max": LABEL_MAX}
        )
    kind = entry.get("kind", FieldKind.TEXT)
    if kind not in FieldKind.values:
        problems.append(
            _("%(where)s的类型（kind）应为 %(kinds)s 之一")
            % {"where": where, "kinds": "、".join(FieldKind.values)}
        )
    required = entry.get("required", False)
    if not isinstance(required, bool):
        problems.append(_("%(where)s的必填（required）应为 true 或 false") % {"where": where})
    choices = entry.get("choices")
    if kind == FieldKind.CHOICE:
        if (
            not isinstance(choices, list)
            or not choices
            or len(choices) > CHOICES_MAX
            or not all(isinstance(c, str) and c.strip() for c in choices)
            or len(set(choices)) != len(choices)
        ):
            problems.append(
                _("%(where)s是选项类型，须给出 1 至 %(max)d 个互不相同的非空选项（choices）")
                % {"where": where, "max": CHOICES_MAX}
            )
    elif choices not in (None, []):
        problems.append(_("%(where)s不是选项类型，不能设置选项（choices）") % {"where": where})
    max_length = entry.get("max_length")
    if max_length is not None:
        if kind != FieldKind.TEXT:
            problems.append(
                _("%(where)s不是文本类型，不能设置最大长度（max_length）") % {"where": where}
            )
        elif (
            isinstance(max_length, bool)
            or not isinstance(max_length, int)
            or not 0 < max_length <= TEXT_MAX
        ):
            problems.append(
                _("%(where)s的最大长度（max_length）应为 1 至 %(max)d 的整数")
                % {"where": where, "max": TEXT_MAX}
            )
    if problems:
        return None, problems
    assert isinstance(label, str)  # no problems: checked above
    spec = {"name": name, "label": label.strip(), "kind": str(kind), "required": required}
    if kind == FieldKind.CHOICE:
        assert isinstance(choices, list)  # no problems: checked above
        spec["choices"] = [c.strip() for c in choices]
    if max_length is not None:
        spec["max_length"] = max_length
    return spec, []


def clean_fields_spec(value: Any) -> list[dict]:
    """The field list, normalised; ValidationError with one message per wrong entry."""
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise ValidationError(_("照面信息项应为列表"), code="fields")
    seen: set[str] = set()
    cleaned: list[dict] = []
    problems: list[str] = []
    for n, entry in enumerate(value, start=1):
        spec, errors = _field_problems(n, entry, seen)
        problems.extend(errors)
        if spec:
            cleaned.append(spec)
    if problems:
        raise ValidationError(problems, code="fields")
    return cleaned


def clean_layout(value: Any) -> dict:
    """{"title", "orientation": landscape|portrait, "note", "number_prefix"} with defaults."""
    if value in (None, ""):
        value = {}
    if not isinstance(value, dict):
        raise ValidationError(_("版式应为对象"), code="layout")
    problems: list[str] = []
    unknown = sorted(set(value) - LAYOUT_KEYS)
    if unknown:
        problems.append(_("版式含有不认识的键：%(keys)s") % {"keys": "、".join(unknown)})
    title = value.get("title", "")
    if not isinstance(title, str) or len(title.strip()) > 40:
        problems.append(_("版式标题（title）应为至多 40 个字的文字"))
    orientation = value.get("orientation", "landscape")
    if orientation not in ORIENTATIONS:
        problems.append(_("版式方向（orientation）应为 landscape（横版）或 portrait（竖版）"))
    note = value.get("note", "")
    if not isinstance(note, str) or len(note) > 300:
        problems.append(_("版式说明（note）应为至多 300 个字的文字"))
    prefix = value.get("number_prefix", "")
    if not isinstance(prefix, str) or not NUMBER_PREFIX.match(prefix):
        problems.append(_("证照编号前缀（number_prefix）应为至多 4 个大写字母"))
    if problems:
        raise ValidationError(problems, code="layout")
    layout = {"title": title.strip(), "orientation": orientation}
    if note.strip():
        layout["note"] = note.strip()
    if prefix:
        layout["number_prefix"] = prefix
    return layout


# -- a licence's data against its type's fields ------------------------------------------------
def _clean_value(spec: dict, value: Any) -> str:
    kind = spec.get("kind", FieldKind.TEXT)
    # Only a scalar is a value: a list, an object or true/false would be signed as Python text.
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise ValidationError(_("应填写文字或数字"))
    text = str(value).strip()
    if kind == FieldKind.DATE:
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValidationError(_("日期格式应为 YYYY-MM-DD")) from None
    if kind == FieldKind.NUMBER:
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValidationError(_("请填写数字")) from None
        if not number.is_finite():
            raise ValidationError(_("请填写数字"))
        return str(number)
    if kind == FieldKind.CHOICE:
        if text not in spec.get("choices", []):
            raise ValidationError(
                _("应为以下选项之一：%(choices)s") % {"choices": "、".join(spec.get("choices", []))}
            )
        return text
    limit = spec.get("max_length") or TEXT_MAX
    if len(text) > limit:
        raise ValidationError(_("不能超过 %(n)d 个字") % {"n": limit})
    return text


def clean_data(
    licence_type: LicenceType, data: Any, *, prefix: str = "data"
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The licence's data as its type defines it (values as text, unknown keys dropped) and the
    problems keyed ``<prefix>.<name>``; a missing required field is named with its label."""
    if not isinstance(data, dict):
        return {}, {prefix: [_("照面信息应为对象")]}
    cleaned: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for spec in licence_type.fields or []:
        name, label = spec.get("name"), spec.get("label") or spec.get("name")
        value = data.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if spec.get("required"):
                errors[f"{prefix}.{name}"] = [
                    _("“%(label)s”（%(name)s）为必填项") % {"label": label, "name": name}
                ]
            continue
        try:
            cleaned[name] = _clean_value(spec, value)
        except ValidationError as exc:
            errors[f"{prefix}.{name}"] = [f"{label}：{m}" for m in exc.messages]
    return cleaned, errors


# -- the admin form ------------------------------------------------------------------------------
class LicenceTypeForm(forms.ModelForm):
    """证照类型 in the admin: the same checks as the API, next to each field."""

    class Meta:
        model = LicenceType
        fields = [
            "name",
            "type_code",
            "ministry_name",
            "validity_months",
            "fields",
            "layout",
            "items",
            "active",
        ]
        help_texts = {
            "fields": gettext_lazy(
                '例：[{"name": "business_address", "label": "经营场所", "kind": "text", '
                '"required": true, "max_length": 200}]；kind 为 text/date/number/choice，'
                "choice 须给出 choices；name 与事项申请表字段标识相同，签发时从申请表取值。"
            ),
            "layout": gettext_lazy(
                '例：{"title": "食品经营许可证", "orientation": "landscape", "note": "", '
                '"number_prefix": "JY"}'
            ),
        }

    def __init__(self, *args, items_queryset=None, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if "items" in self.fields:
            self.fields["items"].required = False
            if items_queryset is not None:
                items = self.fields["items"]
                assert isinstance(
                    items, forms.ModelMultipleChoiceField
                )  # the many-to-many's form field
                items.queryset = items_queryset

    def clean_type_code(self) -> str:
        code = clean_type_code(self.cleaned_data.get("type_code"))
        if self.user is not None and not may_define(self.user, code):
            raise ValidationError(define_refusal(code))
        if self.instance.pk and code != self.instance.type_code and self.instance.licences.exists():
            raise ValidationError(_("已有按此类型签发的证照，证照类型代码不能再修改"))
        return code

    def clean_fields(self) -> list[dict]:
        return clean_fields_spec(self.cleaned_data.get("fields"))

    def clean_layout(self) -> dict:
        return clean_layout(self.cleaned_data.get("layout"))


# The division code in a USCC (characters 3–8) of a central (national) authority.
NATIONAL_DIVISION = "100000"


def type_owner(type_code: str) -> Region | None:
    """The region whose authority defined the type: the division code in the defining
    ministry's USCC (the code's first 18 characters). None: a national (central) authority,
    or a division not in the tree — either is for national administrators."""
    division = str(type_code or "")[2:8]
    if not division.isdigit() or division == NATIONAL_DIVISION:
        return None
    return Region.objects.filter(code=division + "000000").first()


def may_define(user, type_code: str) -> bool:
    """Whether `user` may define or change a type with this code: catalog administrators of
    the level and region that own it (national types: national administrators, superusers)."""
    return can_define_for(user, type_owner(type_code))


def define_refusal(type_code: str) -> str:
    owner = type_owner(type_code)
    if owner is None:
        return _("该证照类型由国家部委定义，只有国家级管理员可以维护")
    return _("该证照类型由“%(region)s”定义，只有该区划、该层级的目录管理员可以维护") % {
        "region": owner.full_name or owner.name
    }


def linkable_items(user):
    """Implementation items `user` may link a licence type to (their catalog scope)."""
    return ImplementationItem.objects.filter(changeable_items_q(user)).select_related("region")
