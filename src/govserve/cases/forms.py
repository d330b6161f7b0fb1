"""Forms of the case pages. They collect input and put errors next to fields; what an
application needs (required fields and materials, field formats) is decided by the services
(`services.submit`, `forms_schema.clean_form`), whose ValidationError keys `apply_errors` maps
back onto the fields: `form_data.<key>` → `f_<key>`, a material's name → `material_<id>`.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any, NotRequired, TypedDict

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BoundField
from django.utils.translation import gettext_lazy as _

from govserve.accounts.forms import AccessibleFormMixin
from govserve.accounts.validators import validate_resident_id
from govserve.core.forms import choice_field

from .forms_schema import max_length
from .models import CaseMaterial, DeliveryMethod, FieldType, FormField
from .selectors import FormSpec, MaterialSlot
from .uploads import check_upload

FIELD_PREFIX = "f_"
MATERIAL_PREFIX = "material_"
REUSE_PREFIX = "reuse_"


def show_required(control: forms.Field, shown: bool) -> None:
    """Whether the label marks the control as required (includes/field.html), when the form
    itself requires nothing (the service decides what is missing)."""
    control.show_required = shown  # type: ignore[attr-defined]  # an attribute of ours, read by the template


class SlotRow(TypedDict):
    """One asked material of the application form, as the template shows it."""

    slot: MaterialSlot
    file: BoundField
    reuse: BoundField | None
    given: CaseMaterial | None
    licence_notes: NotRequired[list[dict]]  # set by the views when a held licence may supply it
    licence_held: NotRequired[bool]


class CaseFormMixin(AccessibleFormMixin):
    """Service errors onto fields (unknown keys go to the top of the form)."""

    field_map: dict[str, str] = {}

    def apply_errors(self, error: ValidationError | dict) -> None:
        items: Iterable[tuple[str | None, list[str]]]
        if isinstance(error, dict):
            items = error.items()
        elif hasattr(error, "error_dict"):
            items = error.message_dict.items()
        else:
            items = [(None, error.messages)]
        for key, messages in items:
            for message in messages:
                name = self.field_for(key, message)
                self.add_error(name if name in self.fields else None, message)
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"
                self.fields[name].widget.attrs["aria-describedby"] = f"{self[name].auto_id}_error"

    def field_for(self, key: str | None, message: str) -> str | None:
        if key is None:
            return None
        return self.field_map.get(key, key)


class _CommonArgs(TypedDict):
    label: str
    required: bool
    help_text: str


def _form_field(field: FormField) -> forms.Field:
    """A page control for a configured field. Nothing is required here: the service says what
    is missing (a draft may be saved half-filled), and the label shows what will be required."""
    common = _CommonArgs(label=field.label, required=False, help_text=field.help_text)
    if field.field_type == FieldType.BOOLEAN:
        control: forms.Field = forms.BooleanField(**common)
    elif field.field_type == FieldType.CHOICE:
        control = forms.ChoiceField(
            choices=[("", _("请选择"))] + [(str(c), str(c)) for c in field.choices], **common
        )
    elif field.field_type == FieldType.TEXTAREA:
        control = forms.CharField(
            widget=forms.Textarea(attrs={"rows": 3}), max_length=max_length(field), **common
        )
    elif field.field_type == FieldType.DATE:
        control = forms.CharField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    elif field.field_type == FieldType.NUMBER:
        control = forms.CharField(widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common)
    else:
        control = forms.CharField(max_length=max_length(field), **common)
    show_required(control, field.required)
    return control


class ApplicationForm(CaseFormMixin, forms.Form):
    """申请表: the item's (or bundle's) fields, one file input per asked material with a
    "reuse an earlier file" choice, the delivery method, and a hidden idempotency key."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)
    organisation = forms.TypedChoiceField(
        label=_("申请主体"), required=False, coerce=int, empty_value=None
    )
    delivery_method = forms.ChoiceField(
        label=_("办理结果送达方式"),
        choices=DeliveryMethod.choices,
        initial=DeliveryMethod.ELECTRONIC,
        widget=forms.RadioSelect,
    )
    delivery_address = forms.CharField(
        label=_("邮寄地址"), required=False, max_length=300, help_text=_("选择邮寄送达时填写")
    )

    def __init__(
        self,
        *args,
        spec: FormSpec,
        reusable: dict,
        given: dict[str, CaseMaterial] | None = None,
        organisations=(),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.spec = spec
        self.given = given or {}
        if not self.is_bound and not self.initial.get("idempotency_key"):
            self.initial["idempotency_key"] = secrets.token_urlsafe(24)
        if organisations:
            choice_field(self, "organisation").choices = [("", _("本人"))] + [
                (o.pk, o.name) for o in organisations
            ]
        else:
            del self.fields["organisation"]
        for field in spec.fields:
            self.fields[FIELD_PREFIX + field.key] = _form_field(field)
        self.field_map = {f"form_data.{f.key}": FIELD_PREFIX + f.key for f in spec.fields}
        self.slots: list[SlotRow] = []
        for slot in spec.asked_materials:
            name = f"{MATERIAL_PREFIX}{slot.id}"
            control = forms.FileField(label=slot.name, required=False, help_text=slot.requirements)
            show_required(control, slot.required)
            self.fields[name] = control
            earlier = reusable.get(slot.id) or []
            reuse_name = None
            if earlier:
                reuse_name = f"{REUSE_PREFIX}{slot.id}"
                self.fields[reuse_name] = forms.ChoiceField(
                    label=_("或复用已提交的材料"),
                    required=False,
                    choices=[("", _("不复用"))]
                    + [
                        (
                            str(cm.pk),
                            _("%(file)s（办件 %(number)s）")
                            % {"file": cm.original_name or cm.name, "number": cm.case.number},
                        )
                        for cm in earlier
                    ],
                )
            self.slots.append(
                {
                    "slot": slot,
                    "file": self[name],
                    "reuse": self[reuse_name] if reuse_name else None,
                    "given": self.given.get(slot.key),
                }
            )

    def field_for(self, key, message):
        if key == "materials":
            for slot in self.spec.asked_materials:
                if slot.name in message:
                    return f"{MATERIAL_PREFIX}{slot.id}"
            return None
        return super().field_for(key, message)

    @property
    def form_fields(self):
        return [self[FIELD_PREFIX + f.key] for f in self.spec.fields]

    def clean(self):
        cleaned = super().clean()
        # Check each file here (type from its content, size, virus scan) so an error stands
        # next to its own input; the service checks it again when it stores it.
        for slot in self.spec.asked_materials:
            name = f"{MATERIAL_PREFIX}{slot.id}"
            upload = cleaned.get(name)
            if upload:
                try:
                    check_upload(upload, field=name)
                except ValidationError as exc:
                    for message in exc.message_dict.get(name, exc.messages):
                        self.add_error(name, message)
                finally:
                    upload.seek(0)
        return cleaned

    def form_data(self) -> dict:
        data: dict[str, Any] = {}
        for field in self.spec.fields:
            value = self.cleaned_data.get(FIELD_PREFIX + field.key)
            if field.field_type == FieldType.BOOLEAN:
                data[field.key] = bool(value)
            elif value not in (None, ""):
                data[field.key] = value
        return data

    def uploads(self) -> list[tuple[int, object]]:
        return [
            (slot.id, self.cleaned_data[f"{MATERIAL_PREFIX}{slot.id}"])
            for slot in self.spec.asked_materials
            if self.cleaned_data.get(f"{MATERIAL_PREFIX}{slot.id}")
        ]

    def reuse(self) -> list[tuple[int, int]]:
        chosen = []
        for slot in self.spec.asked_materials:
            value = self.cleaned_data.get(f"{REUSE_PREFIX}{slot.id}")
            if value and not self.cleaned_data.get(f"{MATERIAL_PREFIX}{slot.id}"):
                chosen.append((slot.id, int(value)))
        return chosen


def initial_from_case(case) -> dict:
    initial = {FIELD_PREFIX + key: value for key, value in (case.form_data or {}).items()}
    initial.update(
        delivery_method=case.delivery_method,
        delivery_address=case.delivery_address,
        organisation=case.organisation_id,
    )
    return initial


class WithdrawForm(CaseFormMixin, forms.Form):
    reason = forms.CharField(label=_("撤回原因"), required=False, max_length=500)


class CorrectionUploadForm(CaseFormMixin, forms.Form):
    """补正: a file input for each material of the notice (and any required one still missing)."""

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = list(slots)
        for slot in self.slots:
            self.fields[f"{MATERIAL_PREFIX}{slot.id}"] = forms.FileField(
                label=slot.name, required=False
            )

    def clean(self):
        cleaned = super().clean()
        for slot in self.slots:
            name = f"{MATERIAL_PREFIX}{slot.id}"
            upload = cleaned.get(name)
            if upload:
                try:
                    check_upload(upload, field=name)
                except ValidationError as exc:
                    for message in exc.message_dict.get(name, exc.messages):
                        self.add_error(name, message)
                finally:
                    upload.seek(0)
        return cleaned

    def field_for(self, key, message):
        if key == "materials":
            for slot in self.slots:
                if slot.name in message:
                    return f"{MATERIAL_PREFIX}{slot.id}"
            return None
        return super().field_for(key, message)


# -- counter --------------------------------------------------------------------------------------
class PersonLookupForm(CaseFormMixin, forms.Form):
    id_number = forms.CharField(
        label=_("申请人身份证号码"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": _("请输入身份证号码")},
    )

    def clean_id_number(self):
        return validate_resident_id(self.cleaned_data["id_number"])


class WalkInForm(CaseFormMixin, forms.Form):
    """登记来办群众: the clerk has the person's ID card in hand."""

    real_name = forms.CharField(label=_("姓名"), max_length=100)
    # Shown beside the lookup form, whose input is id_id_number: an id of its own, so each
    # label names its own input.
    id_number = forms.CharField(
        label=_("身份证号码"),
        max_length=30,
        widget=forms.TextInput(attrs={"id": "id_walk_in_id_number"}),
    )
    mobile = forms.CharField(label=_("手机号码"), max_length=20)


class CatalogFilterForm(forms.Form):
    q = forms.CharField(label=_("事项名称或实施编码"), required=False, max_length=100)


class RefuseForm(CaseFormMixin, forms.Form):
    reasons = forms.CharField(label=_("不予受理的理由"), widget=forms.Textarea(attrs={"rows": 3}))
    competent_agency = forms.CharField(
        label=_("应向其申请的机关"),
        required=False,
        max_length=200,
        help_text=_("申请事项依法不属于本机关职权范围时填写"),
    )


class CorrectionNoticeForm(CaseFormMixin, forms.Form):
    """一次性告知: one row per material (a checkbox and a reason), all in one notice."""

    other_material = forms.CharField(label=_("其他需补正的内容"), required=False, max_length=300)
    other_reason = forms.CharField(label=_("原因"), required=False, max_length=500)
    note = forms.CharField(
        label=_("补充说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = list(slots)
        self.rows = []
        for slot in self.slots:
            self.fields[f"c_{slot.id}"] = forms.BooleanField(label=slot.name, required=False)
            self.fields[f"r_{slot.id}"] = forms.CharField(
                label=_("原因"), required=False, max_length=500
            )
            self.rows.append((slot, self[f"c_{slot.id}"], self[f"r_{slot.id}"]))

    def clean(self):
        cleaned = super().clean()
        entries = []
        for slot in self.slots:
            if cleaned.get(f"c_{slot.id}"):
                reason = (cleaned.get(f"r_{slot.id}") or "").strip()
                if not reason:
                    self.add_error(f"r_{slot.id}", _("请写明该材料需补正的原因"))
                entries.append({"material_id": slot.id, "material": slot.name, "reason": reason})
            elif (cleaned.get(f"r_{slot.id}") or "").strip():
                self.add_error(f"c_{slot.id}", _("填写了原因，请勾选该材料"))
        other, other_reason = (
            (cleaned.get("other_material") or "").strip(),
            (cleaned.get("other_reason") or "").strip(),
        )
        if other or other_reason:
            if not other:
                self.add_error("other_material", _("请写明需补正的内容"))
            if not other_reason:
                self.add_error("other_reason", _("请写明原因"))
            entries.append({"material": other, "reason": other_reason})
        if not entries and not self.errors:
            raise ValidationError(_("请勾选需要补正的材料并写明原因（一次性列出全部）"))
        cleaned["entries"] = entries
        return cleaned


class VisitForm(CaseFormMixin, forms.Form):
    purpose = forms.CharField(label=_("到现场事由"), max_length=200)


class GreenChannelForm(CaseFormMixin, forms.Form):
    on = forms.BooleanField(label=_("开通绿色通道（优先办理）"), required=False)
    reason = forms.CharField(label=_("理由"), max_length=500)


class DeliverForm(CaseFormMixin, forms.Form):
    method = forms.ChoiceField(label=_("送达方式"), choices=DeliveryMethod.choices)
    note = forms.CharField(label=_("备注"), required=False, max_length=300)
    field_map = {"method": "method"}
