"""Ticket pages (namespace `tickets`): file, mine, follow (anonymous, by number + phone), the
filer's detail with confirm/reopen/rate, the staff queue and inbox, the staff detail with
assign/sign/transfer/return/reply/visit/close, and the public anonymised list."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from govserve.accounts.masking import mask_mobile, mask_name
from govserve.accounts.models import PersonalDataAccess
from govserve.cases.models import Case
from govserve.catalog.models import ImplementationItem
from govserve.core.pages import account_required, denied, page, staff_required

from . import selectors, services
from .errors import TicketError
from .forms import (
    DepartmentForm,
    FollowForm,
    NoteForm,
    RateForm,
    ReasonForm,
    ReplyForm,
    TicketForm,
)
from .models import Ticket, TicketAttachment, TicketState

PAGE_SIZE = 20
FOLLOW_SESSION_KEY = "tickets_followed"


def _page(request: HttpRequest, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _caller(request: HttpRequest, ticket: Ticket | None = None) -> services.Caller:
    if request.user.is_authenticated:
        return services.Caller(user=request.user)
    phone = ""
    if ticket is not None and ticket.pk in request.session.get(FOLLOW_SESSION_KEY, []):
        phone = ticket.phone
    return services.Caller(phone=phone)


# -- filing -----------------------------------------------------------------------------------
def _prefill(request: HttpRequest) -> dict:
    initial: dict = {"idempotency_key": secrets.token_urlsafe(16), "public": True}
    about: dict = {}
    case_id = request.GET.get("case", "")
    if case_id.isdigit() and request.user.is_authenticated:
        case = Case.objects.filter(pk=int(case_id), applicant=request.user).first()
        if case is not None:
            initial["case"] = case.pk
            about["case"] = case
    item_id = request.GET.get("item", "")
    if item_id.isdigit():
        item = ImplementationItem.objects.filter(pk=int(item_id)).first()
        if item is not None:
            initial["item"] = item.pk
            about["item"] = item
    return {"initial": initial, "about": about}


@never_cache
def new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = TicketForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            case = Case.objects.filter(pk=data["case"]).first() if data.get("case") else None
            item = (
                ImplementationItem.objects.filter(pk=data["item"]).first()
                if data.get("item")
                else None
            )
            try:
                ticket, _created = services.file_ticket(
                    _caller(request),
                    kind=data["kind"],
                    title=data["title"],
                    content=data["content"],
                    region=data.get("region"),
                    phone=data.get("phone", ""),
                    name=data.get("name", ""),
                    case=case,
                    item=item,
                    about_department=data.get("about_department"),
                    hall=data.get("hall"),
                    public=bool(data.get("public")),
                    uploads=data.get("attachments") or [],
                    idempotency_key=data.get("idempotency_key") or None,
                )
            except TicketError as exc:
                form.refuse(exc.field, exc.message)
            else:
                if not request.user.is_authenticated:
                    followed = request.session.get(FOLLOW_SESSION_KEY, [])
                    request.session[FOLLOW_SESSION_KEY] = [*followed, ticket.pk][-20:]
                messages.success(
                    request,
                    _("已提交，工单编号 %(number)s。请记下编号，凭编号和手机号码查询进度。")
                    % {"number": ticket.number},
                )
                return redirect("tickets:detail", ticket.pk)
        about = {}
    else:
        prefill = _prefill(request)
        form = TicketForm(initial=prefill["initial"])
        about = prefill["about"]
    return page(request, "tickets/new.html", {"form": form, "about": about})


@never_cache
@account_required
def mine(request: HttpRequest) -> HttpResponse:
    qs = selectors.filer_tickets(request.user)
    return page(request, "tickets/mine.html", {"page": _page(request, qs)})


@never_cache
def follow(request: HttpRequest) -> HttpResponse:
    form = FollowForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ticket = selectors.follow(form.cleaned_data["number"], form.cleaned_data["phone"])
        if ticket is None:
            form.refuse("number", _("未找到与该编号和手机号码相符的工单"))
        else:
            followed = request.session.get(FOLLOW_SESSION_KEY, [])
            request.session[FOLLOW_SESSION_KEY] = [*followed, ticket.pk][-20:]
            return redirect("tickets:detail", ticket.pk)
    return page(request, "tickets/follow.html", {"form": form})


MAX_ID = 2**31 - 1  # past what an id column holds (PostgreSQL integer): no such record


def _filer_ticket(request: HttpRequest, pk: int) -> Ticket:
    if pk > MAX_ID:
        raise Http404(_("工单不存在"))
    ticket = get_object_or_404(
        Ticket.objects.select_related("region", "department", "case", "item"), pk=pk
    )
    if selectors.is_filer(request.user, ticket):
        return ticket
    if ticket.filer_id is None and pk in request.session.get(FOLLOW_SESSION_KEY, []):
        return ticket
    raise Http404(_("工单不存在"))


@never_cache
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _filer_ticket(request, pk)
    return page(request, "tickets/detail.html", _filer_context(ticket))


def _filer_context(ticket: Ticket, **forms) -> dict:
    replied = ticket.state == TicketState.REPLIED
    rateable = ticket.state in (TicketState.REPLIED, TicketState.CONFIRMED)
    return {
        "ticket": ticket,
        "events": selectors.events(ticket),
        "attachments": list(ticket.attachments.all()),
        "masked_phone": mask_mobile(ticket.phone),
        "confirm_form": forms.get("confirm_form") or (NoteForm() if replied else None),
        "reopen_form": forms.get("reopen_form") or (ReasonForm() if replied else None),
        "reopens_left": max(selectors.max_reopens() - ticket.reopen_count, 0),
        "rate_form": forms.get("rate_form") or (RateForm() if rateable else None),
    }


@require_POST
def filer_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    ticket = _filer_ticket(request, pk)
    caller = _caller(request, ticket)
    form_class = {"confirm": NoteForm, "reopen": ReasonForm, "rate": RateForm}.get(action)
    if form_class is None:
        raise Http404
    form = form_class(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "confirm":
                services.confirm(caller, ticket, data.get("note", ""))
                messages.success(request, _("已确认答复。"))
            elif action == "reopen":
                services.reopen(caller, ticket, data["reason"])
                messages.success(request, _("已申请重办，承办部门将重新办理。"))
            else:
                services.visit(caller, ticket, data["satisfaction"], data.get("note", ""))
                messages.success(request, _("感谢您的评价。"))
            return redirect("tickets:detail", ticket.pk)
        except TicketError as exc:
            form.refuse(exc.field, exc.message)
    context = _filer_context(ticket, **{f"{action}_form": form})
    return page(request, "tickets/detail.html", context, status=400)


def _attachment(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponseBase:
    if attachment_id > MAX_ID:
        raise Http404
    attachment = get_object_or_404(TicketAttachment, pk=attachment_id, ticket_id=pk)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


@never_cache
def attachment(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponseBase:
    _filer_ticket(request, pk)
    return _attachment(request, pk, attachment_id)


# -- staff ------------------------------------------------------------------------------------
def _staff_ticket(request: HttpRequest, pk: int) -> Ticket:
    if pk > MAX_ID:
        raise Http404(_("工单不存在"))
    ticket = get_object_or_404(
        Ticket.objects.select_related(
            "region", "department", "department__region", "case", "item", "filer"
        ),
        pk=pk,
    )
    if not selectors.staff_may_read(request.user, ticket):
        raise Http404(_("工单不存在"))
    return ticket


def _with_warnings(tickets) -> list[tuple[Ticket, str]]:
    return [(t, selectors.warning(t)) for t in tickets]


@never_cache
@staff_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The department's inbox: tickets to sign for and to answer, overdue in red."""
    state = request.GET.get("state", "")
    if state not in ("", *[s for s in TicketState.values]):
        state = ""
    listing = _page(request, selectors.department_inbox(request.user, state=state))
    return page(
        request,
        "tickets/inbox.html",
        {
            "page": listing,
            "rows": _with_warnings(listing.object_list),
            "state": state,
            "states": TicketState.choices,
            "query": f"state={state}" if state else "",
            "dispatcher": bool(selectors.dispatcher_scope(request.user)),
        },
    )


