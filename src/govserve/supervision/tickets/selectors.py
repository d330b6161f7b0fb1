"""Reads of tickets: who sees which, warnings, the public list, and the parts registered with
the supervision registries (overdue tickets, case history, monthly figures).

Who sees what:
- the filer (signed in) their own tickets; an anonymous filer one ticket by number + phone;
- department staff (审查人员/审批负责人 grants: `department_scope`) the tickets their
  department handles (by the department's region);
- dispatchers: supervisors (监察人员) whose grant names no department — every ticket of their
  region (subtree when the grant covers it), the dispatcher queue included; a supervisor whose
  grant names a department sees that department's tickets only and does not dispatch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from govserve.accounts import policies
from govserve.accounts.masking import mask_free_text
from govserve.accounts.models import Role, RoleGrant
from govserve.regions.models import Department, Region
from govserve.supervision.registries import HistoryEntry, MetricRow, OverdueWork
from govserve.supervision.scope import Scope, department_scope, supervisor_scope
from govserve.workcalendar.deadlines import remaining_working_days

from .models import (
    DEFAULT_PUBLIC_KINDS,
    HANDLED_STATES,
    UNREPLIED_STATES,
    Ticket,
    TicketEvent,
    TicketKind,
    TicketKindPolicy,
    TicketState,
)

# States in which a reply is still owed once the clock runs (a returned ticket waits in the
# queue with its deadline still running).
OWING_STATES = (TicketState.DISPATCHING, *UNREPLIED_STATES)
# A ticket is "due soon" (yellow) when at most this many working days remain to reply.
YELLOW_WORKING_DAYS = 1


def time_limit(kind: str) -> int:
    """Working days to reply to a ticket of `kind` (settings TICKET_TIME_LIMITS)."""
    limits = settings.GOVSERVE.get("TICKET_TIME_LIMITS", {})
    return int(limits.get(kind, limits.get("complaint", 13)))


def max_reopens() -> int:
    return int(settings.GOVSERVE.get("TICKET_MAX_REOPENS", 2))


def public_kinds() -> set[str]:
    """The kinds whose handled tickets are listed publicly (TicketKindPolicy; default: all but
    举报)."""
    kinds: set[str] = {str(k) for k in DEFAULT_PUBLIC_KINDS}
    for policy in TicketKindPolicy.objects.all():
        if policy.public:
            kinds.add(policy.kind)
        else:
            kinds.discard(policy.kind)
    return kinds


# -- who may do what --------------------------------------------------------------------------
def dispatcher_scope(user) -> Scope:
    """Supervisor grants that name no department: the dispatchers of those regions."""
    scope = supervisor_scope(user)
    if scope.everything:
        return scope
    return Scope(tuple(g for g in scope.grants if g.department_id is None))


def is_dispatcher(user, ticket: Ticket) -> bool:
    return dispatcher_scope(user).covers(ticket.region)


def is_handler(user, ticket: Ticket) -> bool:
    """Staff of the ticket's responsible department (or a superuser)."""
    if ticket.department_id is None:
        return False
    department = ticket.department
    assert department is not None
    return department_scope(user).covers(department.region, ticket.department_id)


def is_filer(user, ticket: Ticket) -> bool:
    return policies.is_signed_in(user) and ticket.filer_id == user.pk


def staff_may_read(user, ticket: Ticket) -> bool:
    return (
        is_handler(user, ticket)
        or is_dispatcher(user, ticket)
        or supervisor_scope(user).covers(ticket.region, ticket.department_id)
    )


def is_ticket_staff(user) -> bool:
    """Whether `user` handles or dispatches tickets at all (the header link)."""
    return bool(department_scope(user)) or bool(supervisor_scope(user))


# -- lists ------------------------------------------------------------------------------------
def _tickets() -> QuerySet[Ticket]:
    return Ticket.objects.select_related("region", "department")


def staff_tickets(user) -> QuerySet[Ticket]:
    """Every ticket a staff member may read: their department's, and their supervised regions'."""
    handled = department_scope(user).q(region="department__region", department="department")
    supervised = supervisor_scope(user).q(region="region", department="department")
    return _tickets().filter(handled | supervised)


def visible_tickets(user) -> QuerySet[Ticket]:
    """A filer's own tickets and, for staff, those they handle or supervise."""
    if not policies.is_signed_in(user):
        return Ticket.objects.none()
    handled = department_scope(user).q(region="department__region", department="department")
    supervised = supervisor_scope(user).q(region="region", department="department")
    return _tickets().filter(Q(filer=user) | handled | supervised)


def department_inbox(user, *, state: str = "") -> QuerySet[Ticket]:
    """The department's tickets still owing a reply (or in `state`), earliest due first."""
    qs = _tickets().filter(
        department_scope(user).q(region="department__region", department="department")
    )
    qs = qs.filter(state=state) if state else qs.filter(state__in=UNREPLIED_STATES)
    return qs.order_by("due_date", "pk")


def dispatch_queue(user) -> QuerySet[Ticket]:
    """Tickets waiting for a department in the dispatcher's regions (oldest first)."""
    return (
        _tickets()
        .filter(dispatcher_scope(user).q(region="region", department="department"))
        .filter(state=TicketState.DISPATCHING)
        .order_by("created_at", "pk")
    )


