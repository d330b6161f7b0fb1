"""Every write on tickets, one transaction each; refusals are `TicketError` (field, message,
status). Who acts is a `Caller`: a signed-in account, a client system (the 12345 hotline with a
client-credentials token, no person behind it), or an anonymous filer who proved the ticket's
number and phone.

Rules (docs/supervision.md, section tickets):
- filing: signed in, or anonymously with a mobile number; auto-dispatched to the case's
  department or the item's department, else into the region's dispatcher queue;
- the reply deadline is counted in working days (TICKET_TIME_LIMITS per kind) from the day
  the ticket first reaches a department, and again from a reopening;
- dispatchers (supervisors whose grant names no department) assign from the queue, transfer,
  call back (回访) and close; the department signs (签收), transfers, returns a misdirected
  ticket once with a reason, and replies; the filer (or the hotline for the caller) confirms
  or asks again (重办, at most TICKET_MAX_REOPENS times) and rates 1–5.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govserve.accounts import policies
from govserve.accounts.validators import validate_mobile
from govserve.cases.models import Case
from govserve.cases.notifications import notify
from govserve.cases.uploads import check_upload
from govserve.catalog.models import ImplementationItem
from govserve.core.serials import take_next
from govserve.regions.models import Department, Region, ServiceHall
from govserve.workcalendar.deadlines import add_working_days

from . import selectors
from .errors import TicketError
from .models import (
    CONTENT_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    Ticket,
    TicketAttachment,
    TicketChannel,
    TicketEvent,
    TicketKind,
    TicketState,
)

MAX_ATTACHMENTS = 5
TITLE_MAX_LENGTH = 100
Action = TicketEvent.Action


@dataclass(frozen=True)
class Caller:
    """Who acts: `user` (a signed-in account), `application` (a client system acting alone),
    or `phone` (an anonymous filer who gave the ticket's number and phone)."""

    user: Any = None
    application: Any = None
    phone: str = ""

    @property
    def signed_in(self) -> bool:
        return policies.is_signed_in(self.user)

    @property
    def hotline(self) -> bool:
        return self.application is not None and not self.signed_in

    @property
    def label(self) -> str:
        if self.signed_in:
            return str(self.user)[:100]
        if self.application is not None:
            return str(self.application.name)[:100]
        return _("匿名反映人")

    def owner_key(self) -> str:
        if self.signed_in:
            return f"user:{self.user.pk}"
        if self.application is not None:
            return f"app:{self.application.pk}"
        return f"phone:{self.phone}"


def _today():
    return timezone.localdate()


def _event(ticket: Ticket, caller: Caller, action: str, **fields) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket,
        action=action,
        actor=caller.user if caller.signed_in else None,
        actor_label=caller.label,
        **fields,
    )


def _forbidden(message: str) -> TicketError:
    return TicketError("ticket", message, status=403)


def _state(ticket: Ticket, *allowed: str) -> None:
    if ticket.state not in allowed:
        raise TicketError(
            "state",
            _("工单当前状态为“%(state)s”，不能办理此操作") % {"state": ticket.get_state_display()},
            status=409,
        )


def _text(field: str, value: str, *, required: bool = True, limit: int = TEXT_MAX_LENGTH) -> str:
    value = (value or "").strip()
    if required and not value:
        raise TicketError(field, _("此项不能为空"))
    if len(value) > limit:
        raise TicketError(field, _("不能超过 %(n)d 个字") % {"n": limit})
    return value


def _lock(ticket: Ticket) -> Ticket:
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("region", "department", "department__region")
        .get(pk=ticket.pk)
    )


def _notify_handlers(ticket: Ticket, subject: str) -> None:
    for user_id in sorted(selectors.handler_ids(ticket))[:50]:
        notify(
            user_id,
            subject,
            _("工单 %(number)s：%(title)s")
            % {
                "number": ticket.number,
                "title": ticket.title,
            },
        )