@never_cache
@staff_required
def queue(request: HttpRequest) -> HttpResponse:
    """The dispatcher's queue (分拨) and the tickets to call back and close."""
    if not selectors.dispatcher_scope(request.user):
        return denied(request, _("此页面仅供分拨人员（本区划监察人员）使用。"))
    return page(
        request,
        "tickets/queue.html",
        {
            "queue": _with_warnings(selectors.dispatch_queue(request.user)[:200]),
            "callbacks": _with_warnings(selectors.awaiting_visit(request.user)[:200]),
        },
    )


def _log_personal_data(request: HttpRequest, ticket: Ticket) -> None:
    if ticket.filer_id is not None or ticket.phone:
        PersonalDataAccess.objects.create(
            viewer=request.user,  # type: ignore[misc]  # staff_required: a signed-in account
            subject_id=ticket.filer_id,
            fields="ticket:name,phone(masked),content",
            reason=_("查阅工单 %(number)s") % {"number": ticket.number},
            channel="page:ticket",
        )


def _staff_context(request: HttpRequest, ticket: Ticket, **forms) -> dict:
    user = request.user
    handler = selectors.is_handler(user, ticket)
    dispatcher = selectors.is_dispatcher(user, ticket)
    departments = selectors.departments_for(ticket)
    state = ticket.state
    unreplied = state in (TicketState.ASSIGNED, TicketState.ACCEPTED, TicketState.REOPENED)

    def pick(name, default):
        return forms.get(f"{name}_form") or default

    return {
        "ticket": ticket,
        "events": selectors.events(ticket),
        "attachments": list(ticket.attachments.all()),
        "masked_phone": mask_mobile(ticket.phone),
        "masked_name": mask_name(ticket.name or (ticket.filer and ticket.filer.real_name) or ""),
        "warning": selectors.warning(ticket),
        "staff_view": True,
        "handler": handler,
        "dispatcher": dispatcher,
        "assign_form": pick(
            "assign",
            DepartmentForm(departments=departments)
            if dispatcher and state == TicketState.DISPATCHING
            else None,
        ),
        "accept_form": pick(
            "accept", NoteForm() if handler and state == TicketState.ASSIGNED else None
        ),
        "transfer_form": pick(
            "transfer",
            DepartmentForm(departments=departments.exclude(pk=ticket.department_id or 0))
            if (handler or dispatcher) and unreplied
            else None,
        ),
        "return_form": pick(
            "return",
            ReasonForm()
            if handler
            and not ticket.returned_once
            and state in (TicketState.ASSIGNED, TicketState.ACCEPTED)
            else None,
        ),
        "reply_form": pick(
            "reply",
            ReplyForm()
            if handler and state in (TicketState.ACCEPTED, TicketState.REOPENED)
            else None,
        ),
        "visit_form": pick(
            "visit",
            RateForm()
            if dispatcher and state in (TicketState.REPLIED, TicketState.CONFIRMED)
            else None,
        ),
        "close_form": pick(
            "close", NoteForm() if dispatcher and state == TicketState.VISITED else None
        ),
    }


