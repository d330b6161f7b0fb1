"""Pages of 督办 and escalation (namespace `escalation`, under /supervision/): supervisors issue
and review notices, departments reply; escalations, red/yellow cards and ladders in scope.
A refusal is shown on the page with its 4xx status, never a 500."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from govserve.cases.models import Case
from govserve.catalog.models import ImplementationItem
from govserve.core.errors import Refused
from govserve.core.pages import denied, page, staff_required
from govserve.regions.models import Region
from govserve.supervision.scope import department_scope, supervisor_scope

from . import selectors, services
from .forms import AcceptForm, IssueForm, ReplyForm, ReturnForm
from .models import CardLevel, NoticeState, SupervisionNotice, Target

PAGE_SIZE = 30


def oversight_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Supervisors and department staff (reviewers, approvers) only."""

    @staff_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not (supervisor_scope(request.user) or department_scope(request.user)):
            return denied(request, _("此页面仅供监察人员和部门审查、审批人员使用。"))
        return view(request, *args, **kwargs)

    return wrapper


def _flag(value: str | None) -> bool | None:
    return {"1": True, "0": False}.get(value or "")


def _paged(request: HttpRequest, qs) -> tuple[Any, str]:
    page_obj = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page") or 1)
    query = urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v])
    return page_obj, query


# -- notices -------------------------------------------------------------------------------------
@oversight_required
def notices(request: HttpRequest) -> HttpResponse:
    g = request.GET
    filters: dict[str, Any] = {
        "state": g.get("state", ""),
        "overdue": _flag(g.get("overdue")),
        "q": (g.get("q") or "").strip()[:60],
    }
    qs = selectors.filter_notices(
        selectors.visible_notices(request.user),
        state=str(filters["state"] or ""),
        overdue=_flag(g.get("overdue")),
        q=str(filters["q"]),
    )
    page_obj, query = _paged(request, qs.order_by("-created_at", "-pk"))
    return page(
        request,
        "escalation/notices.html",
        {
            "page": page_obj,
            "query": query,
            "filters": filters,
            "states": NoticeState.choices,
            "today": timezone.localdate(),
            "is_supervisor": bool(supervisor_scope(request.user)),
        },
    )


@oversight_required
def replies(request: HttpRequest) -> HttpResponse:
    """The department's notices waiting for its reply."""
    page_obj, query = _paged(request, selectors.notices_to_reply(request.user))
    return page(
        request,
        "escalation/replies.html",
        {"page": page_obj, "query": query, "today": timezone.localdate()},
    )


def _find_case(value: str) -> Case | None:
    value = value.strip()
    found = Case.objects.select_related("region", "department").filter(number=value).first()
    if found is None and value.isdigit() and len(value) < 19:
        found = Case.objects.select_related("region", "department").filter(pk=int(value)).first()
    return found


def _find_item(value: str) -> ImplementationItem | None:
    value = value.strip()
    qs = ImplementationItem.objects.select_related("region", "department")
    found = qs.filter(implementation_code=value).first() if value else None
    if found is None and value.isdigit() and len(value) < 19:
        found = qs.filter(pk=int(value)).first()
    return found


@staff_required
def issue(request: HttpRequest) -> HttpResponse:
    if not supervisor_scope(request.user):
        return denied(request, _("只有监察人员可以发出督办。"))
    if request.method != "POST":
        initial = {k: request.GET[k] for k in ("case", "item") if request.GET.get(k)}
        case_ref = initial.get("case")
        if case_ref:
            found = _find_case(case_ref)
            if found is not None:
                initial["case"] = found.number or str(found.pk)
                initial["subject"] = _("办件 %(number)s 办理超期") % {"number": found.number}
        return page(request, "escalation/issue.html", {"form": IssueForm(initial=initial)})
    form = IssueForm(request.POST)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        case = item = None
        if (data.get("case") or "").strip():
            case = _find_case(data["case"])
            if case is None:
                form.add_error("case", _("没有找到该办件"))
        else:
            item = _find_item(data["item"])
            if item is None:
                form.add_error("item", _("没有找到该事项"))
        if not form.errors:
            try:
                notice, _created = services.issue_notice(
                    request.user,
                    case=case,
                    item=item,
                    subject=data["subject"],
                    body=data["body"],
                    reply_days=data.get("reply_days"),
                    idempotency_key=request.POST.get("idempotency_key") or None,
                )
            except Refused as exc:
                field = exc.field if exc.field in form.fields else None
                form.add_error(field, exc.message)
                status = exc.status
            else:
                messages.success(
                    request,
                    _("已发出督办 %(number)s，回复期限 %(due)s。")
                    % {"number": notice.number, "due": notice.due.isoformat()},
                )
                return redirect("escalation:notice", notice.pk)
    return page(request, "escalation/issue.html", {"form": form}, status=status)


def _notice_page(
    request: HttpRequest, notice: SupervisionNotice, status: int = 200, **forms: Any
) -> HttpResponse:
    user = request.user
    supervise = selectors.may_supervise(user, notice)
    reply = selectors.may_reply(user, notice)
    return page(
        request,
        "escalation/notice.html",
        {
            "notice": notice,
            "events": notice.events.select_related("actor").order_by("at", "pk"),
            "escalations": selectors.visible_escalations(user).filter(
                kind="notice", object_id=notice.pk
            ),
            "overdue": notice.state == NoticeState.OPEN and notice.due < timezone.localdate(),
            "is_supervisor": bool(supervisor_scope(user)),
            "can_reply": reply and notice.state == NoticeState.OPEN,
            "can_review": supervise and notice.state == NoticeState.REPLIED,
            "reply_form": forms.get("reply_form") or ReplyForm(),
            "accept_form": forms.get("accept_form") or AcceptForm(),
            "return_form": forms.get("return_form") or ReturnForm(),
        },
        status=status,
    )


