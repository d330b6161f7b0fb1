"""Every write to a case, one transaction each (Administrative Licensing Law Art 32, 42, 44, 45).

Intake: `create_draft` → `save_draft` / `add_material` / `reuse_material` → `submit` (or `apply`,
all at once with an idempotency key). Completeness: `accept`, `refuse`, `request_correction`
(once) → `resubmit`; `deem_overdue_accepted` accepts by law after 5 working days. Review:
`suspend_clock` / `resume_clock`, `request_extension` / `decide_extension`, `record_review`
per item, `decide`, `deliver`. Any time before the decision: `withdraw`. At the hall:
`record_visit`.

Every function raises `CaseError` (a field and a message, HTTP 400/409) or Django's
`ValidationError` (field → messages) and writes nothing when it refuses.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govserve.accounts.models import AccountType, Organisation
from govserve.accounts.policies import meets_assurance, represented_organisation_ids
from govserve.catalog.codes import build_case_number
from govserve.catalog.codetables import CaseType
from govserve.catalog.models import Bundle, ImplementationItem, Material, MaterialSource
from govserve.catalog.selectors import bundle_items
from govserve.core import hooks
from govserve.workcalendar.deadlines import add_working_days

from . import permissions, signals
from .documents import issue_document
from .errors import CaseError
from .forms_schema import clean_form, fields_for
from .models import (
    CURRENT_DEADLINE,
    WITHDRAWABLE_STATES,
    Case,
    CaseEvent,
    CaseItem,
    CaseMaterial,
    CaseState,
    Channel,
    ClockSuspension,
    CorrectionNotice,
    DailySerial,
    DeadlineRecord,
    DeliveryMethod,
    DocumentKind,
    Extension,
    IdempotencyKey,
    MaterialOrigin,
    MaterialStatus,
    Outcome,
    Visit,
)
from .notifications import notify_applicant
from .uploads import check_upload

ACCEPTANCE_DAYS = 5  # Art 32
DEFAULT_STATUTORY_DAYS = 20  # Art 42
DEFAULT_EXTENSION_DAYS = 10
JOINT_STATUTORY_DAYS = 45  # Art 42: joint / centralised handling
JOINT_EXTENSION_DAYS = 15
DELIVERY_DAYS = 10  # Art 44
# Materials the government issues or shares are not asked of the applicant (once only) —
# except licences, see `provided_without_asking`.
GOVERNMENT_SOURCES = {MaterialSource.GOVERNMENT_ISSUED, MaterialSource.SHARED_DATA}


def today() -> dt.date:
    return timezone.localdate()


def _lock(case: Case) -> Case:
    """Re-read the case under a row lock: two clerks or reviewers acting at once are serialised."""
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("item", "bundle", "region", "department")
        .get(pk=case.pk)
    )


def _expect(case: Case, *states: str) -> None:
    if case.state not in states:
        raise CaseError(
            "state",
            _("办件当前状态为“%(state)s”，不能进行此操作") % {"state": case.get_state_display()},
            status=409,
        )


def _event(
    case: Case,
    action: str,
    label: str,
    *,
    actor=None,
    role: str = "",
    department=None,
    note: str = "",
    public: bool = True,
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        action=action,
        label=label,
        actor=actor,
        actor_role=role,
        department=department,
        note=note,
        public=public,
    )


def _save(case: Case, *fields: str) -> None:
    case.version += 1
    case.save(update_fields=[*fields, "version", "updated_at"])


def _on_commit(signal, case: Case) -> None:
    transaction.on_commit(lambda: signal.send(sender=Case, case=case))


# -- what an application needs ------------------------------------------------------------
def case_items(case: Case) -> list[ImplementationItem]:
    if case.bundle_id:
        return bundle_items(case.bundle)
    return [case.item]


def licence_type_code(material: Material) -> str:
    """The licence type a material is (电子证照类型代码 of its standard material), or ""."""
    return (material.common.licence_type_code or "").strip() if material.common_id else ""


def licences_issued_within(items: Iterable[ImplementationItem]) -> dict[str, set[int]]:
    """Licence type code → ids of the items among `items` whose result it is (through the
    GOVSERVE["LICENCE_RESULTS"] hook). Only a bundle can issue what one of its own items asks."""
    items = list(items)
    hook = hooks.resolve("LICENCE_RESULTS") if len(items) > 1 else None
    return hook(items) if hook else {}


def provided_without_asking(material: Material, issued_within: dict[str, set[int]]) -> bool:
    """Not asked of the applicant: a licence another item of the same application issues (开办
    一件事 asks no 营业执照 it issues itself), or — for materials that are not licences — what
    the government issues or shares. A licence material is otherwise asked (the holder's
    licence may supply it, see `held_licences`), so an expired one never silently stands in."""
    code = licence_type_code(material)
    if code:
        return bool(issued_within.get(code, set()) - {material.item_id})
    return material.source in GOVERNMENT_SOURCES


def required_materials(items: Iterable[ImplementationItem]) -> list[tuple[str, Material]]:
    """(merge key, first Material) for every material the applicant must give, each key once.
    A material whose source is a licence type is listed (the holder's licence may supply it)."""
    items = list(items)
    issued_within = licences_issued_within(items)
    seen: dict[str, Material] = {}
    for item in items:
        # A bundle's items come with their materials (and standard materials) prefetched.
        prefetched = getattr(item, "_prefetched_objects_cache", {}).get("materials")
        materials = (
            item.materials.all()
            if prefetched is not None
            else item.materials.select_related("common")
        )
        for material in materials:
            if material.required and not provided_without_asking(material, issued_within):
                seen.setdefault(material.merge_key, material)
    return list(seen.items())


def held_licences(case: Case, materials: Iterable[Material]) -> tuple[dict, dict[str, str]]:
    """免提交: which of `materials` a usable licence of the case's holder supplies.

    Returns (merge key → (material, licence), merge key → note saying why a licence the holder
    has cannot be used). Asked through the GOVSERVE["HELD_LICENCES"] hook (this app never
    imports licences); `case` may be unsaved (the apply page asks before the case exists).
    """
    candidates = [m for m in materials if licence_type_code(m)]
    hook = hooks.resolve("HELD_LICENCES") if candidates else None
    if hook is None:
        return {}, {}
    found = hook(case, candidates)
    return {m.merge_key: (m, lic) for m, lic in found}, dict(getattr(found, "notes", {}))


def _given_keys(case: Case) -> set[str]:
    return {
        cm.material.merge_key
        for cm in case.materials.select_related("material", "material__common")
        if cm.material_id and cm.status != MaterialStatus.REPLACED
    }


def _missing(
    case: Case, items: list[ImplementationItem]
) -> tuple[list[Material], dict[str, str], list[Material]]:
    """Required materials not given and not supplied by a held licence; notes on licences the
    holder has that cannot be used (merge key → note); the materials a held licence supplies."""
    given = _given_keys(case)
    missing = [m for key, m in required_materials(items) if key not in given]
    held, notes = held_licences(case, missing)
    return (
        [m for m in missing if m.merge_key not in held],
        notes,
        [material for material, _licence in held.values()],
    )


def missing_materials(case: Case, items: list[ImplementationItem] | None = None) -> list[Material]:
    """Required materials not yet given; pass `items` when the caller has already read them."""
    return _missing(case, case_items(case) if items is None else items)[0]


def _missing_messages(missing: list[Material], notes: dict[str, str]) -> list[str]:
    """One line per missing material; a licence the holder has but cannot use says why."""
    return [
        _("缺少必需材料：%(name)s") % {"name": m.name}
        + (f"（{notes[m.merge_key]}）" if m.merge_key in notes else "")
        for m in missing
    ]


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


# -- intake --------------------------------------------------------------------------------
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
        if cm.material_id and cm.material.merge_key == key:
            cm.status = MaterialStatus.REPLACED
            cm.save(update_fields=["status"])


@transaction.atomic
def add_material(case: Case, actor, *, material_id, upload) -> CaseMaterial:
    """Upload (online) or scan (counter) one file for one material of the list; replaces an earlier one."""
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


def reusable_materials(applicant, organisation=None):
    """Materials this applicant gave in earlier cases that were accepted (复用已提交材料)."""
    qs = CaseMaterial.objects.filter(
        case__applicant=applicant, status__in=[MaterialStatus.RECEIVED, MaterialStatus.ACCEPTED]
    )
    qs = qs.filter(case__organisation=organisation).exclude(
        case__state__in=[CaseState.DRAFT, CaseState.REFUSED, CaseState.WITHDRAWN]
    )
    return (
        qs.exclude(file="")
        .select_related("material", "material__common", "case")
        .order_by("-uploaded_at")
    )


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
    serial, _created = DailySerial.objects.select_for_update().get_or_create(code=code, day=day)
    serial.last += 1
    serial.save(update_fields=["last"])
    return build_case_number(code, day, serial.last)


def _limits(case: Case, items: list[ImplementationItem]) -> None:
    if case.bundle_id:
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


def _file_sha256(upload) -> str:
    sha = hashlib.sha256()
    for chunk in upload.chunks():
        sha.update(chunk)
    upload.seek(0)
    return sha.hexdigest()


def _request_hash(**request) -> str:
    """What a retry must repeat to count as the same application (files by their content)."""
    request["uploads"] = {str(mid): _file_sha256(up) for mid, up in request["uploads"]}
    request["reuse"] = sorted([list(pair) for pair in request["reuse"]])
    return hashlib.sha256(
        json.dumps(request, sort_keys=True, default=str, ensure_ascii=False).encode()
    ).hexdigest()


def apply(
    actor,
    *,
    idempotency_key: str | None,
    item: ImplementationItem | None = None,
    bundle: Bundle | None = None,
    applicant=None,
    organisation: Organisation | None = None,
    form_data: dict | None = None,
    uploads: Iterable[tuple[int, object]] = (),
    reuse: Iterable[tuple[int, int]] = (),
    delivery_method: str = DeliveryMethod.ELECTRONIC,
    delivery_address: str = "",
    hall=None,
) -> tuple[Case, bool]:
    """Draft, materials and submission in one transaction. Returns (case, created).

    The same `idempotency_key` from the same account returns the first case (created=False)
    however often the request is retried; a different request under a used key is refused.
    """
    uploads, reuse = list(uploads), list(reuse)
    digest = _request_hash(
        item=item and item.pk,
        bundle=bundle and bundle.code,
        applicant=applicant and applicant.pk,
        organisation=organisation and organisation.pk,
        form_data=form_data or {},
        uploads=uploads,
        reuse=reuse,
        delivery_method=delivery_method,
        delivery_address=delivery_address,
    )
    if idempotency_key:
        if len(idempotency_key) > 100:
            raise ValidationError({"idempotency_key": [_("幂等键不能超过 100 个字符")]})
        earlier = (
            IdempotencyKey.objects.filter(user=actor, key=idempotency_key)
            .select_related("case")
            .first()
        )
        if earlier:
            return _replay(earlier, digest), False
    try:
        with transaction.atomic():
            case = create_draft(
                actor,
                item=item,
                bundle=bundle,
                applicant=applicant,
                organisation=organisation,
                hall=hall,
            )
            save_draft(
                case,
                actor,
                form_data=form_data or {},
                check_form=False,
                delivery_method=delivery_method,
                delivery_address=delivery_address,
            )
            for material_id, upload in uploads:
                add_material(case, actor, material_id=material_id, upload=upload)
            for material_id, source_id in reuse:
                reuse_material(case, actor, material_id=material_id, source_id=source_id)
            case = submit(case, actor)
            if idempotency_key:
                IdempotencyKey.objects.create(
                    user=actor, key=idempotency_key, request_hash=digest, case=case
                )
    except IntegrityError:
        # A concurrent retry with the same key won the race: answer with its case.
        earlier = (
            IdempotencyKey.objects.filter(user=actor, key=idempotency_key)
            .select_related("case")
            .first()
            if idempotency_key
            else None
        )
        if earlier is None:
            raise
        return _replay(earlier, digest), False
    return case, True


def _replay(earlier: IdempotencyKey, digest: str) -> Case:
    if earlier.request_hash != digest:
        raise CaseError("idempotency_key", _("该幂等键已用于另一份不同的申请"), status=409)
    return earlier.case


# -- deadlines -----------------------------------------------------------------------------
DUE_FIELDS = (
    "acceptance_due",
    "statutory_due",
    "promised_due",
    "delivery_due",
    "current_due",
    "due_provisional",
    "clock_stopped",
)


def _suspension_periods(case: Case) -> list[tuple[dt.date, dt.date | None]]:
    if not case.pk:
        return []
    return [(s.starts_on, s.ends_on) for s in case.suspensions.all()]


def _recompute(case: Case, cause: str) -> None:
    """Recompute and store every due date of `case` (in memory; the caller saves) and log it."""
    provisional = False
    if case.received_on:
        due = add_working_days(case.received_on, ACCEPTANCE_DAYS)
        case.acceptance_due, provisional = due.due, due.provisional
    if case.accepted_on:
        periods = _suspension_periods(case)
        # An open suspension counts as ending today: the earliest the case can now be due.
        now = today()
        limit = (case.statutory_limit_days or 0) + case.extension_days
        statutory = add_working_days(case.accepted_on, limit, periods, as_of=now)
        limit = (case.promised_limit_days or 0) + case.extension_days
        promised = add_working_days(case.accepted_on, limit, periods, as_of=now)
        case.statutory_due, case.promised_due = statutory.due, promised.due
        provisional = statutory.provisional or promised.provisional
        case.clock_stopped = any(end is None for _start, end in periods)
    if case.decided_at:
        delivery = add_working_days(timezone.localdate(case.decided_at), DELIVERY_DAYS)
        case.delivery_due, provisional = delivery.due, delivery.provisional
    case.due_provisional = provisional
    running = CURRENT_DEADLINE.get(case.state)
    case.current_due = getattr(case, running[0]) if running else None
    if case.pk:
        DeadlineRecord.objects.create(
            case=case,
            cause=cause[:200],
            acceptance_due=case.acceptance_due,
            statutory_due=case.statutory_due,
            promised_due=case.promised_due,
            delivery_due=case.delivery_due,
            provisional=provisional,
        )


@transaction.atomic
def recompute_deadlines(case: Case, cause: str) -> Case:
    case = _lock(case)
    _recompute(case, cause)
    _save(case, *DUE_FIELDS)
    return case


# -- completeness and acceptance (Art 32) --------------------------------------------------
def _accept(case: Case, actor, *, on: dt.date, deemed: bool) -> Case:
    case.state = CaseState.IN_REVIEW
    case.accepted_on = on
    case.deemed_accepted = deemed
    _recompute(case, _("逾期未作处理，依法视为受理") if deemed else _("受理"))
    _save(case, "state", "accepted_on", "deemed_accepted", *DUE_FIELDS)
    case.materials.filter(status=MaterialStatus.RECEIVED).update(status=MaterialStatus.ACCEPTED)
    text = _(
        "%(applicant)s：\n您于 %(received)s 提交的“%(title)s”申请（办件编号 %(number)s），%(how)s。"
        "本机关将在 %(due)s 前作出决定（法定期限 %(statutory)s，不含依法不计算在内的时间）。"
    ) % {
        "applicant": case.applicant_name,
        "received": case.received_on,
        "title": case.title,
        "number": case.number,
        "how": _("因本机关未在五个工作日内作出处理，依法自收到申请材料之日起视为受理")
        if deemed
        else _("材料齐全、符合法定形式，决定予以受理"),
        "due": case.promised_due,
        "statutory": case.statutory_due,
    }
    issue_document(case, DocumentKind.ACCEPTANCE, department=case.department, text=text, on=today())
    _event(
        case,
        "accepted",
        _("视为受理") if deemed else _("受理"),
        actor=actor,
        role="" if deemed else _("窗口人员"),
    )
    notify_applicant(case, _("申请已受理：%(number)s") % {"number": case.number}, text)
    _on_commit(signals.case_accepted, case)
    return case


@transaction.atomic
def accept(case: Case, actor) -> Case:
    case = _lock(case)
    if not permissions.can_accept(actor, case):
        raise CaseError("case", _("您无权受理该办件"), status=403)
    _expect(case, CaseState.SUBMITTED)
    if _acceptance_lapsed(case):
        # Art 32: past the 5 working days the law has already accepted it, on the day of receipt.
        return _accept(case, None, on=case.received_on, deemed=True)
    return _accept(case, actor, on=today(), deemed=False)


def _acceptance_lapsed(case: Case) -> bool:
    return bool(case.acceptance_due and today() > case.acceptance_due)


def _refuse_if_lapsed(case: Case) -> None:
    if _acceptance_lapsed(case):
        raise CaseError(
            "case",
            _(
                "已超过五个工作日的受理审查期限，依法视为自收到材料之日起受理，不能再不予受理或要求补正"
            ),
            status=409,
        )


@transaction.atomic
def set_green_channel(case: Case, actor, *, on: bool, reason: str) -> Case:
    """绿色通道: priority handling (e.g. key projects, the elderly, emergencies), with a reason."""
    case = _lock(case)
    if not (permissions.can_accept(actor, case) or permissions.can_approve(actor, case)):
        raise CaseError("case", _("只有窗口人员或审批负责人可以设置绿色通道"), status=403)
    if case.state not in (CaseState.SUBMITTED, CaseState.CORRECTION, CaseState.IN_REVIEW):
        raise CaseError(
            "state",
            _("办件当前状态为“%(state)s”，不能进行此操作") % {"state": case.get_state_display()},
            status=409,
        )
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("请填写开通或关闭绿色通道的理由")]})
    case.green_channel = bool(on)
    _save(case, "green_channel")
    label = _("开通绿色通道") if on else _("关闭绿色通道")
    _event(case, "green_channel", label, actor=actor, note=reason.strip(), public=False)
    return case


