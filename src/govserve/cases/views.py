"""Case pages: applying (online and at the counter), my cases and a case's progress,
notifications, the counter (综合窗口) with its acceptance queue and the staff case page.

Thin: writes go through `services` (refusals come back as Refused / ValidationError and are
shown next to the fields), reads through `selectors`, decisions through `permissions`.
受办分离: the staff page offers accept / refuse / correction / visit / delivery, never a decision.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from govserve.accounts import policies
from govserve.accounts import services as account_services
from govserve.accounts.masking import mask_id_number, mask_mobile, mask_name
from govserve.accounts.models import AccountType, User
from govserve.accounts.selectors import organisations_of
from govserve.catalog.models import Bundle, ImplementationItem, ItemState, Material
from govserve.core.errors import Refused
from govserve.core.pages import account_required, denied, page

from . import notifications, permissions, selectors, services
from .forms import (
    ApplicationForm,
    CatalogFilterForm,
    CorrectionNoticeForm,
    CorrectionUploadForm,
    DeliverForm,
    GreenChannelForm,
    PersonLookupForm,
    RefuseForm,
    VisitForm,
    WalkInForm,
    WithdrawForm,
    initial_from_case,
)
from .models import WITHDRAWABLE_STATES, Case, CaseState, CorrectionNotice, MaterialStatus

COUNTER_PERSON = "cases_counter_person"  # session: the applicant the clerk is serving
PAGE_SIZE = 20


def _page(request: HttpRequest, qs, size: int = PAGE_SIZE):
    return Paginator(qs, size).get_page(request.GET.get("page"))


def _case_or_404(request: HttpRequest, pk: int) -> Case:
    case = selectors.get_visible_case(request.user, pk)
    if case is None:
        raise Http404(_("办件不存在"))
    return case


def _error_status(exc: Refused | ValidationError) -> int:
    return getattr(exc, "status", 400)


# -- applying ---------------------------------------------------------------------------------------
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


def _counter_person(request: HttpRequest) -> User | None:
    pk = request.session.get(COUNTER_PERSON)
    if not pk:
        return None
    return User.objects.filter(pk=pk, account_type=AccountType.PERSON, is_active=True).first()


# -- 免提交: materials whose source is a licence type --------------------------------------------
def _licence_slots(spec) -> dict[int, Material]:
    """Slots of `spec` whose material is a licence type (slot id → material). They are asked
    (an upload slot) like the applicant's own materials, because only a usable licence of the
    holder supplies them — `services.held_licences` says which, and the page says so."""
    ids = [slot.id for slot in spec.materials if not slot.provided_by_government]
    return {
        m.pk: m
        for m in Material.objects.filter(pk__in=ids, common__isnull=False).select_related("common")
        if services.licence_type_code(m)
    }


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
            row["file"].field.show_required = False


def _apply(request: HttpRequest, *, item=None, bundle=None, counter: bool = False) -> HttpResponse:
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
    context = {"item": item, "bundle": bundle, "counter": counter, "applicant": applicant}
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
def apply_item(request: HttpRequest, pk: int) -> HttpResponse:
    item, _bundle = _target(pk=pk, user=request.user)
    return _apply(request, item=item)


@never_cache
@account_required
@require_http_methods(["GET", "POST"])
def apply_bundle(request: HttpRequest, code: str) -> HttpResponse:
    _item, bundle = _target(code=code, user=request.user)
    return _apply(request, bundle=bundle)


@never_cache
@account_required
@require_http_methods(["GET", "POST"])
def counter_apply_item(request: HttpRequest, pk: int) -> HttpResponse:
    item, _bundle = _target(pk=pk, user=request.user)
    return _apply(request, item=item, counter=True)


@never_cache
@account_required
@require_http_methods(["GET", "POST"])
def counter_apply_bundle(request: HttpRequest, code: str) -> HttpResponse:
    _item, bundle = _target(code=code, user=request.user)
    return _apply(request, bundle=bundle, counter=True)


def _given(case: Case) -> dict:
    """Current materials of a case by merge key (what the form shows as already given)."""
    return {cm.material.merge_key: cm for cm in selectors.current_materials(case) if cm.material_id}


@never_cache
@account_required
@require_http_methods(["GET", "POST"])
def edit_draft(request: HttpRequest, pk: int) -> HttpResponse:
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
    context = {
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


# -- the applicant's view -------------------------------------------------------------------------
@never_cache
@account_required
def my_cases(request: HttpRequest) -> HttpResponse:
    qs = selectors.visible_cases(request.user).order_by("-created_at", "-pk")
    return page(request, "cases/my_cases.html", {"page": _page(request, qs)})


@never_cache
@account_required
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    if not case.number:
        return redirect("cases:edit", case.pk)
    if not permissions.is_case_applicant(request.user, case):
        selectors.log_personal_data_read(request.user, case, channel="page:receipt")
    return page(
        request,
        "cases/receipt.html",
        {
            "case": case,
            "materials": selectors.current_materials(case),
            "deadlines": selectors.deadlines(case),
        },
    )


def _correction_slots(case: Case) -> list:
    """The materials the applicant may (re)upload while correcting: the notice's materials and
    any required material not given."""
    spec = selectors.case_form_spec(case)
    _licence_slots(spec)
    notice_ids = set()
    for entry in (
        selectors.expectations(case)[0].entries if case.state == CaseState.CORRECTION else []
    ):
        if entry.get("material_id"):
            notice_ids.add(entry["material_id"])
    wrong = {
        cm.material.merge_key
        for cm in case.materials.select_related("material").filter(status=MaterialStatus.TO_CORRECT)
        if cm.material_id
    }
    missing = {m.merge_key for m in services.missing_materials(case)}
    return [
        slot
        for slot in spec.asked_materials
        if slot.id in notice_ids or slot.key in wrong or slot.key in missing
    ] or spec.asked_materials


def _case_context(request: HttpRequest, case: Case, **extra) -> dict:
    context = {
        "case": case,
        "events": selectors.events_for(case, request.user),
        "deadlines": selectors.deadlines(case),
        "expectations": selectors.expectations(case),
        "documents": selectors.documents_for(case),
        "materials": selectors.current_materials(case),
        "visits_promised": selectors.visits_promised(case),
        "can_withdraw": case.state in WITHDRAWABLE_STATES and case.state != CaseState.DRAFT,
        "extensions": selectors.public_extensions(case),
    }
    if case.state == CaseState.CORRECTION:
        context.setdefault("upload_form", CorrectionUploadForm(slots=_correction_slots(case)))
    context.setdefault("withdraw_form", WithdrawForm())
    context.update(extra)
    return context


@never_cache
@account_required
def case_page(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    if not permissions.is_case_applicant(request.user, case):
        return redirect("cases:staff-case", case.pk)
    if case.state == CaseState.DRAFT:
        return redirect("cases:edit", case.pk)
    return page(request, "cases/case.html", _case_context(request, case))


@account_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.withdraw(case, request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("申请已撤回。"))
        except Refused as exc:
            messages.error(request, exc.message)
    return redirect("cases:case", case.pk)


@never_cache
@account_required
@require_POST
def resubmit(request: HttpRequest, pk: int) -> HttpResponse:
    """补正: upload the corrected materials, then (button "重新提交") resubmit."""
    case = _case_or_404(request, pk)
    if not permissions.is_case_applicant(request.user, case):
        raise Http404(_("办件不存在"))
    form = CorrectionUploadForm(request.POST, request.FILES, slots=_correction_slots(case))
    status = 400
    if form.is_valid():
        try:
            with transaction.atomic():
                for slot in form.slots:
                    upload = form.cleaned_data.get(f"material_{slot.id}")
                    if upload:
                        services.add_material(
                            case, request.user, material_id=slot.id, upload=upload
                        )
            if request.POST.get("action") == "upload":
                messages.success(request, _("材料已上传，请补正全部材料后点击“重新提交”。"))
                return redirect("cases:case", case.pk)
            services.resubmit(case, request.user)
            messages.success(request, _("已重新提交，工作人员将重新审查材料。"))
            return redirect("cases:case", case.pk)
        except Refused as exc:
            form.apply_errors({exc.field: [exc.message]})
            status = exc.status
        except ValidationError as exc:
            form.apply_errors(exc)
    case.refresh_from_db()
    return page(
        request, "cases/case.html", _case_context(request, case, upload_form=form), status=status
    )


def _file(field_file, filename: str, content_type: str) -> FileResponse:
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404(_("文件不存在")) from None
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)


@account_required
def document_download(request: HttpRequest, pk: int, doc: int) -> FileResponse:
    case = _case_or_404(request, pk)
    document = case.documents.filter(pk=doc).first()
    if document is None or not document.file:
        raise Http404(_("文书不存在或尚未生成 PDF"))
    return _file(document.file, f"{document.number}.pdf", "application/pdf")


@account_required
def material_download(request: HttpRequest, pk: int, material_pk: int) -> FileResponse:
    case = _case_or_404(request, pk)
    cm = case.materials.filter(pk=material_pk).first()
    if cm is None or not cm.file:
        raise Http404(_("材料不存在"))
    if not permissions.is_case_applicant(request.user, case):
        selectors.log_personal_data_read(request.user, case, channel="page:material")
    return _file(
        cm.file, cm.original_name or "material", cm.content_type or "application/octet-stream"
    )


@never_cache
@account_required
@require_http_methods(["GET", "POST"])
def notifications_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        ids = request.POST.getlist("id")
        try:
            marked = notifications.mark_read(request.user, [int(i) for i in ids] if ids else None)
        except ValueError:
            marked = 0
        if marked:
            messages.success(request, _("已标为已读。"))
        return redirect("cases:notifications")
    qs = selectors.notifications_for(request.user)
    return page(request, "cases/notifications.html", {"page": _page(request, qs)})


# -- counter (综合窗口) -----------------------------------------------------------------------------
def _counter_context(request: HttpRequest, **extra) -> dict:
    user = request.user
    person = _counter_person(request)
    filter_form = CatalogFilterForm(request.GET or None)
    query = filter_form.cleaned_data.get("q", "") if filter_form.is_valid() else ""
    items, bundles = selectors.counter_catalog(user, query) if person else ([], [])
    today = timezone.localdate()
    queue = list(selectors.acceptance_queue(user)[:100])
    for case in queue:
        case.masked_name = mask_name(case.applicant_name)
        case.overdue = bool(case.acceptance_due and case.acceptance_due < today)
    context = {
        "person": person,
        "masked_id": mask_id_number(person.id_number) if person else "",
        "masked_mobile": mask_mobile(person.mobile) if person else "",
        "lookup_form": PersonLookupForm(),
        "walk_in_form": None,
        "filter_form": filter_form,
        "items": items,
        "bundles": bundles,
        "queue": queue,
        "regions": selectors.counter_regions(user),
    }
    context.update(extra)
    return context


def _clerk_only(view):
    def wrapper(request, *args, **kwargs):
        if not selectors.is_clerk(request.user):
            return denied(request, _("此页面仅供综合窗口受理人员使用。"))
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@sensitive_post_parameters("id_number")
@never_cache
@account_required
@_clerk_only
@require_http_methods(["GET", "POST"])
def counter_home(request: HttpRequest) -> HttpResponse:
    """综合窗口: find the person present by ID number (POST, so the number stays out of URLs),
    register them if unknown, pick an item; below, the acceptance queue."""
    if request.method == "GET":
        return page(request, "cases/counter.html", _counter_context(request))
    form = PersonLookupForm(request.POST)
    if not form.is_valid():
        return page(
            request, "cases/counter.html", _counter_context(request, lookup_form=form), status=400
        )
    id_number = form.cleaned_data["id_number"]
    person = User.objects.filter(
        account_type=AccountType.PERSON, id_number=id_number, is_active=True
    ).first()
    if person is None:
        walk_in = WalkInForm(initial={"id_number": id_number})
        messages.info(request, _("该身份证号码尚未注册，请核对身份证后为其登记。"))
        return page(request, "cases/counter.html", _counter_context(request, walk_in_form=walk_in))
    request.session[COUNTER_PERSON] = person.pk
    messages.success(request, _("已找到申请人：%(name)s") % {"name": person.real_name})
    return redirect("cases:counter")


@sensitive_post_parameters("id_number", "mobile")
@never_cache
@account_required
@_clerk_only
@require_POST
def counter_register(request: HttpRequest) -> HttpResponse:
    form = WalkInForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            person = account_services.register_person_at_counter(
                clerk=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.apply_errors(exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
            status = 403
        else:
            request.session[COUNTER_PERSON] = person.pk
            messages.success(
                request, _("已为 %(name)s 登记账户（窗口核验）。") % {"name": person.real_name}
            )
            return redirect("cases:counter")
    return page(
        request, "cases/counter.html", _counter_context(request, walk_in_form=form), status=status
    )


@account_required
@_clerk_only
@require_POST
def counter_forget(request: HttpRequest) -> HttpResponse:
    request.session.pop(COUNTER_PERSON, None)
    return redirect("cases:counter")


def _slots_for_notice(case: Case) -> list:
    spec = selectors.case_form_spec(case)
    _licence_slots(spec)  # an attached licence may be found wrong too
    return spec.asked_materials


def _staff_context(request: HttpRequest, case: Case, **forms) -> dict:
    user = request.user
    can_accept = permissions.can_accept(user, case) and case.state == CaseState.SUBMITTED
    has_notice = CorrectionNotice.objects.filter(case=case).exists()
    context = _case_context(request, case)
    labels = {f.key: f.label for f in selectors.case_form_spec(case).fields}
    context.update(
        applicant=selectors.masked_applicant(case),
        form_rows=[(labels.get(key, key), value) for key, value in (case.form_data or {}).items()],
        is_clerk=selectors.is_clerk(user),
        all_materials=selectors.materials_for(case),
        can_accept=can_accept,
        can_correct=can_accept and not has_notice,
        can_visit=permissions.can_receive(user, case.region) and case.state != CaseState.DRAFT,
        can_deliver=permissions.can_deliver(user, case) and case.state == CaseState.DECIDED,
        can_reveal=policies.can_view_person(user, case.applicant),
        refuse_form=RefuseForm(),
        correction_form=CorrectionNoticeForm(slots=_slots_for_notice(case)),
        visit_form=VisitForm(),
        can_green=can_accept
        or (case.state == CaseState.CORRECTION and permissions.can_accept(user, case)),
        green_form=GreenChannelForm(initial={"on": not case.green_channel}),
        deliver_form=DeliverForm(initial={"method": case.delivery_method}),
    )
    context.update(forms)
    return context


@never_cache
@account_required
def staff_case(request: HttpRequest, pk: int) -> HttpResponse:
    """The staff case page: materials (download), progress, and the counter's forms."""
    case = _case_or_404(request, pk)
    if permissions.is_case_applicant(request.user, case):
        return redirect("cases:case", case.pk)
    selectors.log_personal_data_read(request.user, case, channel="page")
    return page(request, "cases/staff_case.html", _staff_context(request, case))