@never_cache
@staff_required
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _staff_ticket(request, pk)
    _log_personal_data(request, ticket)
    return page(request, "tickets/staff_detail.html", _staff_context(request, ticket))


STAFF_FORMS = {
    "assign": DepartmentForm,
    "accept": NoteForm,
    "transfer": DepartmentForm,
    "return": ReasonForm,
    "reply": ReplyForm,
    "visit": RateForm,
    "close": NoteForm,
}


@require_POST
@staff_required
def staff_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    ticket = _staff_ticket(request, pk)
    form_class = STAFF_FORMS.get(action)
    if form_class is None:
        raise Http404
    if form_class is DepartmentForm:
        form = DepartmentForm(request.POST, departments=selectors.departments_for(ticket))
    else:
        form = form_class(request.POST)
    caller = services.Caller(user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "assign":
                services.assign(caller, ticket, data["department"], data.get("reason", ""))
            elif action == "accept":
                services.accept(caller, ticket)
            elif action == "transfer":
                services.transfer(caller, ticket, data["department"], data.get("reason", ""))
            elif action == "return":
                services.return_ticket(caller, ticket, data["reason"])
            elif action == "reply":
                services.reply(caller, ticket, data["reply"])
            elif action == "visit":
                services.visit(caller, ticket, data["satisfaction"], data.get("note", ""))
            else:
                services.close(caller, ticket, data.get("note", ""))
        except TicketError as exc:
            if exc.status == 403:
                return denied(request, exc.message)
            form.refuse(exc.field, exc.message)
        else:
            messages.success(request, _("已办理。"))
            if selectors.staff_may_read(request.user, Ticket.objects.get(pk=ticket.pk)):
                return redirect("tickets:staff-detail", ticket.pk)
            return redirect("tickets:inbox")
    context = _staff_context(request, ticket, **{f"{action}_form": form})
    return page(request, "tickets/staff_detail.html", context, status=400)


@never_cache
@staff_required
def staff_attachment(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponseBase:
    _staff_ticket(request, pk)
    return _attachment(request, pk, attachment_id)


# -- public -----------------------------------------------------------------------------------
def public(request: HttpRequest) -> HttpResponse:
    department = request.GET.get("department", "")
    department_id = int(department) if department.isdigit() and len(department) < 10 else None
    listing = _page(request, selectors.public_tickets(department_id))
    return page(
        request,
        "tickets/public.html",
        {
            "page": listing,
            "entries": selectors.public_entries(listing.object_list),
            "departments": selectors.public_departments(),
            "department_id": department_id,
            "query": f"department={department_id}" if department_id else "",
            "current": "tickets",
        },
    )
