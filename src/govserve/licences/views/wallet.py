"""Licence wallet pages (我的证照): the holder's licences, one licence with its grants and use
log, the PDF; and the department side (授权给本部门的证照): open a shared licence stating why.

Thin: reads through `selectors`, writes through `sharing` (refusals come back as LicenceError
and are shown next to the field). Everything works without JavaScript: the department picker
is a search box (GET) that narrows a select.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from govserve.accounts.typing import SignedInRequest
from govserve.cases.forms import CaseFormMixin, show_required
from govserve.core.pages import account_required, denied, page
from govserve.regions.models import Department

from .. import documents, qrlinks, selectors, services, sharing
from ..errors import LicenceError
from ..models import Licence, LicenceShare

DEFAULT_DAYS = 30


class ShareForm(CaseFormMixin, forms.Form):
    """分享给部门: which department, why, for how many days (the service checks each)."""

    department = forms.ModelChoiceField(
        label=gettext_lazy("使用部门"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=gettext_lazy("请选择部门"),
    )
    purpose = forms.CharField(
        label=gettext_lazy("用途"),
        max_length=sharing.PURPOSE_MAX,
        required=False,
        help_text=gettext_lazy("例如：办理公共场所卫生许可时核验经营资格"),
    )
    days = forms.IntegerField(
        label=gettext_lazy("授权天数"),
        required=False,
        initial=DEFAULT_DAYS,
        help_text=gettext_lazy("1 至 365 天，到期后部门不能再使用"),
        widget=forms.NumberInput(attrs={"min": 1, "max": sharing.MAX_SHARE_DAYS}),
    )

    def __init__(self, *args, choices=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("department", "purpose", "days"):
            show_required(self.fields[name], True)
        # Bound: any department may be posted (the search only narrows what is listed).
        self._department_field().queryset = (
            Department.objects.all()
            if self.is_bound
            else Department.objects.filter(pk__in=[d.pk for d in choices or []])
        )

    def _department_field(self) -> forms.ModelChoiceField:
        field = self.fields["department"]
        assert isinstance(field, forms.ModelChoiceField)  # declared above
        return field

    def narrow(self, choices: list[Department]) -> None:
        """After validation: list only the searched departments (and the one chosen)."""
        keep = {d.pk for d in choices}
        chosen = self.cleaned_data.get("department") if hasattr(self, "cleaned_data") else None
        if chosen is not None:
            keep.add(chosen.pk)
        self._department_field().queryset = Department.objects.filter(pk__in=keep).order_by(
            "region__code", "name"
        )


class UseForm(CaseFormMixin, forms.Form):
    """用证: the staff member says why they open the licence."""

    purpose = forms.CharField(
        label=gettext_lazy("用途（事由）"),
        max_length=sharing.PURPOSE_MAX,
        required=False,
        help_text=gettext_lazy("写明为何查看该证照，持证人可以看到"),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        show_required(self.fields["purpose"], True)


def _describe(licence: Licence) -> Licence:
    """Attach what the templates show: status in words, masked ID, links, data rows."""
    code = selectors.status_code(licence)
    licence.status_code = code  # type: ignore[attr-defined]  # for the templates
    licence.status_words = selectors.status_label(code)  # type: ignore[attr-defined]  # for the templates
    licence.status_badge = selectors.status_badge(code)  # type: ignore[attr-defined]  # for the templates
    licence.holder_id_shown = selectors.holder_id_masked(licence)  # type: ignore[attr-defined]  # for the templates
    licence.verify_url = qrlinks.verification_url(licence.identifier)  # type: ignore[attr-defined]  # for the templates
    licence.rows = selectors.data_rows(licence)  # type: ignore[attr-defined]  # for the templates
    return licence


# -- the holder's side ---------------------------------------------------------------------------
@never_cache
@account_required
@require_GET
def wallet(request: SignedInRequest) -> HttpResponse:
    entries = selectors.wallet_entries(request.user)
    for entry in entries:
        _describe(entry.current)
        for old in entry.history:
            _describe(old)
    return page(request, "licences/wallet/wallet.html", {"entries": entries})


def _detail(request: HttpRequest, licence: Licence, form: ShareForm | None = None, status=200):
    query = request.GET.get("dq", "")
    choices = selectors.department_choices(query, near=licence.issuer)
    if form is None:
        form = ShareForm(choices=choices, initial={"days": DEFAULT_DAYS})
    else:
        form.narrow(choices)
    uses = list(selectors.uses_of(licence)[:200])
    for use in uses:
        use.who = selectors.staff_name(use.user)  # type: ignore[attr-defined]  # for the template
    context = {
        "licence": _describe(licence),
        "versions": [_describe(v) for v in selectors.versions_of(licence).exclude(pk=licence.pk)],
        "share_form": form,
        "department_query": query,
        "shareable_problem": sharing.unusable_reason(licence),
        "shares": list(selectors.shares_of(licence)),
        "live_share_ids": set(
            selectors.live_shares().filter(licence=licence).values_list("pk", flat=True)
        ),
        "uses": uses,
        "renewal": selectors.renewal_state(licence),
    }
    return page(request, "licences/wallet/detail.html", context, status=status)


@never_cache
@account_required
@require_GET
def licence_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    licence = selectors.licence_for_holder(request.user, pk)
    return _detail(request, licence)


@account_required
@require_GET
def licence_pdf(request: SignedInRequest, pk: int) -> FileResponse:
    return documents.pdf_response(selectors.licence_for_holder(request.user, pk))


@never_cache
@account_required
@require_POST
def apply_for_renewal(request: SignedInRequest, pk: int) -> HttpResponse:
    """申请延续: files the renewal application and opens its case page."""
    licence = selectors.licence_for_holder(request.user, pk)
    try:
        case = services.apply_for_renewal(licence, request.user)
    except LicenceError as exc:
        messages.error(request, exc.message)
        return _detail(request, licence, status=exc.status)
    except ValidationError as exc:  # the issuing case's materials do not cover the item's list
        for problem in exc.messages:
            messages.error(request, problem)
        return _detail(request, licence, status=400)
    messages.success(request, _("延续申请已提交，办件编号 %(number)s。") % {"number": case.number})
    return redirect("cases:case", case.pk)


@never_cache
@account_required
@require_POST
def share(request: SignedInRequest, pk: int) -> HttpResponse:
    licence = selectors.licence_for_holder(request.user, pk)
    form = ShareForm(request.POST)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        days = data.get("days")
        try:
            grant = sharing.share(
                licence,
                request.user,
                department=data.get("department"),
                purpose=data.get("purpose") or "",
                days=days if days is not None else 0,
            )
        except LicenceError as exc:
            form.apply_errors({exc.field if exc.field in form.fields else None: [exc.message]})
            status = exc.status
        else:
            messages.success(
                request,
                _("已授权%(department)s使用该证照，至 %(date)s 止。")
                % {"department": grant.department.name, "date": grant.expires_on.isoformat()},
            )
            return redirect("licences:wallet-licence", licence.pk)
    return _detail(request, licence, form=form, status=status)


@account_required
@require_POST
def withdraw_share(request: SignedInRequest, pk: int, share_pk: int) -> HttpResponse:
    licence = selectors.licence_for_holder(request.user, pk)
    grant = LicenceShare.objects.filter(pk=share_pk, licence=licence).first()
    if grant is None:
        raise Http404(_("授权不存在"))
    try:
        sharing.withdraw(grant, request.user)
        messages.success(
            request, _("已撤回对%(department)s的授权。") % {"department": grant.department.name}
        )
    except LicenceError as exc:
        messages.error(request, exc.message)
    return redirect("licences:wallet-licence", licence.pk)


# -- the department's side -------------------------------------------------------------------------
def _staff_shares(request: HttpRequest, forms_by_share: dict | None = None) -> list[LicenceShare]:
    shares = list(selectors.shared_with_staff(request.user)[:200])
    for grant in shares:
        _describe(grant.licence)
        grant.use_form = (forms_by_share or {}).get(grant.pk) or UseForm(prefix=f"s{grant.pk}")  # type: ignore[attr-defined]  # for the template
    return shares


@never_cache
@account_required
@require_GET
def shared_with_me(request: SignedInRequest) -> HttpResponse:
    if not selectors.staff_departments(request.user).exists():
        return denied(request, _("此页面仅供办理业务的部门工作人员使用。"))
    return page(request, "licences/wallet/shared.html", {"shares": _staff_shares(request)})


@never_cache
@account_required
@require_POST
def use_shared(request: SignedInRequest, share_pk: int) -> HttpResponse:
    """Open a shared licence: state why; the use is recorded, then the licence is shown."""
    grant = selectors.shared_with_staff(request.user).filter(pk=share_pk).first()
    if grant is None:
        raise Http404(_("授权不存在、已撤回或已到期"))
    form = UseForm(request.POST, prefix=f"s{grant.pk}")
    status = 400
    if form.is_valid():
        try:
            record = sharing.use(
                grant.licence,
                request.user,
                department=grant.department,
                purpose=form.cleaned_data.get("purpose") or "",
                channel="page",
            )
        except LicenceError as exc:
            form.apply_errors({exc.field if exc.field in form.fields else None: [exc.message]})
            status = exc.status
        else:
            return redirect("licences:use-result", record.pk)
    return page(
        request,
        "licences/wallet/shared.html",
        {"shares": _staff_shares(request, {grant.pk: form})},
        status=status,
    )


@never_cache
@account_required
@require_GET
def use_result(request: SignedInRequest, use_pk: int) -> HttpResponse:
    record = selectors.use_for_staff(request.user, use_pk)
    return page(
        request,
        "licences/wallet/use_result.html",
        {"use": record, "licence": _describe(record.licence)},
    )


@account_required
@require_GET
def use_pdf(request: SignedInRequest, use_pk: int) -> FileResponse:
    return documents.pdf_response(selectors.use_for_staff(request.user, use_pk).licence)
