"""Staff pages for issued licences (证照管理): the list of the department's (or region's)
licences with search, a licence with its history and the lifecycle actions, the PDF.

Thin: reads through `selectors.staff_licences` (staff of the issuing department, clerks and
supervisors of its region), writes through `services` (approvers of the issuing department
act; refusals come back as LicenceError / SigningError / ValidationError and are shown next
to the fields).
Opening a person's licence is recorded like opening a case (PersonalDataAccess).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from govserve.accounts import policies
from govserve.accounts.models import Role
from govserve.accounts.typing import SignedInRequest
from govserve.cases.forms import show_required
from govserve.core.pages import denied, page, staff_required
from govserve.signing.errors import SigningError

from .. import documents, qrlinks, selectors, services
from ..errors import LicenceError
from ..models import FieldKind, Licence, LicenceStatus

PAGE_SIZE = 20
ACTIONS = ("change", "renew", "suspend", "resume", "revoke")


# -- forms -----------------------------------------------------------------------------------------
class SearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("证照编号、标识或持证主体名称"), required=False, max_length=140
    )
    status = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=[("", gettext_lazy("全部")), *LicenceStatus.choices],
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("原因"),
        max_length=services.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ChangeForm(forms.Form):
    """The licence type's fields, filled with the current data, and the reason for the change.
    The services check the values (the same spec as on issue); this only shapes the input."""

    reason = forms.CharField(
        label=gettext_lazy("变更原因"),
        max_length=services.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, licence: Licence, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.specs = list(licence.licence_type.fields or [])
        for spec in self.specs:
            name, label = spec["name"], spec.get("label") or spec["name"]
            initial = licence.data.get(name, "")
            field: forms.Field
            if spec.get("kind") == FieldKind.CHOICE:
                choices = [("", "—"), *((c, c) for c in spec.get("choices", []))]
                field = forms.ChoiceField(label=label, choices=choices, initial=initial)
            else:
                attrs = {"type": "date"} if spec.get("kind") == FieldKind.DATE else {}
                field = forms.CharField(
                    label=label,
                    initial=initial,
                    max_length=spec.get("max_length") or 1000,
                    widget=forms.TextInput(attrs=attrs),
                )
            field.required = False  # "required" is the services' word (and message)
            show_required(field, bool(spec.get("required")))
            self.fields[f"data_{name}"] = field
        self.order_fields([*(f"data_{s['name']}" for s in self.specs), "reason"])

    def data_values(self) -> dict[str, str]:
        return {s["name"]: self.cleaned_data.get(f"data_{s['name']}", "") for s in self.specs}

    def apply_errors(self, errors: dict[str, list[str]]) -> None:
        for key, problems in errors.items():
            field = f"data_{key.split('.', 1)[1]}" if key.startswith("data.") else key
            for problem in problems:
                self.add_error(field if field in self.fields else None, problem)


# -- reads -----------------------------------------------------------------------------------------
def _is_licence_staff(user) -> bool:
    return user.is_superuser or bool(
        policies.active_grants(user, policies.CASE_ROLES | {Role.SUPERVISOR})
    )


def _licence_or_404(request: HttpRequest, pk: int) -> Licence:
    licence = (
        selectors.staff_licences(request.user)
        .select_related("source_case", "holder_organisation", "seal")
        .filter(pk=pk)
        .first()
    )
    if licence is None:
        raise Http404(_("证照不存在"))
    return licence


@never_cache
@staff_required
@require_GET
def licence_list(request: SignedInRequest) -> HttpResponse:
    """证照管理: the licences the staff member's posts cover, newest first."""
    if not _is_licence_staff(request.user):
        return denied(request, _("证照管理仅供发证部门工作人员和监察人员使用。"))
    form = SearchForm(request.GET or None)
    qs = selectors.staff_licences(request.user)
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        if query:
            qs = qs.filter(
                Q(number__icontains=query)
                | Q(identifier__iexact=query)
                | Q(holder_name__icontains=query)
            )
        if form.cleaned_data["status"]:
            qs = qs.filter(status=form.cleaned_data["status"])
    listing = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(licence, documents.holder_rows(licence)[1][1]) for licence in listing.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return page(
        request,
        "licences/lifecycle/list.html",
        {"form": form, "page": listing, "rows": rows, "query": query.urlencode()},
        status=200 if form.is_bound is False or form.is_valid() else 400,
    )