@transaction.atomic
def refuse(case: Case, actor, *, reasons: str, competent_agency: str = "") -> Case:
    """不予受理: reasons always; when the matter is not this agency's, the right agency is named."""
    case = _lock(case)
    if not permissions.can_accept(actor, case):
        raise CaseError("case", _("您无权处理该办件"), status=403)
    _expect(case, CaseState.SUBMITTED)
    _refuse_if_lapsed(case)
    if not (reasons or "").strip():
        raise ValidationError({"reasons": [_("请填写不予受理的理由")]})
    case.state = CaseState.REFUSED
    case.decision_reasons = reasons.strip()
    case.closed_at = timezone.now()
    _recompute(case, _("不予受理"))
    _save(case, "state", "decision_reasons", "closed_at", *DUE_FIELDS)
    text = _(
        "%(applicant)s：\n您提交的“%(title)s”申请（办件编号 %(number)s），经审查决定不予受理。理由：%(reasons)s"
    ) % {
        "applicant": case.applicant_name,
        "title": case.title,
        "number": case.number,
        "reasons": case.decision_reasons,
    }
    if competent_agency.strip():
        text += _("\n该申请事项依法不属于本机关职权范围，请向%(agency)s申请。") % {
            "agency": competent_agency.strip()
        }
    text += RIGHTS_TEXT()
    issue_document(case, DocumentKind.REFUSAL, department=case.department, text=text, on=today())
    _event(
        case, "refused", _("不予受理"), actor=actor, role=_("窗口人员"), note=case.decision_reasons
    )
    notify_applicant(case, _("申请不予受理：%(number)s") % {"number": case.number}, text)
    _on_commit(signals.case_closed, case)
    return case


