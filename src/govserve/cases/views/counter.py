"""The counter (综合窗口): the person present, the acceptance queue,
the staff case page and its actions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
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
from govserve.accounts.typing import SignedInRequest
from govserve.core.errors import Refused
from govserve.core.pages import account_required, denied, page

from .. import permissions, selectors, services
from ..forms import (
    CatalogFilterForm,
    CorrectionNoticeForm,
    DeliverForm,
    GreenChannelForm,
    PersonLookupForm,
    RefuseForm,
    VisitForm,
    WalkInForm,
)
from ..models import Case, CaseState, CorrectionNotice
from ._common import COUNTER_PERSON, _case_or_404, _counter_person, _licence_slots
from .applicant import _case_context


def _counter_context(request: HttpRequest, **extra) -> dict:
    user = request.user
    person = _counter_person(request)
    filter_form = CatalogFilterForm(request.GET or None)
    query = filter_form.cleaned_data.get("q", "") if filter_form.is_valid() else ""
    items, bundles = selectors.counter_catalog(user, query) if person else ([], [])
    today = timezone.localdate()
    queue = list(selectors.acceptance_queue(user)[:100])
    for case in queue:
        case.masked_name = mask_name(case.applicant_name)  # type: ignore[attr-defined]  # for the template
        case.overdue = bool(case.acceptance_due and case.acceptance_due < today)  # type: ignore[attr-defined]  # for the template
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
def counter_register(request: SignedInRequest) -> HttpResponse:
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
        assert form is not None  # every act but "accept" has its form
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
        assert form is not None  # accept() refuses with Refused, never a ValidationError
        form.apply_errors(exc)
    case.refresh_from_db()
    extra = {STAFF_FORMS[act][0]: form, "open_form": act} if form is not None else {}
    return page(
        request, "cases/staff_case.html", _staff_context(request, case, **extra), status=status
    )
