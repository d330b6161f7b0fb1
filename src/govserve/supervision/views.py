"""The supervisor's workbench pages (电子监察): the overview with its lists, a case's drill-down,
and the list as CSV or XLSX. Supervisors (and superusers) only: anyone else is told no (403)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from govserve.accounts.masking import mask_id_number, mask_mobile
from govserve.cases.models import OPEN_STATES, CaseState, Channel
from govserve.cases.selectors import log_personal_data_read
from govserve.catalog.models import ImplementationItem
from govserve.core.errors import Refused
from govserve.core.pages import account_required, denied, page
from govserve.core.params import ID_MAX
from govserve.regions.models import AdministrativeLevel, Department

from . import exports, selectors
from .filtering import filters_from, page_number
from .scope import Scope, supervisor_scope

NOT_SUPERVISOR = "此页面仅供监察人员使用。"


def supervisor_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Signed in (else the sign-in page) and holding a supervisor grant (else 403)."""

    @account_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        scope = supervisor_scope(request.user)
        if not scope:
            return denied(request, _(NOT_SUPERVISOR))
        return view(request, scope, *args, **kwargs)

    return wrapper


def _choices(scope: Scope) -> dict[str, Any]:
    """The options of the filter form: departments and items of the scope's regions."""
    regions = scope.regions
    departments = Department.objects.all()
    items = ImplementationItem.objects.all()
    if not scope.everything:
        named = [g.department_id for g in scope.grants if g.department_id is not None]
        whole = [g for g in scope.grants if g.department_id is None]
        departments = departments.filter(Scope(tuple(whole)).q(region="region") | Q(pk__in=named))
        items = items.filter(scope.q())
    return {
        "categories": list(selectors.CATEGORY_LABELS.items()),
        "stages": [(s.value, s.label) for s in CaseState if s in OPEN_STATES],
        "levels": AdministrativeLevel.choices,
        "channels": Channel.choices,
        "departments": departments.order_by("name").values_list("pk", "name")[:500],
        "items": items.order_by("name").values_list("pk", "name")[:500],
        "regions": regions,
    }


@never_cache
@require_GET
@supervisor_required
def workbench(request: HttpRequest, scope: Scope) -> HttpResponse:
    today = timezone.localdate()
    context: dict[str, Any] = {"today": today, "scope": scope, **_choices(scope)}
    status = 200
    try:
        filters = filters_from(request.GET, scope)
        number = page_number(request.GET)
    except Refused as exc:
        filters, number, status = selectors.Filters(), 1, exc.status
        context["error"] = exc
    context.update(
        filters=filters,
        query=urlencode(filters.as_query()),
        summary=selectors.summary(scope, today),
        by_department=selectors.counts_by_department(scope, today)[:100],
        by_item=selectors.counts_by_item(scope, today)[:100],
        page_obj=selectors.case_page(scope, filters, number, today=today),
        stage_labels=dict(CaseState.choices),
    )
    return page(request, "supervision/workbench.html", context, status=status)


@never_cache
@require_GET
@supervisor_required
def case(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    found = selectors.visible_case(scope, pk) if pk <= ID_MAX else None
    if found is None:
        return denied(request, _("办件不存在，或不在您的监察范围内。"), status=404)
    log_personal_data_read(request.user, found, channel="page:supervision")
    today = timezone.localdate()
    return page(
        request,
        "supervision/case.html",
        {
            "case": found,
            "today": today,
            "row": selectors.row_for(found, today, selectors.yellow_until(today)),
            "id_number": found.applicant_id_number
            if found.organisation_id
            else mask_id_number(found.applicant_id_number),
            "mobile": mask_mobile(found.contact_mobile),
            "suspensions": [
                (
                    s,
                    selectors.allowed_end(s),
                    selectors.stopped_days(s.starts_on, s.ends_on or today),
                )
                for s in found.suspensions.all()
            ],
            "timeline": selectors.timeline(found),
        },
    )


def _export(request: HttpRequest, scope: Scope, kind: str) -> HttpResponseBase:
    try:
        filters = filters_from(request.GET, scope)
    except Refused as exc:
        return denied(request, str(exc.message), status=exc.status)
    name = exports.filename(filters, kind)
    response: HttpResponseBase
    if kind == "csv":
        response = StreamingHttpResponse(
            exports.csv_chunks(scope, filters), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(exports.xlsx_bytes(scope, filters), content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@never_cache
@require_GET
@supervisor_required
def export_csv(request: HttpRequest, scope: Scope) -> HttpResponseBase:
    return _export(request, scope, "csv")


@never_cache
@require_GET
@supervisor_required
def export_xlsx(request: HttpRequest, scope: Scope) -> HttpResponseBase:
    return _export(request, scope, "xlsx")