def RIGHTS_TEXT() -> str:  # noqa: N802 - a translated constant
    return _(
        "\n如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。"
    )


@transaction.atomic
def request_correction(
    case: Case, actor, *, entries: list[dict], note: str = ""
) -> CorrectionNotice:
    """一次性告知: one notice listing every missing or wrong material; a case gets only one."""
    case = _lock(case)
    if not permissions.can_accept(actor, case):
        raise CaseError("case", _("您无权处理该办件"), status=403)
    _expect(case, CaseState.SUBMITTED)
    _refuse_if_lapsed(case)
    if CorrectionNotice.objects.filter(case=case).exists():
        raise CaseError(
            "entries", _("已经一次性告知过补正材料，不能再次要求补正；请受理或不予受理"), status=409
        )
    if not entries:
        raise ValidationError({"entries": [_("请列出需要补正的全部材料及原因")]})
    clean: list[dict] = []
    errors: dict[str, list[str]] = {}
    for n, entry in enumerate(entries):
        name = str((entry or {}).get("material", "")).strip()
        reason = str((entry or {}).get("reason", "")).strip()
        if not name or not reason:
            errors[f"entries.{n}"] = [_("每一项补正都要写明材料名称和原因")]
        clean.append(
            {
                "material": name[:300],
                "reason": reason[:500],
                "material_id": (entry or {}).get("material_id"),
            }
        )
    if errors:
        raise ValidationError(errors)
    notice = CorrectionNotice.objects.create(
        case=case, issued_by=actor, entries=clean, note=note.strip()
    )
    ids = [e["material_id"] for e in clean if e.get("material_id")]
    if ids:
        case.materials.filter(material_id__in=ids).exclude(status=MaterialStatus.REPLACED).update(
            status=MaterialStatus.TO_CORRECT
        )
    case.state = CaseState.CORRECTION
    _recompute(case, _("一次性告知补正，受理期限待补正后重新计算"))
    _save(case, "state", *DUE_FIELDS)
    lines = "\n".join(f"{n + 1}. {e['material']}：{e['reason']}" for n, e in enumerate(clean))
    text = _(
        "%(applicant)s：\n您提交的“%(title)s”申请（办件编号 %(number)s）材料不齐全或不符合法定形式，请一次性补正以下全部内容：\n%(lines)s"
    ) % {
        "applicant": case.applicant_name,
        "title": case.title,
        "number": case.number,
        "lines": lines,
    }
    if notice.note:
        text += "\n" + notice.note
    issue_document(case, DocumentKind.CORRECTION, department=case.department, text=text, on=today())
    _event(case, "correction", _("一次性告知补正材料"), actor=actor, role=_("窗口人员"), note=lines)
    notify_applicant(case, _("请补正材料：%(number)s") % {"number": case.number}, text)
    return case.correction_notice


