"""Validation of catalog rows in the exchange format (docs/catalog-format.md).

One serializer serves the API's writes, the JSON/CSV import and the demo data, so every
entrance gives the same field-level messages.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from govserve.regions.models import Department, Region, level_for_region
from govserve.regions.selectors import resolve_region_name
from govserve.regions.validators import validate_uscc

from .codes import parse_basic_code, parse_implementation_code
from .codetables import (
    AdministrativeLevel,
    AssuranceLevel,
    BodyNature,
    CaseType,
    HandlingForm,
    ItemType,
    OnlineDepth,
    ServiceObject,
    TongbanScope,
)
from .models import ItemState, MaterialForm, MaterialSource, ResponsibilityStage, ResultType
from .rules import check_item

ITEM_TYPE_BY_LABEL = {str(t.label): t.value for t in ItemType}


class ItemTypeField(serializers.ChoiceField):
    """事项类型 as a code (01) or its Chinese name (行政许可)."""

    def __init__(self, **kwargs):
        super().__init__(choices=ItemType.choices, **kwargs)

    def to_internal_value(self, data):
        data = str(data).strip()
        if data.isdigit() and len(data) == 1:
            data = "0" + data
        return super().to_internal_value(ITEM_TYPE_BY_LABEL.get(data, data))


class CodeListField(serializers.ListField):
    """A multi-valued code table field; '1,2' and ['1', '2'] are both accepted."""

    def __init__(self, choices, **kwargs):
        super().__init__(child=serializers.ChoiceField(choices=choices), **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = [c for c in data.replace("，", ",").split(",") if c.strip()]
        if isinstance(data, list):
            data = [str(c).strip() for c in data]
        return sorted(set(super().to_internal_value(data)))


class LegalBasisRow(serializers.Serializer):
    law = serializers.CharField(max_length=300)
    article = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    text = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_law(self, value: str) -> str:
        """Stored with its title marks 《》 (the name may be followed by a decree number)."""
        return value if value.startswith("《") else f"《{value}》"


class MaterialRow(serializers.Serializer):
    name = serializers.CharField(max_length=300)
    common = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    issuing_body = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    originals = serializers.IntegerField(min_value=0, max_value=99, required=False, default=0)
    copies = serializers.IntegerField(min_value=0, max_value=99, required=False, default=0)
    required = serializers.BooleanField(required=False, default=True)  # type: ignore[assignment]  # a declared field, not Field.required
    required_note = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default=""
    )
    form = serializers.ChoiceField(
        choices=MaterialForm.choices, required=False, default=MaterialForm.BOTH
    )
    source = serializers.ChoiceField(
        choices=MaterialSource.choices, required=False, default=MaterialSource.APPLICANT
    )  # type: ignore[assignment]  # a declared field, not Field.source
    requirements = serializers.CharField(required=False, allow_blank=True, default="")


class FeeRow(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    standard = serializers.CharField(max_length=300)
    basis = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    waivable = serializers.BooleanField(required=False, default=False)


class ResponsibilityRow(serializers.Serializer):
    stage = serializers.ChoiceField(choices=ResponsibilityStage.choices)
    duty = serializers.CharField()
    accountability = serializers.CharField(required=False, allow_blank=True, default="")
    basis = serializers.CharField(required=False, allow_blank=True, default="")


class ProcedureStep(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    description = serializers.CharField(required=False, allow_blank=True, default="")


def _text(max_length=None, **kw):
    return serializers.CharField(
        required=False, allow_blank=True, default="", max_length=max_length, **kw
    )


class ItemRowSerializer(serializers.Serializer):
    """One implementation item in the exchange format; resolves region, body and codes."""

    name = serializers.CharField(max_length=300)
    item_type = ItemTypeField()
    basic_code = serializers.CharField(
        max_length=12, required=False, allow_blank=True, allow_null=True, default=""
    )
    basic_local_code = _text(64)
    parent_item = _text(300)
    implementation_code = serializers.CharField(
        max_length=31, required=False, allow_blank=True, allow_null=True, default=""
    )
    local_code = _text(100)
    region = serializers.CharField(max_length=100)
    department = serializers.CharField(max_length=200)
    department_uscc = _text(18)
    body_nature = serializers.ChoiceField(
        choices=BodyNature.choices, required=False, default=BodyNature.STATUTORY
    )
    co_departments = serializers.ListField(
        child=serializers.CharField(), required=False, default=list
    )
    handling_unit = _text(200)
    exercise_level = serializers.ChoiceField(
        choices=AdministrativeLevel.choices, required=False, allow_null=True, default=None
    )
    statutory_limit_days = serializers.IntegerField(required=False, allow_null=True, default=None)
    statutory_limit_note = _text(500)
    promised_limit_days = serializers.IntegerField(required=False, allow_null=True, default=None)
    promised_limit_note = _text(500)
    case_type = serializers.ChoiceField(
        choices=CaseType.choices, required=False, allow_blank=True, default=""
    )
    acceptance_conditions = _text()
    procedure = ProcedureStep(many=True, required=False, default=list)
    intermediary_services = _text()
    quantity_limit = _text()
    result_name = _text(200)
    result_type = serializers.ChoiceField(
        choices=ResultType.choices, required=False, allow_blank=True, default=""
    )
    result_sample = _text(200)
    fee_charged = serializers.BooleanField(required=False, default=False)
    fee_basis = _text()
    fees = FeeRow(many=True, required=False, default=list)
    tongban_scope = serializers.ChoiceField(
        choices=TongbanScope.choices, required=False, allow_blank=True, default=""
    )
    service_objects = CodeListField(ServiceObject.choices, required=False, default=list)
    handling_forms = CodeListField(HandlingForm.choices, required=False, default=list)
    supports_appointment = serializers.BooleanField(required=False, default=False)
    supports_online_payment = serializers.BooleanField(required=False, default=False)
    supports_delivery = serializers.BooleanField(required=False, default=False)
    online = serializers.BooleanField(required=False, default=False)
    online_depth = CodeListField(OnlineDepth.choices, required=False, default=list)
    fully_online = serializers.BooleanField(required=False, default=False)
    visits_required = serializers.IntegerField(required=False, default=1)
    visit_reason = _text(500)
    place = _text(300)
    hours = _text(200)
    consult_phone = _text(50)
    complaint_phone = _text(50)
    review_body = _text(200)
    litigation_body = _text(200)
    keywords = _text(300)
    min_assurance_level = serializers.ChoiceField(
        choices=AssuranceLevel.choices, required=False, default=AssuranceLevel.SELF_DECLARED
    )
    legal_bases = LegalBasisRow(many=True, required=False, default=list)
    materials = MaterialRow(many=True, required=False, default=list)
    responsibilities = ResponsibilityRow(many=True, required=False, default=list)
    elements_complete = serializers.BooleanField(required=False, default=True)
    source = _text(300)
    state = serializers.ChoiceField(
        choices=[
            (ItemState.DRAFT, ItemState.DRAFT.label),
            (ItemState.PUBLISHED, ItemState.PUBLISHED.label),
        ],
        required=False,
        default=ItemState.DRAFT,
    )
    effective_date = serializers.DateField(required=False, allow_null=True, default=None)

    default_error_messages = {"unknown_region": gettext_lazy("区划不存在")}

    def __init__(
        self, *args, lookups: Lookups | None = None, create_departments: bool = False, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.lookups = lookups or Lookups()
        self.create_departments = create_departments

    # -- single fields -----------------------------------------------------------------
    def validate_region(self, value: str) -> Region:
        region = self.lookups.region(value)
        if region is None:
            raise serializers.ValidationError(
                _("区划“%(value)s”不存在（请先导入行政区划）") % {"value": value}
            )
        return region

    def validate_basic_code(self, value):
        if value:
            parse_basic_code(value)
        return value or ""

    def validate_implementation_code(self, value):
        if value:
            parse_implementation_code(value)
        return value or None

    def validate_department_uscc(self, value):
        return validate_uscc(value) if value else ""

    # -- the whole row -----------------------------------------------------------------
    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors: dict[str, list[str]] = {}
        region: Region = attrs["region"]
        department = self.lookups.department(attrs["department"], region)
        if department is None and self.create_departments:
            department = self.lookups.new_department(
                attrs["department"], region, attrs.get("department_uscc")
            )
        if department is None:
            errors["department"] = [
                _("实施主体“%(dept)s”在“%(region)s”不存在")
                % {"dept": attrs["department"], "region": region}
            ]
        elif department.region_id and department.region_id != region.id:
            errors["department"] = [
                _("实施主体“%(dept)s”不属于“%(region)s”") % {"dept": department, "region": region}
            ]
        attrs["department"] = department
        co = []
        for name in attrs.get("co_departments", []):
            found = self.lookups.department(name, region)
            if found is None:
                errors.setdefault("co_departments", []).append(
                    _("联办机构“%(dept)s”不存在") % {"dept": name}
                )
            co.append(found)
        attrs["co_departments"] = co

        if attrs.get("exercise_level") is None:
            attrs["exercise_level"] = level_for_region(region)
        if not attrs.get("case_type") and attrs.get("promised_limit_days") is not None:
            attrs["case_type"] = (
                CaseType.IMMEDIATE if attrs["promised_limit_days"] == 0 else CaseType.PROMISED
            )
        attrs["case_type"] = attrs.get("case_type") or CaseType.PROMISED
        if (
            attrs["basic_code"]
            and attrs["basic_code"][2:4] != attrs["item_type"]
            and attrs["basic_code"][2:4] != "00"
        ):
            errors.setdefault("basic_code", []).append(_("基本编码中的事项类型与事项类型不一致"))
        code = attrs.get("implementation_code")
        if code and department is not None:
            parsed = parse_implementation_code(code)
            if department.uscc and parsed.uscc != department.uscc:
                errors.setdefault("implementation_code", []).append(
                    _("实施编码中的统一社会信用代码与实施主体不一致")
                )
            if parsed.level != str(attrs["exercise_level"]):
                errors.setdefault("implementation_code", []).append(
                    _("实施编码中的行使层级与事项行使层级不一致")
                )
            if attrs["basic_code"] and str(parsed.basic) != attrs["basic_code"]:
                errors.setdefault("implementation_code", []).append(
                    _("实施编码的后12位应为基本编码")
                )
        if attrs["state"] == ItemState.PUBLISHED and not attrs.get("effective_date"):
            from django.utils import timezone

            attrs["effective_date"] = timezone.localdate()

        rule_data = dict(attrs)
        rule_data["result_sample"] = attrs.get("result_sample")
        for field, messages in check_item(rule_data, attrs.get("fees", [])).items():
            errors.setdefault(field, []).extend(messages)
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class Lookups:
    """Per-import caches of regions and departments, so 1,000 rows cost a few queries."""

    def __init__(self) -> None:
        self._regions: dict[str, Region | None] = {}
        self._departments: dict[tuple[str, int], Department | None] = {}

    def region(self, value: str) -> Region | None:
        value = str(value).strip()
        if value not in self._regions:
            self._regions[value] = _find_region(value)
        return self._regions[value]

    def department(self, value: str, region: Region) -> Department | None:
        key = (str(value).strip(), region.id)
        if key not in self._departments:
            self._departments[key] = _find_department(key[0], region)
        return self._departments[key]

    def new_department(self, name: str, region: Region, uscc: str | None) -> Department:
        """An unsaved body for an import that may create them; later rows reuse it."""
        taken = set(self._usccs())
        if uscc and (uscc in taken or Department.objects.filter(uscc=uscc).exists()):
            uscc = None  # one code, two names in the source list: keep the first holder's
        department = Department(
            name=name, region=region, uscc=uscc or None, level=level_for_region(region)
        )
        self._departments[(name.strip(), region.id)] = department
        return department

    def _usccs(self):
        return (d.uscc for d in self._departments.values() if d is not None and d.uscc)


def _find_region(value: str) -> Region | None:
    if value.isdigit():
        code = value.ljust(12, "0") if len(value) in (2, 4, 6, 9) else value
        return Region.objects.filter(code=code).first()
    return resolve_region_name(value)


def _find_department(value: str, region: Region) -> Department | None:
    if (
        len(value) == 18
        and value[:2].isalnum()
        and value.upper() == value
        and not any("\u4e00" <= c <= "\u9fff" for c in value)
    ):
        return Department.objects.filter(uscc=value).first()
    return Department.objects.filter(name=value, region=region).first()