def _detail(request: HttpRequest, licence: Licence, *, status: int = 200, **forms_) -> HttpResponse:
    user = request.user
    can_manage = selectors.can_manage_licence(user, licence)
    effective = licence.effective_status()
    opens = licence.renewal_opens_on
    today = services.today()
    context = {
        "licence": licence,
        "effective_status": effective,
        "effective_label": LicenceStatus(effective).label,
        "holder_rows": documents.holder_rows(licence),
        "data_rows": documents.data_rows(licence),
        "validity": documents.validity_line(licence),
        "events": licence.events.select_related("actor"),
        "newer": Licence.objects.filter(supersedes=licence).first(),
        "older": licence.supersedes,
        "verify_url": qrlinks.verification_url(licence.identifier),
        "can_manage": can_manage,
        "renewal_opens_on": opens,
        "renewal_open": bool(
            opens
            and licence.valid_until is not None
            and effective == LicenceStatus.VALID
            and opens <= today <= licence.valid_until
        ),
    }
    if can_manage:
        context.update(
            change_form=forms_.get("change_form") or ChangeForm(licence=licence),
            suspend_form=forms_.get("suspend_form") or ReasonForm(prefix="suspend"),
            resume_form=forms_.get("resume_form") or ReasonForm(prefix="resume"),
            revoke_form=forms_.get("revoke_form") or ReasonForm(prefix="revoke"),
            renew_error=forms_.get("renew_error", ""),
        )
    return page(request, "licences/lifecycle/detail.html", context, status=status)


@never_cache
@staff_required
@require_GET
def licence_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    licence = _licence_or_404(request, pk)
    services.log_staff_read(request.user, licence, channel="page")
    return _detail(request, licence)


@staff_required
@require_GET
def licence_pdf(request: SignedInRequest, pk: int) -> FileResponse:
    licence = _licence_or_404(request, pk)
    response = documents.pdf_response(licence, filename=f"{licence.number}-v{licence.version}.pdf")
    services.log_staff_read(request.user, licence, channel="page:pdf")
    return response


# -- actions ---------------------------------------------------------------------------------------
def _messages(exc: LicenceError | SigningError | ValidationError) -> dict[str, list[str]]:
    if isinstance(exc, LicenceError | SigningError):
        return {exc.field: [exc.message]}
    if hasattr(exc, "error_dict"):
        return exc.message_dict
    return {"__all__": exc.messages}


@never_cache
@staff_required
@require_POST
def licence_action(request: SignedInRequest, pk: int, act: str) -> HttpResponse:
    """One lifecycle action; success goes to the resulting licence (the new version for a
    change or renewal), a refusal shows the page again with the reason next to the field."""
    if act not in ACTIONS:
        raise Http404(_("没有这项操作"))
    licence = _licence_or_404(request, pk)
    user = request.user
    form: ChangeForm | ReasonForm | None
    forms_: dict[str, Any]
    if act == "change":
        form = ChangeForm(request.POST, licence=licence)
        forms_ = {"change_form": form}
    elif act == "renew":
        form, forms_ = None, {}
    else:
        form = ReasonForm(request.POST, prefix=act)
        forms_ = {f"{act}_form": form}
    if form is not None and not form.is_valid():
        return _detail(request, licence, status=400, **forms_)
    try:
        if act == "change":
            assert isinstance(form, ChangeForm)
            result = services.change(
                licence, user, data=form.data_values(), reason=form.cleaned_data["reason"]
            )
        elif act == "renew":
            result = services.renew(licence, user)
        else:
            assert form is not None  # a ReasonForm
            action = getattr(services, act)
            result = action(licence, user, reason=form.cleaned_data["reason"])
    except (LicenceError, SigningError, ValidationError) as exc:  # a key that cannot sign: 503
        problems = _messages(exc)
        status = getattr(exc, "status", 400)
        if status == 403:
            return denied(request, next(iter(problems.values()))[0])
        if form is None:
            forms_["renew_error"] = next(iter(problems.values()))[0]
        elif isinstance(form, ChangeForm):
            form.apply_errors(problems)
        else:
            for field, errs in problems.items():
                for err in errs:
                    form.add_error("reason" if field == "reason" else None, err)
        licence.refresh_from_db()
        return _detail(request, licence, status=status, **forms_)
    done = {
        "change": _("已变更，签发第 %(version)d 版。"),
        "renew": _("已延续，签发第 %(version)d 版。"),
        "suspend": _("证照已中止。"),
        "resume": _("证照已恢复有效。"),
        "revoke": _("证照已撤销。"),
    }[act]
    messages.success(request, done % {"version": result.version} if "%(" in done else done)
    return redirect("licences:manage-licence", result.pk)