@transaction.atomic
def resubmit(case: Case, actor) -> Case:
    """The applicant has supplemented: the 5-day acceptance period runs again from today."""
    case = _lock(case)
    _expect(case, CaseState.CORRECTION)
    _check_editable(case, actor)
    items = case_items(case)
    missing, notes, supplied = _missing(case, items)
    still_wrong = case.materials.filter(status=MaterialStatus.TO_CORRECT)
    errors = {}
    if missing:
        errors["materials"] = _missing_messages(missing, notes)
    if still_wrong.exists():
        errors.setdefault("materials", []).extend(
            _("材料仍需补正：%(name)s") % {"name": cm.name} for cm in still_wrong
        )
    if errors:
        raise ValidationError(errors)
    _attach_held_licences(case, supplied)  # 免提交, as at submission
    case.state = CaseState.SUBMITTED
    case.received_on = today()
    _recompute(case, _("补正后重新提交"))
    _save(case, "state", "received_on", "saved_materials", *DUE_FIELDS)
    CorrectionNotice.objects.filter(case=case).update(resubmitted_at=timezone.now())
    _event(case, "resubmitted", _("补正材料后重新提交"), actor=actor, role=_("申请人"))
    return case


def deem_overdue_accepted(on: dt.date | None = None) -> list[int]:
    """Art 32: a case not decided on within 5 working days counts as accepted on the day its
    materials were received. Each case is its own transaction; returns the ids accepted."""
    on = on or today()
    done = []
    for pk in (
        Case.objects.filter(state=CaseState.SUBMITTED, acceptance_due__lt=on)
        .values_list("pk", flat=True)
        .iterator()
    ):
        with transaction.atomic():
            case = (
                Case.objects.select_for_update(of=("self",))
                .select_related("item", "bundle", "region", "department")
                .get(pk=pk)
            )
            if (
                case.state != CaseState.SUBMITTED
                or not case.acceptance_due
                or case.acceptance_due >= on
            ):
                continue
            _accept(case, None, on=case.received_on, deemed=True)
            done.append(pk)
    return done