def _start_clock(ticket: Ticket) -> None:
    """First dispatch to a department: the reply deadline starts (not again on a transfer)."""
    if ticket.due_date is None:
        today = _today()
        ticket.dispatched_on = today
        ticket.due_date = add_working_days(today, selectors.time_limit(ticket.kind)).due


# -- filing -----------------------------------------------------------------------------------
def _region_of(
    region: Region | None,
    case: Case | None,
    item: ImplementationItem | None,
    hall: ServiceHall | None,
    about_department: Department | None,
) -> Region:
    for source in (case, item, hall, about_department):
        if source is not None:
            return source.region
    if region is None:
        raise TicketError("region", _("请选择所属区划"))
    return region


def _request_hash(**request) -> str:
    return hashlib.sha256(
        json.dumps(request, sort_keys=True, default=str, ensure_ascii=False).encode()
    ).hexdigest()


def _checked_uploads(uploads: Iterable[Any]) -> list:
    uploads = list(uploads)
    if len(uploads) > MAX_ATTACHMENTS:
        raise TicketError("attachments", _("附件不能超过 %(n)d 个") % {"n": MAX_ATTACHMENTS})
    checked = []
    for upload in uploads:
        try:
            checked.append(check_upload(upload, field="attachments"))
        except ValidationError as exc:
            raise TicketError("attachments", f"{upload.name}：{' '.join(exc.messages)}") from None
    return checked


def file_ticket(
    caller: Caller,
    *,
    kind: str,
    title: str,
    content: str,
    region: Region | None = None,
    phone: str = "",
    name: str = "",
    case: Case | None = None,
    item: ImplementationItem | None = None,
    about_department: Department | None = None,
    hall: ServiceHall | None = None,
    staff_member=None,
    public: bool = True,
    uploads: Iterable[Any] = (),
    channel: str = "",
    idempotency_key: str | None = None,
) -> tuple[Ticket, bool]:
    """File a ticket; returns (ticket, created). The same idempotency key from the same caller
    returns the first ticket; the key reused for a different request is refused (409)."""
    if kind not in TicketKind.values:
        raise TicketError("kind", _("请选择类型：咨询、建议、投诉或举报"))
    title = _text("title", title, limit=TITLE_MAX_LENGTH)
    content = _text("content", content, limit=CONTENT_MAX_LENGTH)
    name = _text("name", name, required=False, limit=50)
    phone = (phone or "").strip()
    if phone:
        try:
            phone = validate_mobile(phone)
        except ValidationError as exc:
            raise TicketError("phone", " ".join(exc.messages)) from None
    elif caller.signed_in:
        phone = getattr(caller.user, "mobile", "") or ""
    else:
        raise TicketError("phone", _("匿名反映请填写手机号码，用于查询进度和回访"))
    if (
        case is not None
        and not caller.hotline
        and not (caller.signed_in and case.applicant_id == caller.user.pk)
    ):
        raise TicketError("case", _("只能就本人的办件提出反映"), status=403)
    if staff_member is not None and getattr(staff_member, "account_type", "") != "staff":
        raise TicketError("staff_member", _("所选人员不是工作人员"))
    region = _region_of(region, case, item, hall, about_department)
    channel = channel or (TicketChannel.HOTLINE if caller.hotline else TicketChannel.WEB)
    uploads = list(uploads)
    owner = caller.owner_key()
    key = (idempotency_key or "").strip()
    if len(key) > 100:
        raise TicketError("idempotency_key", _("幂等键不能超过 100 个字符"))
    digest = _request_hash(
        kind=kind,
        title=title,
        content=content,
        phone=phone,
        name=name,
        region=region.pk,
        case=case and case.pk,
        item=item and item.pk,
        about_department=about_department and about_department.pk,
        hall=hall and hall.pk,
        staff_member=staff_member and staff_member.pk,
        uploads=[getattr(u, "name", "") for u in uploads],
    )
    if key:
        earlier = Ticket.objects.filter(idempotency_owner=owner, idempotency_key=key).first()
        if earlier is not None:
            return _replay(earlier, digest), False
    checked = _checked_uploads(uploads)
    try:
        with transaction.atomic():
            ticket = _create(
                caller,
                kind=kind,
                title=title,
                content=content,
                region=region,
                phone=phone,
                name=name,
                case=case,
                item=item,
                about_department=about_department,
                hall=hall,
                staff_member=staff_member,
                public=public,
                channel=channel,
                owner=owner if key else "",
                key=key,
                digest=digest,
                checked=checked,
            )
    except IntegrityError:
        earlier = (
            Ticket.objects.filter(idempotency_owner=owner, idempotency_key=key).first()
            if key
            else None
        )
        if earlier is None:
            raise
        return _replay(earlier, digest), False
    return ticket, True


