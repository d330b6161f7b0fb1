"""Applying, online and at the counter: the form, what held licences supply, drafts, submission."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from govserve.accounts import policies
from govserve.accounts.models import AccountType
from govserve.accounts.selectors import organisations_of
from govserve.accounts.typing import SignedInRequest
from govserve.catalog.models import Bundle, ImplementationItem, ItemState, Material
from govserve.core.errors import Refused
from govserve.core.pages import account_required, denied, page

from .. import permissions, selectors, services
from ..forms import ApplicationForm, initial_from_case, show_required
from ..models import Case, CaseMaterial, CaseState
from ._common import _case_or_404, _counter_person, _licence_slots


def _refusal(user, *, item: ImplementationItem | None, bundle: Bundle | None, counter: bool) -> str:
    """Why this item or bundle cannot be applied for here ("" when it can)."""
    if not counter and user.account_type != AccountType.PERSON:
        return _("工作人员账户不能以本人名义在线申请；为来办群众代办请使用综合窗口。")
    if bundle is not None:
        if not bundle.published:
            return _("该一件事未发布，不能申请。")
        items = selectors.bundle_items(bundle)
        if not items:
            return _("该一件事没有可办理的事项。")
        blocked = [it.name for it in items if not it.is_actionable]
        if blocked:
            return _("一件事中的事项“%(names)s”暂不能办理，不能申请。") % {
                "names": "、".join(blocked)
            }
        region = bundle.region
    else:
        assert item is not None  # an item when there is no bundle
        if item.state == ItemState.SUSPENDED:
            return _("该事项已暂停办理，暂不能申请（清单之外无权力）。")
        if item.state in (ItemState.CANCELLED, ItemState.MERGED, ItemState.DELEGATED):
            return _("该事项已取消、合并或下放，不能在此申请（清单之外无权力）。")
        if item.state != ItemState.PUBLISHED:
            return _("该事项未发布，不能申请（清单之外无权力）。")
        if not item.is_actionable:
            return _("该事项的办事指南要素尚不完整，暂不能申请，请先电话咨询。")
        region = item.region
    if counter and not permissions.can_receive(user, region):
        return _("该事项不在您所在区划综合窗口的受理范围内（%(region)s）。") % {
            "region": region.full_name or region.name
        }
    return ""


def _target(*, pk: int | None = None, code: str | None = None, user=None):
    if code is not None:
        bundle = (
            Bundle.objects.select_related("region", "lead_department").filter(code=code).first()
        )
        if bundle is None or not (bundle.published or (user and user.is_superuser)):
            raise Http404(_("一件事不存在或未发布"))
        return None, bundle
    item = ImplementationItem.objects.select_related("region", "department").filter(pk=pk).first()
    # Drafts are not public: an item the user may not read does not exist for them.
    if item is None or (item.state == ItemState.DRAFT and not policies.can_read_item(user, item)):
        raise Http404(_("事项不存在"))
    return item, None


def _licence_notes(slots: dict[int, Material], holders: list[tuple[str, Case]]) -> dict:
    """Slot id → (held by the first holder, lines for the page: {"held", "text"}) for each
    licence slot. `holders` are (label, case) pairs: the draft, or unsaved cases for each way
    the person may apply (themself, each organisation they act for)."""
    notes: dict[int, tuple[bool, list[dict]]] = {}
    materials = list(slots.values())
    for n, (label, holder) in enumerate(holders):
        held, unusable = services.held_licences(holder, materials)
        for slot_id, material in slots.items():
            found, lines = notes.get(slot_id, (False, []))
            key = material.merge_key
            if key in held:
                text = _("已自动获取电子证照“%(licence)s”，无需提交") % {"licence": held[key][1]}
                found = found or n == 0
            elif key in unusable:
                text = unusable[key]
            else:
                continue
            lines.append({"held": key in held, "text": f"{label}{text}"})
            notes[slot_id] = (found, lines)
    return notes


def _show_licence_notes(form: ApplicationForm, notes: dict) -> None:
    """Each asked material's row says whether a held licence supplies it (then no upload is
    required) or why the holder's licence cannot."""
    for row in form.slots:
        held, lines = notes.get(row["slot"].id, (False, []))
        row["licence_notes"] = lines
        row["licence_held"] = held
        if held:
            show_required(row["file"].field, False)


def _apply(
    request: SignedInRequest, *, item=None, bundle=None, counter: bool = False
) -> HttpResponse:
    user = request.user
    applicant = None
    if counter:
        if not selectors.is_clerk(user):
            return denied(request, _("此页面仅供综合窗口受理人员使用。"))
        applicant = _counter_person(request)
        if applicant is None:
            messages.error(request, _("请先查找或登记在场的申请人。"))
            return redirect("cases:counter")
    refusal = _refusal(user, item=item, bundle=bundle, counter=counter)
    context: dict[str, Any] = {
        "item": item,
        "bundle": bundle,
        "counter": counter,
        "applicant": applicant,
    }
    if refusal:
        context["refusal"] = refusal
        return page(
            request, "cases/apply.html", context, status=409 if request.method == "POST" else 200
        )
    owner = applicant or user
    spec = selectors.form_spec(item=item, bundle=bundle)
    licence_slots = _licence_slots(spec)
    reusable = selectors.reusable_for(owner, None, spec)
    organisations = [] if counter else list(organisations_of(user))
    form = ApplicationForm(
        request.POST or None,
        request.FILES or None,
        spec=spec,
        reusable=reusable,
        organisations=organisations,
    )
    if licence_slots:
        # Before the case exists: ask for each way this person may apply (unsaved cases).
        holders = [(_("本人申请：") if organisations else "", Case(applicant=owner))] + [
            (_("以“%(name)s”名义申请：") % {"name": o.name}, Case(applicant=owner, organisation=o))
            for o in organisations
        ]
        _show_licence_notes(form, _licence_notes(licence_slots, holders))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            organisation = None
            if form.cleaned_data.get("organisation"):
                organisation = next(
                    (o for o in organisations if o.pk == form.cleaned_data["organisation"]), None
                )
            try:
                if request.POST.get("action") == "save":
                    case = _save_new_draft(user, form, item, bundle, applicant, organisation)
                    messages.success(request, _("草稿已保存，可以继续填写后提交。"))
                    return redirect("cases:edit", case.pk)
                uploads = form.uploads()
                case, _created = services.apply(
                    user,
                    idempotency_key=form.cleaned_data.get("idempotency_key") or None,
                    item=item,
                    bundle=bundle,
                    applicant=applicant,
                    organisation=organisation,
                    form_data=form.form_data(),
                    uploads=uploads,
                    reuse=form.reuse(),
                    delivery_method=form.cleaned_data["delivery_method"],
                    delivery_address=form.cleaned_data.get("delivery_address") or "",
                )
                return redirect("cases:receipt", case.pk)
            except Refused as exc:
                form.apply_errors({exc.field: [exc.message]})
                status = exc.status
            except ValidationError as exc:
                form.apply_errors(exc)
        # Nothing was stored: files chosen in this attempt must be chosen again.
        context["files_lost"] = bool(request.FILES)
    context.update(form=form, spec=spec)
    return page(request, "cases/apply.html", context, status=status)