# -- suspensions and extensions (Art 45, Art 42) ------------------------------------------
@transaction.atomic
def suspend_clock(
    case: Case,
    actor,
    *,
    reason: str,
    explanation: str,
    expected_end: dt.date,
    starts_on: dt.date | None = None,
    department=None,
) -> ClockSuspension:
    from .models import SuspensionReason

    case = _lock(case)
    if not (permissions.can_review_case(actor, case) or permissions.can_approve(actor, case)):
        raise CaseError("case", _("您无权对该办件暂停计时"), status=403)
    _expect(case, CaseState.IN_REVIEW)
    errors = {}
    if reason not in SuspensionReason.values:
        errors["reason"] = [
            _(
                "暂停计时须有法定事由（听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审、现场检查）"
            )
        ]
    if not (explanation or "").strip():
        errors["explanation"] = [_("请说明需要暂停计时的情况，并将告知申请人")]
    starts_on = starts_on or today()
    if expected_end is None or expected_end < starts_on:
        errors["expected_end"] = [_("预计结束日期不能早于开始日期")]
    if starts_on < case.accepted_on:
        errors["starts_on"] = [_("暂停不能早于受理日期")]
    if errors:
        raise ValidationError(errors)
    if case.suspensions.filter(ends_on__isnull=True).exists():
        raise CaseError("case", _("该办件已在暂停计时中"), status=409)
    department = department or case.department
    suspension = ClockSuspension.objects.create(
        case=case,
        department=department,
        reason=reason,
        explanation=explanation.strip(),
        starts_on=starts_on,
        expected_end=expected_end,
        requested_by=actor,
    )
    _recompute(case, _("暂停计时：%(reason)s") % {"reason": suspension.get_reason_display()})
    _save(case, *DUE_FIELDS)
    text = _(
        "%(applicant)s：\n您的申请（办件编号 %(number)s）需要进行%(reason)s，所需时间不计入办理期限。自 %(start)s 起暂停计时，预计 %(end)s 结束。说明：%(explanation)s"
    ) % {
        "applicant": case.applicant_name,
        "number": case.number,
        "reason": suspension.get_reason_display(),
        "start": starts_on,
        "end": expected_end,
        "explanation": suspension.explanation,
    }
    issue_document(case, DocumentKind.SUSPENSION, department=department, text=text, on=today())
    _event(
        case,
        "suspended",
        _("暂停计时（%(reason)s）") % {"reason": suspension.get_reason_display()},
        actor=actor,
        role=_("审查人员"),
        department=department,
        note=suspension.explanation,
    )
    notify_applicant(case, _("办件暂停计时：%(number)s") % {"number": case.number}, text)
    return suspension