def _visible(request: HttpRequest, pk: int) -> SupervisionNotice | None:
    return selectors.visible_notice(request.user, pk)


@oversight_required
def notice(request: HttpRequest, pk: int) -> HttpResponse:
    found = _visible(request, pk)
    if found is None:
        return denied(request, _("督办不存在或不在您的范围内。"), status=404)
    return _notice_page(request, found)


def _act(
    request: HttpRequest,
    pk: int,
    form_class: type,
    form_name: str,
    act: Callable[[SupervisionNotice, dict], SupervisionNotice],
    done: str,
) -> HttpResponseBase:
    if request.method != "POST":
        return redirect("escalation:notice", pk)
    found = _visible(request, pk)
    if found is None:
        return denied(request, _("督办不存在或不在您的范围内。"), status=404)
    form = form_class(request.POST)
    if not form.is_valid():
        return _notice_page(request, found, status=400, **{form_name: form})
    try:
        act(found, form.cleaned_data)
    except Refused as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return _notice_page(request, found, status=exc.status, **{form_name: form})
    messages.success(request, done)
    return redirect("escalation:notice", pk)


@oversight_required
def reply_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _act(
        request,
        pk,
        ReplyForm,
        "reply_form",
        lambda n, d: services.reply_notice(request.user, n, d["reply_text"]),
        _("已回复督办，等待监察人员审核。"),
    )


@oversight_required
def accept_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _act(
        request,
        pk,
        AcceptForm,
        "accept_form",
        lambda n, d: services.accept_notice(request.user, n, d.get("comment", "")),
        _("已审核通过，督办办结。"),
    )


@oversight_required
def return_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _act(
        request,
        pk,
        ReturnForm,
        "return_form",
        lambda n, d: services.return_notice(
            request.user, n, d["reason"], reply_days=d.get("reply_days")
        ),
        _("已退回，部门须在新的期限内重新回复。"),
    )


# -- escalations, cards, ladders -------------------------------------------------------------------
@oversight_required
def escalations(request: HttpRequest) -> HttpResponse:
    g = request.GET
    qs = selectors.visible_escalations(request.user)
    kind = (g.get("kind") or "").strip()[:30]
    target = g.get("target") or ""
    if kind:
        qs = qs.filter(kind=kind)
    if target in Target.values:
        qs = qs.filter(target=target)
    page_obj, query = _paged(request, qs.order_by("-at", "-pk"))
    return page(
        request,
        "escalation/escalations.html",
        {
            "page": page_obj,
            "query": query,
            "filters": {"kind": kind, "target": target},
            "targets": Target.choices,
            "kinds": sorted(selectors.source_names()),
        },
    )


def _card_filters(request: HttpRequest) -> tuple[Any, dict[str, str]]:
    g = request.GET
    qs = selectors.visible_cards(request.user)
    month = (g.get("month") or "").strip()
    level = g.get("level") or ""
    try:
        start = dt.date.fromisoformat(f"{month}-01") if month else None
    except ValueError:
        start, month = None, ""
    if start is not None:
        qs = qs.filter(month=start)
    if level in CardLevel.values:
        qs = qs.filter(level=level)
    return qs, {"month": month, "level": level}


@oversight_required
def cards(request: HttpRequest) -> HttpResponse:
    qs, filters = _card_filters(request)
    rows = selectors.card_table(qs)
    page_obj = Paginator(rows, 50).get_page(request.GET.get("page") or 1)
    query = urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v])
    latest = qs.order_by("-at", "-pk")[:20]
    return page(
        request,
        "escalation/cards.html",
        {
            "page": page_obj,
            "query": query,
            "filters": filters,
            "levels": CardLevel.choices,
            "latest": latest,
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@oversight_required
def cards_csv(request: HttpRequest) -> HttpResponseBase:
    qs, _filters = _card_filters(request)
    writer = csv.writer(_Echo())

    def rows():
        yield "\ufeff" + writer.writerow([_("月份"), _("部门"), _("责任人"), _("红牌"), _("黄牌")])
        for row in selectors.card_table(qs):
            yield writer.writerow(
                [row.month.strftime("%Y-%m"), row.department, row.person, row.red, row.yellow]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="efficiency-cards.csv"'
    return response


@oversight_required
def ladders(request: HttpRequest) -> HttpResponse:
    """The ladder that applies in each region of the user's scope (and the regions below)."""
    roots = supervisor_scope(request.user).regions or department_scope(request.user).regions
    if supervisor_scope(request.user).everything:
        roots = list(Region.objects.filter(level=1))
    regions: list[Region] = []
    for root in roots[:20]:
        regions.append(root)
        regions.extend(Region.objects.filter(parent=root).order_by("code")[:50])
    return page(
        request,
        "escalation/ladders.html",
        {
            "rows": [
                (region, ladder, [(d, selectors.target_label(t)) for d, t in ladder.steps])
                for region, ladder in selectors.ladders_overview(regions)
            ],
            "default": [
                (d, selectors.target_label(t)) for d, t in selectors.default_ladder().steps
            ],
        },
    )