def _replay(earlier: Ticket, digest: str) -> Ticket:
    if earlier.request_hash != digest:
        raise TicketError("idempotency_key", _("该幂等键已用于另一份不同的反映"), status=409)
    return earlier


def _create(caller: Caller, *, owner, key, digest, checked, **fields) -> Ticket:
    region: Region = fields["region"]
    year = _today().year
    serial = take_next("ticket", region.code[:6], year)
    ticket = Ticket(
        number=f"{year}{region.code[:6]}{serial:06d}",
        filer=caller.user if caller.signed_in else None,
        client_id=caller.application.client_id if caller.application is not None else "",
        client_name=caller.application.name if caller.application is not None else "",
        idempotency_owner=owner,
        idempotency_key=key,
        request_hash=digest,
        **fields,
    )
    case, item = fields["case"], fields["item"]
    responsible = (case.department if case else None) or (item.department if item else None)
    if responsible is not None:
        ticket.department = responsible
        ticket.state = TicketState.ASSIGNED
        _start_clock(ticket)
    ticket.save()
    _event(ticket, caller, Action.FILED, text=ticket.content)
    for f in checked:
        attachment = TicketAttachment(
            ticket=ticket,
            original_name=f.name,
            content_type=f.content_type,
            size=f.size,
            sha256=f.sha256,
        )
        attachment.file.save(f.name, ContentFile(f.content), save=False)
        attachment.save()
    if responsible is not None:
        TicketEvent.objects.create(
            ticket=ticket,
            action=Action.ASSIGNED,
            actor_label=_("系统自动派单"),
            to_department=responsible,
            reason=_("按相关办件或事项的承办部门派单"),
        )
        _notify_handlers(ticket, _("新工单待签收"))
    else:
        TicketEvent.objects.create(
            ticket=ticket, action=Action.QUEUED, actor_label=_("系统"), text=""
        )
        _notify_handlers(ticket, _("新工单待分拨"))
    return ticket


# -- dispatcher and department ----------------------------------------------------------------
def _check_department(ticket: Ticket, department: Department) -> None:
    if not selectors.departments_for(ticket).filter(pk=department.pk).exists():
        raise TicketError("department", _("所选部门不在本工单所属区划的上下级范围内"))


@transaction.atomic
def assign(caller: Caller, ticket: Ticket, department: Department, note: str = "") -> Ticket:
    """A dispatcher sends a queued ticket to a department."""
    ticket = _lock(ticket)
    if not selectors.is_dispatcher(caller.user, ticket):
        raise _forbidden(_("只有本区划的分拨人员（监察人员）可以派单"))
    _state(ticket, TicketState.DISPATCHING)
    _check_department(ticket, department)
    note = _text("note", note, required=False)
    ticket.department = department
    ticket.state = TicketState.ASSIGNED
    _start_clock(ticket)
    ticket.save()
    _event(ticket, caller, Action.ASSIGNED, to_department=department, reason=note)
    _notify_handlers(ticket, _("新工单待签收"))
    return ticket