@transaction.atomic
def resume_clock(case: Case, actor, *, on: dt.date | None = None) -> ClockSuspension:
    case = _lock(case)
    if not (permissions.can_review_case(actor, case) or permissions.can_approve(actor, case)):
        raise CaseError("case", _("您无权恢复计时"), status=403)
    suspension = case.suspensions.filter(ends_on__isnull=True).first()
    if suspension is None:
        raise CaseError("case", _("该办件没有正在进行的暂停计时"), status=409)
    on = on or today()
    if on < suspension.starts_on:
        raise ValidationError({"on": [_("恢复日期不能早于暂停开始日期")]})
    suspension.ends_on = on
    suspension.ended_by = actor
    suspension.save(update_fields=["ends_on", "ended_by"])
    _recompute(case, _("恢复计时"))
    _save(case, *DUE_FIELDS)
    _event(
        case,
        "resumed",
        _("恢复计时"),
        actor=actor,
        role=_("审查人员"),
        department=suspension.department,
    )
    notify_applicant(
        case,
        _("办件恢复计时：%(number)s") % {"number": case.number},
        _("您的申请自 %(on)s 起恢复计时，新的办结期限为 %(due)s。")
        % {"on": on, "due": case.promised_due},
    )
    return suspension


@transaction.atomic
def request_extension(case: Case, actor, *, days: int, reasons: str) -> Extension:
    case = _lock(case)
    if not permissions.can_review_case(actor, case):
        raise CaseError("case", _("您无权为该办件申请延期"), status=403)
    _expect(case, CaseState.IN_REVIEW)
    if case.extensions.exclude(state=Extension.State.REJECTED).exists():
        raise CaseError("days", _("审批期限只能延长一次"), status=409)
    errors = {}
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= case.max_extension_days:
        errors["days"] = (
            [_("延长期限应为 1 至 %(max)d 个工作日") % {"max": case.max_extension_days}]
            if case.max_extension_days
            else [_("即办件不能延期")]
        )
    if not (reasons or "").strip():
        errors["reasons"] = [_("请填写延期理由（将告知申请人）")]
    if errors:
        raise ValidationError(errors)
    ext = Extension.objects.create(
        case=case, days=days, reasons=reasons.strip(), requested_by=actor
    )
    _event(
        case,
        "extension_requested",
        _("申请延长审批期限 %(days)d 个工作日") % {"days": days},
        actor=actor,
        role=_("审查人员"),
        public=False,
    )
    return ext


@transaction.atomic
def decide_extension(extension: Extension, actor, *, approve: bool) -> Extension:
    """The department head approves (the deadline moves, the applicant is told why) or rejects."""
    extension = Extension.objects.select_for_update().get(pk=extension.pk)
    case = _lock(extension.case)
    if not permissions.can_approve(actor, case):
        raise CaseError("extension", _("延期须经本部门审批负责人批准"), status=403)
    if extension.state != Extension.State.REQUESTED:
        raise CaseError("extension", _("该延期申请已处理"), status=409)
    _expect(case, CaseState.IN_REVIEW)
    extension.state = Extension.State.APPROVED if approve else Extension.State.REJECTED
    extension.decided_by = actor
    extension.decided_at = timezone.now()
    extension.save(update_fields=["state", "decided_by", "decided_at"])
    if not approve:
        _event(
            case,
            "extension_rejected",
            _("延期申请未获批准"),
            actor=actor,
            role=_("审批负责人"),
            public=False,
        )
        return extension
    case.extension_days = extension.days
    _recompute(case, _("延长审批期限 %(days)d 个工作日") % {"days": extension.days})
    _save(case, "extension_days", *DUE_FIELDS)
    text = _(
        "%(applicant)s：\n您的申请（办件编号 %(number)s）经本机关负责人批准，审批期限延长 %(days)d 个工作日，新的期限为 %(due)s。理由：%(reasons)s"
    ) % {
        "applicant": case.applicant_name,
        "number": case.number,
        "days": extension.days,
        "due": case.statutory_due,
        "reasons": extension.reasons,
    }
    issue_document(case, DocumentKind.EXTENSION, department=case.department, text=text, on=today())
    _event(
        case,
        "extended",
        _("延长审批期限 %(days)d 个工作日") % {"days": extension.days},
        actor=actor,
        role=_("审批负责人"),
        note=extension.reasons,
    )
    notify_applicant(case, _("审批期限延长：%(number)s") % {"number": case.number}, text)
    return extension