def awaiting_visit(user) -> QuerySet[Ticket]:
    """Replied or confirmed tickets the dispatcher may call back (回访) and close."""
    return (
        _tickets()
        .filter(dispatcher_scope(user).q(region="region", department="department"))
        .filter(state__in=(TicketState.REPLIED, TicketState.CONFIRMED, TicketState.VISITED))
        .order_by("replied_at", "pk")
    )


def filer_tickets(user) -> QuerySet[Ticket]:
    if not policies.is_signed_in(user):
        return Ticket.objects.none()
    return _tickets().filter(filer=user)


def follow(number: str, phone: str) -> Ticket | None:
    """An anonymous filer's ticket by its number and the phone given when filing."""
    number, phone = (number or "").strip(), (phone or "").strip()
    if not number or not phone:
        return None
    return _tickets().filter(number=number, phone=phone).first()


def events(ticket: Ticket) -> list[TicketEvent]:
    return list(ticket.events.select_related("from_department", "to_department", "actor"))


def departments_for(ticket_or_region: Ticket | Region) -> QuerySet[Department]:
    """Departments a ticket may go to: those of its region, the regions above and below it."""
    region = ticket_or_region.region if isinstance(ticket_or_region, Ticket) else ticket_or_region
    ancestors = [region.code[: len(p)] for p in ("11", "1111", "111111")]
    return (
        Department.objects.filter(
            Q(region__code__startswith=region.prefix)
            | Q(region__code__in=[a.ljust(12, "0") for a in ancestors])
        )
        .select_related("region")
        .order_by("region__code", "name")
    )


def warning(ticket: Ticket, today: dt.date | None = None) -> str:
    """ "red" past the reply deadline, "yellow" at most YELLOW_WORKING_DAYS before it, else ""."""
    if ticket.state not in OWING_STATES or ticket.due_date is None:
        return ""
    left = remaining_working_days(ticket.due_date, today or timezone.localdate())
    if left < 0:
        return "red"
    return "yellow" if left <= YELLOW_WORKING_DAYS else ""


def public_tickets(department_id: int | None = None) -> QuerySet[Ticket]:
    """Handled tickets of the public kinds that their filer let be shown (anonymised by the
    page: no name, phone, filer or attachment leaves this list)."""
    qs = (
        Ticket.objects.filter(
            state__in=HANDLED_STATES, public=True, kind__in=sorted(public_kinds())
        )
        .exclude(department__isnull=True)
        .select_related("department", "region", "filer", "staff_member")
        .order_by("-replied_at", "-pk")
    )
    if department_id:
        qs = qs.filter(department_id=department_id)
    return qs


def public_departments() -> list[tuple[int, str, int]]:
    rows = (
        public_tickets()
        .values("department_id", "department__name")
        .annotate(n=Count("pk"))
        .order_by("department__name")
    )
    return [(r["department_id"], r["department__name"], r["n"]) for r in rows]


# -- registries -------------------------------------------------------------------------------
def handler_ids(ticket: Ticket) -> frozenset[int]:
    """The department's staff (its reviewer/approver grants) or, for the queue, the region's
    dispatchers (supervisor grants without a department covering it)."""
    now = timezone.now()
    grants = RoleGrant.objects.filter(revoked_at__isnull=True).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=now)
    )
    if ticket.department_id is not None:
        grants = grants.filter(
            role__in=[Role.REVIEWER, Role.APPROVER], department_id=ticket.department_id
        )
        return frozenset(grants.values_list("user_id", flat=True))
    ids = set()
    for grant in grants.filter(role=Role.SUPERVISOR, department__isnull=True).select_related(
        "region"
    ):
        if policies.grant_covers(grant, ticket.region):
            ids.add(grant.user_id)
    return frozenset(ids)


def overdue_tickets(today: dt.date, *, after_id: int = 0, limit: int = 500) -> list[OverdueWork]:
    """Unreplied tickets past their reply deadline (the index on state and due date); a
    returned ticket in the queue is the dispatchers' late work."""
    rows = (
        Ticket.objects.filter(state__in=OWING_STATES, due_date__lt=today, pk__gt=after_id)
        .select_related("region", "department")
        .order_by("pk")[:limit]
    )
    return [
        OverdueWork(
            kind="ticket",
            key=f"ticket:{t.pk}:reply:{t.reopen_count}",
            object_id=t.pk,
            region_id=t.region_id,
            department_id=t.department_id,
            due=t.due_date,
            title=_("工单 %(number)s 答复超期") % {"number": t.number},
            url=reverse("tickets:staff-detail", args=[t.pk]),
            handler_ids=handler_ids(t),
            case_id=t.case_id,
        )
        for t in rows
        if t.due_date is not None
    ]