def _save_new_draft(user, form: ApplicationForm, item, bundle, applicant, organisation) -> Case:
    """A new draft with what was filled in and uploaded: all of it or nothing."""
    with transaction.atomic():
        case = services.create_draft(
            user, item=item, bundle=bundle, applicant=applicant, organisation=organisation
        )
        _fill_draft(case, user, form)
    return case


def _fill_draft(case: Case, user, form: ApplicationForm) -> None:
    services.save_draft(
        case,
        user,
        form_data=form.form_data(),
        delivery_method=form.cleaned_data["delivery_method"],
        delivery_address=form.cleaned_data.get("delivery_address") or "",
    )
    for material_id, upload in form.uploads():
        services.add_material(case, user, material_id=material_id, upload=upload)
    for material_id, source_id in form.reuse():
        services.reuse_material(case, user, material_id=material_id, source_id=source_id)


@never_cache
@account_required
@require_http_methods(["GET", "POST"])
def apply_item(request: SignedInRequest, pk: int) -> HttpResponse:
    item, _bundle = _target(pk=pk, user=request.user)
    return _apply(request, item=item)


@never_cache
@account_required
@require_http_methods(["GET", "POST"])
def apply_bundle(request: SignedInRequest, code: str) -> HttpResponse:
    _item, bundle = _target(code=code, user=request.user)
    return _apply(request, bundle=bundle)


@never_cache
@account_required
@require_http_methods(["GET", "POST"])
def counter_apply_item(request: SignedInRequest, pk: int) -> HttpResponse:
    item, _bundle = _target(pk=pk, user=request.user)
    return _apply(request, item=item, counter=True)


@never_cache
@account_required
@require_http_methods(["GET", "POST"])
def counter_apply_bundle(request: SignedInRequest, code: str) -> HttpResponse:
    _item, bundle = _target(code=code, user=request.user)
    return _apply(request, bundle=bundle, counter=True)


def _given(case: Case) -> dict[str, CaseMaterial]:
    """Current materials of a case by merge key (what the form shows as already given)."""
    return {
        cm.material.merge_key: cm
        for cm in selectors.current_materials(case)
        if cm.material is not None
    }


@never_cache
@account_required
@require_http_methods(["GET", "POST"])
def edit_draft(request: SignedInRequest, pk: int) -> HttpResponse:
    """Continue a saved draft: save again, or submit."""
    case = _case_or_404(request, pk)
    user = request.user
    if case.state != CaseState.DRAFT:
        return redirect("cases:receipt" if case.number else "cases:case", case.pk)
    if not (permissions.is_case_applicant(user, case) or case.filed_by_id == user.pk):
        raise Http404(_("办件不存在"))
    counter = case.filed_by_id is not None
    spec = selectors.case_form_spec(case)
    licence_slots = _licence_slots(spec)
    reusable = selectors.reusable_for(case.applicant, case.organisation, spec)
    form = ApplicationForm(
        request.POST or None,
        request.FILES or None,
        spec=spec,
        reusable=reusable,
        given=_given(case),
        initial=initial_from_case(case),
    )
    form.fields.pop("organisation", None)
    licence_notes = _licence_notes(licence_slots, [("", case)]) if licence_slots else {}
    _show_licence_notes(form, licence_notes)
    context: dict[str, Any] = {
        "case": case,
        "item": None if case.bundle_id else case.item,
        "bundle": case.bundle,
        "counter": counter,
        "applicant": case.applicant if counter else None,
    }
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                with transaction.atomic():
                    _fill_draft(case, user, form)
                if request.POST.get("action") == "save":
                    messages.success(request, _("草稿已保存。"))
                    return redirect("cases:edit", case.pk)
                services.submit(case, user)
                return redirect("cases:receipt", case.pk)
            except Refused as exc:
                case.refresh_from_db()
                if case.state != CaseState.DRAFT:  # a double click: the first one submitted it
                    return redirect("cases:receipt", case.pk)
                form.apply_errors({exc.field: [exc.message]})
                status = exc.status
            except ValidationError as exc:
                form.apply_errors(exc)
            # what was saved before the submission was refused shows as given
            form.given = _given(case)
            for row in form.slots:
                row["given"] = form.given.get(row["slot"].key)
    context.update(form=form, spec=spec)
    return page(request, "cases/apply.html", context, status=status)