# -- review, decision, delivery ------------------------------------------------------------
@transaction.atomic
def record_review(case_item: CaseItem, actor, *, outcome: str, reasons: str = "") -> CaseItem:
    """One department's conclusion on its item (called by the workflow when a review task completes)."""
    case_item = (
        CaseItem.objects.select_for_update(of=("self",))
        .select_related("case", "department")
        .get(pk=case_item.pk)
    )
    case = _lock(case_item.case)
    _expect(case, CaseState.IN_REVIEW)
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": [_("审查结论应为准予或不予")]})
    if outcome == Outcome.DENIED and not (reasons or "").strip():
        raise ValidationError({"reasons": [_("不予许可须写明理由")]})
    if case_item.outcome:
        raise CaseError("task", _("该事项已审查完毕"), status=409)
    case_item.outcome, case_item.reasons = outcome, (reasons or "").strip()
    case_item.reviewed_by, case_item.reviewed_at = actor, timezone.now()
    case_item.save(update_fields=["outcome", "reasons", "reviewed_by", "reviewed_at"])
    _event(
        case,
        "reviewed",
        _("%(dept)s审查：%(outcome)s")
        % {"dept": case_item.department.name, "outcome": case_item.get_outcome_display()},
        actor=actor,
        role=_("审查人员"),
        department=case_item.department,
        note=case_item.reasons,
    )
    return case_item


@transaction.atomic
def reopen_review(case_item: CaseItem, actor, *, reasons: str) -> CaseItem:
    """退回重新审查: the approver sends an item's review back; its conclusion is cleared so the
    department reviews again (called by the workflow when a 决定 task is returned)."""
    case_item = (
        CaseItem.objects.select_for_update(of=("self",))
        .select_related("case", "department")
        .get(pk=case_item.pk)
    )
    case = _lock(case_item.case)
    _expect(case, CaseState.IN_REVIEW)
    if not (reasons or "").strip():
        raise ValidationError({"reasons": [_("退回须写明理由")]})
    case_item.outcome, case_item.reasons = "", ""
    case_item.reviewed_by, case_item.reviewed_at = None, None
    case_item.save(update_fields=["outcome", "reasons", "reviewed_by", "reviewed_at"])
    _event(
        case,
        "review_returned",
        _("退回%(dept)s重新审查") % {"dept": case_item.department.name},
        actor=actor,
        role=_("审批负责人"),
        department=case_item.department,
        note=reasons.strip(),
        public=False,
    )
    return case_item


def joint_outcome(case: Case) -> tuple[str, str]:
    """All items approved → approved; any denied → denied with the denying departments' reasons."""
    denied = [
        ci for ci in case.case_items.select_related("department") if ci.outcome == Outcome.DENIED
    ]
    if denied:
        # a department denying several items with one conclusion is named once
        lines = dict.fromkeys(f"{ci.department.name}：{ci.reasons}" for ci in denied)
        return Outcome.DENIED, "\n".join(lines)
    return Outcome.APPROVED, ""


@transaction.atomic
def decide(case: Case, actor, *, outcome: str, reasons: str = "") -> Case:
    """The written decision (准予 / 不予许可). `actor` None = the joint decision taken by the process."""
    case = _lock(case)
    if actor is not None and not permissions.can_approve(actor, case):
        raise CaseError("case", _("只有本部门审批负责人可以作出决定"), status=403)
    _expect(case, CaseState.IN_REVIEW)
    if case.clock_stopped:
        raise CaseError("case", _("办件正在暂停计时，请先恢复计时再作决定"), status=409)
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": [_("决定应为准予或不予")]})
    if outcome == Outcome.DENIED and not (reasons or "").strip():
        raise ValidationError({"reasons": [_("不予许可决定须写明理由")]})
    now = timezone.now()
    case.state, case.outcome, case.decision_reasons, case.decided_at = (
        CaseState.DECIDED,
        outcome,
        (reasons or "").strip(),
        now,
    )
    _recompute(case, _("作出决定，开始计算送达期限"))
    _save(case, "state", "outcome", "decision_reasons", "decided_at", *DUE_FIELDS)
    if outcome == Outcome.APPROVED:
        text = _(
            "%(applicant)s：\n您申请的“%(title)s”（办件编号 %(number)s），经审查符合法定条件、标准，决定准予许可。"
        ) % {
            "applicant": case.applicant_name,
            "title": case.title,
            "number": case.number,
        }
        kind = DocumentKind.APPROVAL
        signals.case_approving.send(sender=Case, case=case, actor=actor)
    else:
        text = _(
            "%(applicant)s：\n您申请的“%(title)s”（办件编号 %(number)s），经审查决定不予许可。理由：%(reasons)s"
        ) % {
            "applicant": case.applicant_name,
            "title": case.title,
            "number": case.number,
            "reasons": case.decision_reasons,
        }
        text += RIGHTS_TEXT()
        kind = DocumentKind.DENIAL
    issue_document(case, kind, department=case.department, text=text, on=today())
    _event(
        case,
        "decided",
        _("作出决定：%(outcome)s") % {"outcome": case.get_outcome_display()},
        actor=actor,
        role=_("审批负责人") if actor else _("联合审批"),
        note=case.decision_reasons,
    )
    notify_applicant(
        case,
        _("办理结果：%(number)s %(outcome)s")
        % {"number": case.number, "outcome": case.get_outcome_display()},
        text,
    )
    _on_commit(signals.case_decided, case)
    if case.delivery_method == DeliveryMethod.ELECTRONIC:
        _deliver(
            case,
            actor,
            method=DeliveryMethod.ELECTRONIC,
            note=_("决定书已送达申请人的电子证照与文书空间"),
        )
    return case