STAFF_FORMS = {
    "refuse": ("refuse_form", RefuseForm),
    "correction": ("correction_form", CorrectionNoticeForm),
    "visit": ("visit_form", VisitForm),
    "deliver": ("deliver_form", DeliverForm),
    "green-channel": ("green_form", GreenChannelForm),
}


@never_cache
@account_required
@require_POST
def staff_action(request: HttpRequest, pk: int, act: str) -> HttpResponse:
    case = _case_or_404(request, pk)
    user = request.user
    if act != "accept" and act not in STAFF_FORMS:
        raise Http404()
    form = None
    if act in STAFF_FORMS:
        name, form_class = STAFF_FORMS[act]
        kwargs = {"slots": _slots_for_notice(case)} if act == "correction" else {}
        form = form_class(request.POST, **kwargs)
    status = 400
    try:
        if act == "accept":
            services.accept(case, user)
            messages.success(request, _("已受理，受理通知书已生成。"))
            return redirect("cases:staff-case", case.pk)
        if form.is_valid():
            data = form.cleaned_data
            if act == "refuse":
                services.refuse(
                    case, user, reasons=data["reasons"], competent_agency=data["competent_agency"]
                )
                messages.success(request, _("已作出不予受理决定。"))
            elif act == "correction":
                services.request_correction(case, user, entries=data["entries"], note=data["note"])
                messages.success(request, _("已一次性告知申请人补正材料。"))
            elif act == "visit":
                services.record_visit(case, user, purpose=data["purpose"])
                messages.success(request, _("已登记到现场。"))
            elif act == "green-channel":
                services.set_green_channel(case, user, on=data["on"], reason=data["reason"])
                messages.success(request, _("已更新绿色通道。"))
            else:
                services.deliver(case, user, method=data["method"], note=data["note"])
                messages.success(request, _("已登记送达，办件办结。"))
            return redirect("cases:staff-case", case.pk)
    except Refused as exc:
        status = exc.status
        if form is None:
            messages.error(request, exc.message)
            return redirect("cases:staff-case", case.pk)
        form.apply_errors({exc.field: [exc.message]})
    except ValidationError as exc:
        form.apply_errors(exc)
    case.refresh_from_db()
    extra = {STAFF_FORMS[act][0]: form, "open_form": act} if form is not None else {}
    return page(
        request, "cases/staff_case.html", _staff_context(request, case, **extra), status=status
    )
