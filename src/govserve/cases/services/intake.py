"""Intake: drafts, materials (uploaded, reused, attached from held licences) and submission."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govserve.accounts.models import AccountType, Organisation
from govserve.accounts.policies import meets_assurance, represented_organisation_ids
from govserve.catalog.codes import build_case_number
from govserve.catalog.codetables import CaseType
from govserve.catalog.models import Bundle, ImplementationItem, Material
from govserve.catalog.selectors import bundle_items
from govserve.core import hooks, serials

from .. import permissions
from ..errors import CaseError
from ..forms_schema import clean_form, fields_for
from ..models import (
    CASE_NUMBER,
    Case,
    CaseItem,
    CaseMaterial,
    CaseState,
    Channel,
    DeliveryMethod,
    MaterialOrigin,
    MaterialStatus,
)
from ..notifications import notify_applicant
from ..requirements import _missing, _missing_messages, case_items
from ..selectors import reusable_materials
from ..uploads import check_upload
from ._common import (
    DEFAULT_EXTENSION_DAYS,
    DEFAULT_STATUTORY_DAYS,
    JOINT_EXTENSION_DAYS,
    JOINT_STATUTORY_DAYS,
    _event,
    _expect,
    _lock,
    _save,
)
from .clock import DUE_FIELDS, _recompute
from .visits import _record_visit


def _attach_held_licences(case: Case, wanted: list[Material]) -> int:
    """免提交 at submission: attach the holder's usable licence for each of `wanted` (what
    `_missing` found supplied), count it in `case.saved_materials` (the caller saves) and let
    the licences side record the use (``record_use=True``: the case has its number now)."""
    hook = hooks.resolve("HELD_LICENCES") if wanted else None
    if hook is None:
        return 0
    found = hook(case, wanted, record_use=True)
    for material, licence in found:
        pdf = licence.pdf
        try:
            size = pdf.size if pdf else 0
        except OSError:
            size = 0
        # The licence's own stored PDF (same storage name, like a reused material): the file
        # the reviewer opens is byte for byte the signed licence.
        CaseMaterial.objects.create(
            case=case,
            material=material,
            name=material.name,
            origin=MaterialOrigin.LICENCE,
            file=pdf.name if pdf else "",
            original_name=f"{licence.identifier}.pdf",
            content_type="application/pdf",
            size=size,
            sha256=licence.pdf_sha256,
            reference=licence.identifier,
        )
        _event(
            case,
            "licence_attached",
            _("自动获取电子证照：%(licence)s（%(material)s，免提交）")
            % {"licence": licence, "material": material.name},
            note=licence.identifier,
        )
    case.saved_materials += len(found)
    return len(found)


def _check_actionable(item: ImplementationItem, field: str = "item") -> None:
    if not item.is_actionable:
        raise CaseError(
            field,
            _("事项“%(name)s”未发布或已暂停、取消，不能申请（清单之外无权力）")
            % {"name": item.name},
        )


def _check_applicant(
    actor, applicant, organisation: Organisation | None, item: ImplementationItem
) -> None:
    if applicant.account_type != AccountType.PERSON:
        raise CaseError("applicant", _("申请人应为自然人账户或其代理的单位"))
    if organisation is not None and organisation.pk not in represented_organisation_ids(applicant):
        raise CaseError("organisation", _("您不是该单位的法定代表人或授权代理人"), status=403)
    if actor.pk == applicant.pk and not meets_assurance(applicant, item):
        raise CaseError(
            "applicant",
            _("该事项要求实名认证等级不低于 %(level)s，请先到窗口核验身份")
            % {"level": item.min_assurance_level},
            status=403,
        )


@transaction.atomic
def create_draft(
    actor,
    *,
    item: ImplementationItem | None = None,
    bundle: Bundle | None = None,
    applicant=None,
    organisation: Organisation | None = None,
    hall=None,
    window=None,
) -> Case:
    """A new draft. Online: `actor` applies for themself. At a counter: a clerk (`actor`) files
    for `applicant`, who is present; the case records the clerk and the channel."""
    applicant = applicant or actor
    if (item is None) == (bundle is None):
        raise CaseError("item", _("请选择一个事项或一件事"))
    if bundle is not None:
        if not bundle.published:
            raise CaseError("bundle", _("该一件事未发布，不能申请"))
        items = bundle_items(bundle)
        if not items:
            raise CaseError("bundle", _("该一件事没有可办理的事项"))
        for it in items:
            _check_actionable(it, "bundle")
        lead = next((it for it in items if it.department_id == bundle.lead_department_id), items[0])
        region, department, title = bundle.region, bundle.lead_department, bundle.name
    else:
        assert item is not None  # exactly one of item and bundle, checked above
        _check_actionable(item)
        items, lead = [item], item
        region, department, title = item.region, item.department, item.name
    _check_applicant(actor, applicant, organisation, lead)
    if actor.pk != applicant.pk:
        if not permissions.can_receive(actor, region):
            raise CaseError("applicant", _("只有本区划综合窗口人员可以代申请人填报"), status=403)
        channel = Channel.COUNTER
    else:
        channel = Channel.ONLINE
    case = Case.objects.create(
        item=lead,
        bundle=bundle,
        region=region,
        department=department,
        title=title,
        applicant=applicant,
        organisation=organisation,
        applicant_name=organisation.name
        if organisation
        else (applicant.real_name or applicant.username),
        applicant_id_number=organisation.uscc if organisation else (applicant.id_number or ""),
        contact_mobile=applicant.mobile or "",
        channel=channel,
        filed_by=actor if channel == Channel.COUNTER else None,
        hall=hall,
        window=window,
    )
    CaseItem.objects.bulk_create(
        [CaseItem(case=case, item=it, department_id=it.department_id) for it in items]
    )
    _event(
        case,
        "draft",
        _("创建申请草稿"),
        actor=actor,
        role=_("窗口人员") if channel == Channel.COUNTER else _("申请人"),
        public=True,
    )
    return case


def _check_editable(case: Case, actor) -> None:
    if case.state not in (CaseState.DRAFT, CaseState.CORRECTION):
        raise CaseError("state", _("申请已提交，不能再修改"), status=409)
    if not (
        permissions.is_case_applicant(actor, case)
        or (case.filed_by_id == actor.pk and permissions.can_receive(actor, case.region))
    ):
        raise CaseError("case", _("您无权修改该申请"), status=403)


@transaction.atomic
def save_draft(
    case: Case,
    actor,
    *,
    form_data: dict | None = None,
    delivery_method: str | None = None,
    delivery_address: str | None = None,
    check_form: bool = True,
) -> Case:
    """Save what the applicant filled in so far. `check_form=False` keeps the raw form for
    `submit` to check in full (so one answer lists every field and material problem)."""
    case = _lock(case)
    _check_editable(case, actor)
    if form_data is not None:
        if not check_form:
            if not isinstance(form_data, dict):
                raise ValidationError({"form_data": [_("申请表内容应为对象")]})
            case.form_data = form_data
        else:
            case.form_data = clean_form(fields_for(case_items(case)), form_data, partial=True)
    if delivery_method is not None:
        if delivery_method not in DeliveryMethod.values:
            raise ValidationError({"delivery_method": [_("送达方式无效")]})
        case.delivery_method = delivery_method
    if delivery_address is not None:
        case.delivery_address = delivery_address.strip()[:300]
    _save(case, "form_data", "delivery_method", "delivery_address")
    return case


def _material_for(case: Case, material_id) -> Material:
    items = case_items(case)
    try:
        material = Material.objects.select_related("common").get(pk=material_id, item__in=items)
    except (Material.DoesNotExist, ValueError, TypeError):
        raise ValidationError({"material": [_("该材料不属于本申请事项")]}) from None
    return material


def _replace_previous(case: Case, material: Material) -> None:
    key = material.merge_key
    for cm in case.materials.select_related("material", "material__common").exclude(
        status=MaterialStatus.REPLACED
    ):
        if cm.material is not None and cm.material.merge_key == key:
            cm.status = MaterialStatus.REPLACED
            cm.save(update_fields=["status"])


@transaction.atomic
def add_material(case: Case, actor, *, material_id, upload) -> CaseMaterial:
    """Upload (online) or scan (counter) one file for one material of the list;
    replaces an earlier one."""
    case = _lock(case)
    _check_editable(case, actor)
    material = _material_for(case, material_id)
    checked = check_upload(upload)
    _replace_previous(case, material)
    cm = CaseMaterial(
        case=case,
        material=material,
        name=material.name,
        origin=MaterialOrigin.SCANNED
        if case.channel == Channel.COUNTER
        else MaterialOrigin.UPLOADED,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    cm.file.save(checked.name, ContentFile(checked.content), save=False)
    cm.save()
    return cm


@transaction.atomic
def reuse_material(case: Case, actor, *, material_id, source_id) -> CaseMaterial:
    """Attach a file the applicant already gave in an earlier case: nothing is uploaded again."""
    case = _lock(case)
    _check_editable(case, actor)
    material = _material_for(case, material_id)
    try:
        source = reusable_materials(case.applicant, case.organisation).get(pk=source_id)
    except (CaseMaterial.DoesNotExist, ValueError, TypeError):
        raise ValidationError(
            {"source": [_("找不到可复用的材料（只能复用本人已提交的材料）")]}
        ) from None
    _replace_previous(case, material)
    return CaseMaterial.objects.create(
        case=case,
        material=material,
        name=material.name,
        origin=MaterialOrigin.REUSED,
        file=source.file.name,
        original_name=source.original_name,
        content_type=source.content_type,
        size=source.size,
        sha256=source.sha256,
        reused_from=source,
        uploaded_by=actor,
    )


def _next_number(case: Case, day: dt.date) -> str:
    code = (
        case.item.implementation_code
        or f"{case.department.uscc or case.department_id:0>18}"[:18] + f"{case.item_id:0>13}"[-13:]
    )
    return build_case_number(code, day, serials.take_next(CASE_NUMBER, code, day.isoformat()))


def _limits(case: Case, items: list[ImplementationItem]) -> None:
    if case.bundle is not None:
        case.statutory_limit_days = JOINT_STATUTORY_DAYS
        case.promised_limit_days = min(case.bundle.promised_limit_days, JOINT_STATUTORY_DAYS)
        case.max_extension_days = JOINT_EXTENSION_DAYS
        return
    item = items[0]
    if item.case_type == CaseType.IMMEDIATE:
        case.statutory_limit_days = case.promised_limit_days = 0
        case.max_extension_days = 0
        return
    case.statutory_limit_days = (
        item.statutory_limit_days
        if item.statutory_limit_days is not None
        else DEFAULT_STATUTORY_DAYS
    )
    promised = (
        item.promised_limit_days
        if item.promised_limit_days is not None
        else case.statutory_limit_days
    )
    case.promised_limit_days = min(promised, case.statutory_limit_days)
    case.max_extension_days = DEFAULT_EXTENSION_DAYS


@transaction.atomic
def submit(case: Case, actor) -> Case:
    """Submit a draft: items still actionable, form complete, every required material given."""
    case = _lock(case)
    _expect(case, CaseState.DRAFT)
    _check_editable(case, actor)
    items = case_items(case)
    for item in items:
        _check_actionable(item)
    errors: dict[str, list[str]] = {}
    try:
        case.form_data = clean_form(fields_for(items), case.form_data)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    missing, notes, supplied = _missing(case, items)
    if missing:
        errors["materials"] = _missing_messages(missing, notes)
    if case.delivery_method == DeliveryMethod.POST and not case.delivery_address:
        errors["delivery_address"] = [_("选择邮寄送达时请填写邮寄地址")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    day = timezone.localdate(now)
    case.number = _next_number(case, day)
    _attach_held_licences(case, supplied)  # 免提交 (needs the number: the use names the case)
    case.state = CaseState.SUBMITTED
    case.submitted_at = now
    case.received_on = day
    _limits(case, items)
    _recompute(case, _("提交申请，开始计算受理期限"))
    _save(
        case,
        "number",
        "state",
        "submitted_at",
        "received_on",
        "form_data",
        "statutory_limit_days",
        "promised_limit_days",
        "max_extension_days",
        "saved_materials",
        *DUE_FIELDS,
    )
    by_clerk = case.channel == Channel.COUNTER
    _event(
        case,
        "submitted",
        _("窗口代为提交申请") if by_clerk else _("提交申请"),
        actor=actor,
        role=_("窗口人员") if by_clerk else _("申请人"),
    )
    if by_clerk:
        _record_visit(case, actor, case.hall, _("到窗口提交申请"))
    notify_applicant(
        case,
        _("申请已提交：%(number)s") % {"number": case.number},
        _("您的申请“%(title)s”已提交，办件编号 %(number)s。工作人员将在 %(due)s 前完成受理审查。")
        % {"title": case.title, "number": case.number, "due": case.acceptance_due},
    )
    return case