def case_history(case_id: int) -> list[HistoryEntry]:
    """Tickets about a case, for its timeline: filed, replied, closed."""
    entries = []
    for ticket in Ticket.objects.filter(case_id=case_id).order_by("pk"):
        url = reverse("tickets:staff-detail", args=[ticket.pk])
        kind = ticket.get_kind_display()
        entries.append(
            HistoryEntry(
                at=ticket.created_at,
                kind=str(kind),
                text=_("%(kind)s工单 %(number)s：%(title)s")
                % {"kind": kind, "number": ticket.number, "title": ticket.title},
                url=url,
            )
        )
        if ticket.replied_at:
            entries.append(
                HistoryEntry(
                    at=ticket.replied_at,
                    kind=str(kind),
                    text=_("工单 %(number)s 已答复") % {"number": ticket.number},
                    url=url,
                )
            )
        if ticket.closed_at:
            entries.append(
                HistoryEntry(
                    at=ticket.closed_at,
                    kind=str(kind),
                    text=_("工单 %(number)s 已办结") % {"number": ticket.number},
                    url=url,
                )
            )
    return entries


def _month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = month.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end, dt.time.min, tzinfo=tz),
    )


def _rows(metric: str, qs: QuerySet[Ticket], month: dt.date, total: str = "") -> list[MetricRow]:
    values = qs.values("region_id", "department_id").annotate(n=Count("pk"))
    if total:
        values = values.annotate(t=Sum(total))
    return [
        MetricRow(
            metric=metric,
            month=month,
            region_id=row["region_id"],
            department_id=row["department_id"],
            item_id=None,
            count=row["n"],
            total=float(row.get("t") or 0),
        )
        for row in values.order_by("region_id", "department_id")
    ]


def metric_rows(month: dt.date) -> Iterable[MetricRow]:
    """Per month, region and department:
    - tickets.count (filed that month; and tickets.count.<kind>);
    - tickets.replied / tickets.replied_on_time (first replied that month; on time = the
      last reply by its due date);
    - tickets.reopened (tickets reopened that month);
    - tickets.satisfied (visited that month: count = rated, total = ratings 4–5 — the
      satisfaction rate is total / count);
    - tickets.satisfaction (visited that month: total = sum of the 1–5 ratings)."""
    month = month.replace(day=1)
    start, end = _month_bounds(month)
    tickets = Ticket.objects.all()
    filed = tickets.filter(created_at__gte=start, created_at__lt=end)
    rows = _rows("tickets.count", filed, month)
    for kind in TicketKind.values:
        rows += _rows(f"tickets.count.{kind}", filed.filter(kind=kind), month)
    replied = tickets.filter(first_replied_at__gte=start, first_replied_at__lt=end)
    rows += _rows("tickets.replied", replied, month)
    rows += _rows("tickets.replied_on_time", replied.filter(replied_on_time=True), month)
    reopen_ids = TicketEvent.objects.filter(
        action=TicketEvent.Action.REOPENED, at__gte=start, at__lt=end
    ).values("ticket_id")
    reopened = tickets.filter(pk__in=reopen_ids)
    rows += _rows("tickets.reopened", reopened, month)
    visit_ids = TicketEvent.objects.filter(
        action=TicketEvent.Action.VISITED, at__gte=start, at__lt=end
    ).values("ticket_id")
    visited = tickets.filter(pk__in=visit_ids, satisfaction__isnull=False)
    satisfied = {
        (r.region_id, r.department_id): r.count
        for r in _rows("x", visited.filter(satisfaction__gte=4), month)
    }
    for row in _rows("tickets.satisfied", visited, month, total="satisfaction"):
        rows.append(
            MetricRow(
                metric="tickets.satisfied",
                month=month,
                region_id=row.region_id,
                department_id=row.department_id,
                item_id=None,
                count=row.count,
                total=float(satisfied.get((row.region_id, row.department_id), 0)),
            )
        )
        rows.append(
            MetricRow(
                metric="tickets.satisfaction",
                month=month,
                region_id=row.region_id,
                department_id=row.department_id,
                item_id=None,
                count=row.count,
                total=row.total,
            )
        )
    return rows


# -- the public list: no name, phone, ID number, case number or staff member ------------------
def anonymise(text: str, ticket: Ticket) -> str:
    """`text` with ID, mobile, landline and long numbers (case numbers) and the names of the
    filer and the staff member masked (accounts.masking.mask_free_text)."""
    names = {ticket.name}
    if ticket.filer is not None:
        names |= {ticket.filer.real_name, ticket.filer.username}
    if ticket.staff_member is not None:
        names |= {ticket.staff_member.real_name, ticket.staff_member.username}
    return mask_free_text(text, names)


@dataclass(frozen=True)
class PublicTicket:
    kind: str
    department: str
    title: str
    content: str
    reply: str
    created_on: dt.date
    replied_on: dt.date | None
    satisfaction: int | None


def public_entries(tickets: Iterable[Ticket]) -> list[PublicTicket]:
    return [
        PublicTicket(
            kind=str(t.get_kind_display()),
            department=t.department.name if t.department else "",
            title=anonymise(t.title, t),
            content=anonymise(t.content, t),
            reply=anonymise(t.reply, t),
            created_on=timezone.localdate(t.created_at),
            replied_on=timezone.localdate(t.replied_at) if t.replied_at else None,
            satisfaction=t.satisfaction,
        )
        for t in tickets
    ]