@transaction.atomic
def accept(caller: Caller, ticket: Ticket) -> Ticket:
    """The department signs for the ticket (签收)."""
    ticket = _lock(ticket)
    if not selectors.is_handler(caller.user, ticket):
        raise _forbidden(_("只有承办部门的工作人员可以签收"))
    _state(ticket, TicketState.ASSIGNED)
    ticket.state = TicketState.ACCEPTED
    ticket.save()
    _event(ticket, caller, Action.ACCEPTED, to_department=ticket.department)
    return ticket


@transaction.atomic
def transfer(caller: Caller, ticket: Ticket, department: Department, reason: str) -> Ticket:
    """The department (or a dispatcher) passes the ticket to another department; the reply
    deadline keeps running."""
    ticket = _lock(ticket)
    if not (
        selectors.is_handler(caller.user, ticket) or selectors.is_dispatcher(caller.user, ticket)
    ):
        raise _forbidden(_("只有承办部门或分拨人员可以转办"))
    _state(ticket, TicketState.ASSIGNED, TicketState.ACCEPTED, TicketState.REOPENED)
    reason = _text("reason", reason)
    if department.pk == ticket.department_id:
        raise TicketError("department", _("请选择另一个部门"))
    _check_department(ticket, department)
    before = ticket.department
    ticket.department = department
    ticket.state = TicketState.ASSIGNED
    ticket.save()
    _event(
        ticket,
        caller,
        Action.TRANSFERRED,
        from_department=before,
        to_department=department,
        reason=reason,
    )
    _notify_handlers(ticket, _("转办工单待签收"))
    return ticket


@transaction.atomic
def return_ticket(caller: Caller, ticket: Ticket, reason: str) -> Ticket:
    """The department returns a misdirected ticket to the dispatcher queue — once per ticket."""
    ticket = _lock(ticket)
    if not selectors.is_handler(caller.user, ticket):
        raise _forbidden(_("只有承办部门的工作人员可以退回"))
    _state(ticket, TicketState.ASSIGNED, TicketState.ACCEPTED)
    reason = _text("reason", reason)
    if ticket.returned_once:
        raise TicketError(
            "reason", _("本工单已退回过一次，不能再次退回；如确非本部门职责请申请转办"), status=409
        )
    before = ticket.department
    ticket.department = None
    ticket.state = TicketState.DISPATCHING
    ticket.returned_once = True
    ticket.save()
    _event(ticket, caller, Action.RETURNED, from_department=before, reason=reason)
    _notify_handlers(ticket, _("退回工单待重新分拨"))
    return ticket


@transaction.atomic
def reply(caller: Caller, ticket: Ticket, text: str) -> Ticket:
    """The department answers (答复); on time when by the reply deadline."""
    ticket = _lock(ticket)
    if not selectors.is_handler(caller.user, ticket):
        raise _forbidden(_("只有承办部门的工作人员可以答复"))
    if ticket.state == TicketState.ASSIGNED:
        raise TicketError("state", _("请先签收工单再答复"), status=409)
    _state(ticket, TicketState.ACCEPTED, TicketState.REOPENED)
    text = _text("reply", text, limit=CONTENT_MAX_LENGTH)
    now = timezone.now()
    ticket.reply = text
    ticket.replied_at = now
    ticket.first_replied_at = ticket.first_replied_at or now
    ticket.replied_on_time = ticket.due_date is None or timezone.localdate(now) <= ticket.due_date
    ticket.state = TicketState.REPLIED
    ticket.save()
    _event(ticket, caller, Action.REPLIED, from_department=ticket.department, text=text)
    if ticket.filer_id:
        notify(
            ticket.filer_id,
            _("您的反映已答复"),
            _("工单 %(number)s（%(title)s）已答复，请查看并确认或申请重办。")
            % {"number": ticket.number, "title": ticket.title},
        )
    return ticket