def _deliver(case: Case, actor, *, method: str, note: str = "") -> Case:
    case.state = CaseState.CLOSED
    case.delivered_at = case.closed_at = timezone.now()
    case.delivery_method = method
    _recompute(case, _("送达办结"))
    _save(case, "state", "delivered_at", "closed_at", "delivery_method", *DUE_FIELDS)
    _event(
        case,
        "delivered",
        _("送达（%(method)s），办结") % {"method": case.get_delivery_method_display()},
        actor=actor,
        note=note,
    )
    _on_commit(signals.case_closed, case)
    return case


@transaction.atomic
def deliver(case: Case, actor, *, method: str | None = None, note: str = "") -> Case:
    """Record delivery of the decision / licence (Art 44: within 10 working days)."""
    case = _lock(case)
    if not permissions.can_deliver(actor, case):
        raise CaseError("case", _("您无权登记送达"), status=403)
    _expect(case, CaseState.DECIDED)
    method = method or case.delivery_method
    if method not in DeliveryMethod.values:
        raise ValidationError({"method": [_("送达方式无效")]})
    case = _deliver(case, actor, method=method, note=note)
    if method == DeliveryMethod.PICKUP:
        _record_visit(case, actor, None, _("到窗口领取办理结果"))
    notify_applicant(
        case,
        _("办件已办结：%(number)s") % {"number": case.number},
        _("您的办件已送达办结（%(method)s）。") % {"method": case.get_delivery_method_display()},
    )
    return case


@transaction.atomic
def withdraw(case: Case, actor, *, reason: str = "") -> Case:
    case = _lock(case)
    if not permissions.is_case_applicant(actor, case):
        raise CaseError("case", _("只有申请人可以撤回申请"), status=403)
    if case.state not in WITHDRAWABLE_STATES:
        raise CaseError("state", _("已作出决定的申请不能撤回"), status=409)
    case.state = CaseState.WITHDRAWN
    case.closed_at = timezone.now()
    _recompute(case, _("申请人撤回"))
    _save(case, "state", "closed_at", *DUE_FIELDS)
    _event(
        case,
        "withdrawn",
        _("申请人撤回申请"),
        actor=actor,
        role=_("申请人"),
        note=(reason or "").strip(),
    )
    _on_commit(signals.case_withdrawn, case)
    return case


def _record_visit(case: Case, actor, hall, purpose: str) -> Visit:
    visit = Visit.objects.create(
        case=case, hall=hall or case.hall, purpose=purpose, recorded_by=actor
    )
    Case.objects.filter(pk=case.pk).update(visits_count=case.visits_count + 1)
    case.visits_count += 1
    return visit


@transaction.atomic
def record_visit(case: Case, actor, *, purpose: str, hall=None) -> Visit:
    """到现场: a clerk records that the applicant came to the hall for this case."""
    case = _lock(case)
    if not permissions.can_receive(actor, case.region):
        raise CaseError("case", _("只有窗口人员可以登记到现场"), status=403)
    if not (purpose or "").strip():
        raise ValidationError({"purpose": [_("请填写到现场事由")]})
    return _record_visit(case, actor, hall, purpose.strip()[:200])


def recompute_open_cases_in_year(year: int) -> int:
    """After a yearly holiday notice is loaded: recompute open cases whose dates may move."""
    from django.db.models import Q

    start, end = dt.date(year - 1, 12, 1), dt.date(year, 12, 31)
    qs = Case.objects.filter(
        state__in=[CaseState.SUBMITTED, CaseState.IN_REVIEW, CaseState.DECIDED]
    ).filter(
        Q(due_provisional=True)
        | Q(current_due__range=(start, end))
        | Q(statutory_due__range=(start, end))
    )
    count = 0
    for case in qs.only("pk").iterator():
        recompute_deadlines(case, _("%(year)d 年放假安排通知已载入，重新计算期限") % {"year": year})
        count += 1
    return count
