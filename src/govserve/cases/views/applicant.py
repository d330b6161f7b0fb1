"""The applicant's pages: my cases, the receipt, a case's progress,
withdrawal, correction, messages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from govserve.core.errors import Refused
from govserve.core.pages import account_required, page

from .. import notifications, permissions, selectors, services
from ..forms import CorrectionUploadForm, WithdrawForm
from ..models import WITHDRAWABLE_STATES, Case, CaseState, MaterialStatus
from ._common import _case_or_404, _licence_slots, _page


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
        if cm.material is not None
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