# -- the filer (or the hotline for the caller) ------------------------------------------------
def _filer_or_hotline(caller: Caller, ticket: Ticket) -> None:
    if caller.hotline:
        return
    if caller.signed_in and ticket.filer_id == caller.user.pk:
        return
    if (
        not caller.signed_in
        and ticket.filer_id is None
        and caller.phone
        and caller.phone == ticket.phone
    ):
        return
    raise _forbidden(_("只有反映人本人可以办理此操作"))


@transaction.atomic
def confirm(caller: Caller, ticket: Ticket, note: str = "") -> Ticket:
    ticket = _lock(ticket)
    _filer_or_hotline(caller, ticket)
    _state(ticket, TicketState.REPLIED)
    ticket.state = TicketState.CONFIRMED
    ticket.save()
    _event(ticket, caller, Action.CONFIRMED, text=_text("note", note, required=False))
    return ticket


@transaction.atomic
def reopen(caller: Caller, ticket: Ticket, reason: str) -> Ticket:
    """重办: back to the department with a new reply deadline, at most TICKET_MAX_REOPENS."""
    ticket = _lock(ticket)
    _filer_or_hotline(caller, ticket)
    _state(ticket, TicketState.REPLIED)
    reason = _text("reason", reason)
    limit = selectors.max_reopens()
    if ticket.reopen_count >= limit:
        raise TicketError(
            "reason",
            _("本工单已重办 %(n)d 次，已达上限，不能再申请重办") % {"n": limit},
            status=409,
        )
    ticket.reopen_count += 1
    ticket.state = TicketState.REOPENED
    ticket.due_date = add_working_days(_today(), selectors.time_limit(ticket.kind)).due
    ticket.replied_on_time = None
    ticket.save()
    _event(ticket, caller, Action.REOPENED, to_department=ticket.department, reason=reason)
    _notify_handlers(ticket, _("工单申请重办"))
    return ticket


@transaction.atomic
def visit(caller: Caller, ticket: Ticket, satisfaction: int, note: str = "") -> Ticket:
    """回访 and rating (1 非常不满意 … 5 非常满意): by the filer, a dispatcher or the hotline."""
    ticket = _lock(ticket)
    if not selectors.is_dispatcher(caller.user, ticket):
        _filer_or_hotline(caller, ticket)
    _state(ticket, TicketState.REPLIED, TicketState.CONFIRMED)
    try:
        satisfaction = int(satisfaction)
    except (TypeError, ValueError):
        satisfaction = 0
    if not 1 <= satisfaction <= 5:
        raise TicketError("satisfaction", _("请选择 1 到 5 级满意度"))
    ticket.satisfaction = satisfaction
    ticket.visit_note = _text("note", note, required=False)
    ticket.state = TicketState.VISITED
    ticket.save()
    _event(
        ticket,
        caller,
        Action.VISITED,
        text=f"{satisfaction}/5" + (f" {ticket.visit_note}" if ticket.visit_note else ""),
    )
    return ticket


@transaction.atomic
def close(caller: Caller, ticket: Ticket, note: str = "") -> Ticket:
    ticket = _lock(ticket)
    if not (selectors.is_dispatcher(caller.user, ticket) or caller.hotline):
        raise _forbidden(_("只有分拨人员或 12345 热线可以办结工单"))
    _state(ticket, TicketState.VISITED)
    ticket.state = TicketState.CLOSED
    ticket.closed_at = timezone.now()
    ticket.save()
    _event(ticket, caller, Action.CLOSED, text=_text("note", note, required=False))
    return ticket


@transaction.atomic
def add_note(caller: Caller, ticket: Ticket, text: str) -> Ticket:
    """The hotline adds what a caller said later (热线补充)."""
    ticket = _lock(ticket)
    if not caller.hotline:
        _filer_or_hotline(caller, ticket)
    if ticket.state == TicketState.CLOSED:
        raise TicketError("state", _("工单已办结"), status=409)
    _event(ticket, caller, Action.UPDATED, text=_text("text", text, limit=CONTENT_MAX_LENGTH))
    return ticket
