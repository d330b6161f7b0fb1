"""The supervisor's workbench (电子监察): the open cases of a supervisor's scope, what is late.

Categories (one case may be in several):

- **yellow** (预警): clock running, current deadline within `YELLOW_WORKING_DAYS` working days;
- **red** (超期): clock running, current deadline before today;
- **stopped** (暂停超时): clock stopped (Art 45) for longer than its reason allows
  (`SUSPENSION_LIMITS`);
- **acceptance_late** (受理超期): waiting for acceptance after the 5 working days (Art 32);
- **deemed** (视为受理): accepted by law because acceptance was missed, still open;
- **undelivered** (待送达): decided, not yet delivered; **delivery_late**: past the 10 days.

Every list is an index range scan: the running categories filter exactly on the condition of
the partial indexes `case_running_region_due` / `case_running_dept_due` (`RUNNING`), one
ordered scan per region (or department) of the scope that stops after the page, merged by
due date (`_merged_page`: one LATERAL statement on PostgreSQL); the others use
`case_region_due` / `case_dept_due` (region or department, state, current_due). Counts are one
GROUP BY query each.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govserve.cases.models import (
    OPEN_STATES,
    RUNNING_STATES,
    Case,
    CaseState,
    ClockSuspension,
    SuspensionReason,
)
from govserve.cases.warnings import YELLOW_WORKING_DAYS
from govserve.catalog.models import Bundle, ImplementationItem
from govserve.regions.models import Department, Region
from govserve.workcalendar.deadlines import add_working_days, working_days_between
from govserve.workflow.models import Task

from . import registries
from .scope import Scope

PAGE_SIZE = 50

# Exactly the condition of the partial indexes (cases/models/case.py), so the planner uses them.
RUNNING = Q(state__in=[str(s) for s in RUNNING_STATES], clock_stopped=False)


class Category:
    OPEN = "open"
    YELLOW = "yellow"
    RED = "red"
    STOPPED = "stopped"
    ACCEPTANCE_LATE = "acceptance_late"
    DEEMED = "deemed"
    UNDELIVERED = "undelivered"
    DELIVERY_LATE = "delivery_late"


CATEGORY_LABELS = {
    Category.OPEN: _("在办"),
    Category.YELLOW: _("即将到期（黄牌预警）"),
    Category.RED: _("已超期（红牌）"),
    Category.STOPPED: _("暂停计时超时"),
    Category.ACCEPTANCE_LATE: _("受理超期"),
    Category.DEEMED: _("逾期视为受理"),
    Category.UNDELIVERED: _("已决定待送达"),
    Category.DELIVERY_LATE: _("送达超期"),
}
CATEGORIES = list(CATEGORY_LABELS)


# -- how long a clock may stand still (Art 45) ------------------------------------------------
@dataclass(frozen=True)
class SuspensionLimit:
    """The longest a suspension for a reason may last, in working days counted from its first
    day (None: only what the written notice to the applicant says, `expected_end`)."""

    working_days: int | None
    basis: str


SUSPENSION_LIMITS: dict[str, SuspensionLimit] = {
    SuspensionReason.HEARING: SuspensionLimit(
        25, str(_("《行政许可法》第四十七条、第四十八条：告知后5日内申请听证，20日内组织听证"))
    ),
    SuspensionReason.TENDERING: SuspensionLimit(None, str(_("第四十五条：招标所需时间书面告知"))),
    SuspensionReason.AUCTION: SuspensionLimit(None, str(_("第四十五条：拍卖所需时间书面告知"))),
    SuspensionReason.INSPECTION: SuspensionLimit(
        None, str(_("第四十五条：现场检查所需时间书面告知"))
    ),
    SuspensionReason.TESTING: SuspensionLimit(
        None, str(_("第四十五条：检验检测所需时间书面告知（按事项或告知书）"))
    ),
    SuspensionReason.QUARANTINE: SuspensionLimit(None, str(_("第四十五条：检疫所需时间书面告知"))),
    SuspensionReason.APPRAISAL: SuspensionLimit(None, str(_("第四十五条：鉴定所需时间书面告知"))),
    SuspensionReason.EXPERT_REVIEW: SuspensionLimit(
        None, str(_("第四十五条：专家评审所需时间书面告知（按事项或告知书）"))
    ),
}
# Whatever the notice says, no suspension runs longer than this unchallenged (configurable:
# settings.GOVSERVE["SUPERVISION_SUSPENSION_MAX_WORKING_DAYS"]).
DEFAULT_SUSPENSION_MAX_WORKING_DAYS = 60


def suspension_limit(reason: str) -> int:
    """Working days a suspension for `reason` may last at most (statutory, else the default)."""
    limit = SUSPENSION_LIMITS.get(reason)
    default = settings.GOVSERVE.get(
        "SUPERVISION_SUSPENSION_MAX_WORKING_DAYS", DEFAULT_SUSPENSION_MAX_WORKING_DAYS
    )
    if limit is None or limit.working_days is None:
        return int(default)
    return min(limit.working_days, int(default))


def stopped_days(starts_on: dt.date, today: dt.date) -> int:
    """Working days the clock has stood still: S ≤ d ≤ today (DOMAIN §2, Art 45)."""
    return max(0, working_days_between(starts_on - dt.timedelta(days=1), today))


def _latest_start_over(days: int, today: dt.date) -> dt.date:
    """The latest first day S whose suspension has lasted more than `days` working days by
    `today` (every start on or before S has)."""
    lo, hi = today - dt.timedelta(days=3 * days + 60), today  # lo is over, hi is not
    while hi - lo > dt.timedelta(days=1):
        mid = lo + (hi - lo) / 2
        if stopped_days(mid, today) > days:
            lo = mid
        else:
            hi = mid
    return lo


def suspension_too_long(today: dt.date) -> Q:
    """Open suspensions past their allowed end: the notice's expected end, or the reason's
    limit in working days (`SUSPENSION_LIMITS`), whichever comes first."""
    q = Q(expected_end__lt=today)
    for reason in SuspensionReason.values:
        q |= Q(reason=reason, starts_on__lte=_latest_start_over(suspension_limit(reason), today))
    return Q(ends_on__isnull=True) & q


def allowed_end(suspension: ClockSuspension) -> dt.date:
    """The last day the suspension may run (for display)."""
    legal = add_working_days(suspension.starts_on, suspension_limit(suspension.reason)).due
    return min(legal - dt.timedelta(days=1), suspension.expected_end)


# -- filters -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Filters:
    category: str = Category.OPEN
    stage: str = ""
    level: int | None = None  # the department's 行使层级
    department: int | None = None
    item: int | None = None
    region: Region | None = None  # within the scope
    channel: str = ""
    due_from: dt.date | None = None
    due_to: dt.date | None = None
    text: str = ""  # part of the number or the title

    def as_query(self) -> dict[str, str]:
        """The filters as query parameters (for links and the export)."""
        values: dict[str, Any] = {
            "category": "" if self.category == Category.OPEN else self.category,
            "stage": self.stage,
            "level": self.level,
            "department": self.department,
            "item": self.item,
            "region": self.region.code if self.region else "",
            "channel": self.channel,
            "due_from": self.due_from.isoformat() if self.due_from else "",
            "due_to": self.due_to.isoformat() if self.due_to else "",
            "q": self.text,
        }
        return {k: str(v) for k, v in values.items() if v not in (None, "")}


def yellow_until(today: dt.date) -> dt.date:
    return add_working_days(today, YELLOW_WORKING_DAYS).due


def category_q(category: str, today: dt.date) -> Q:
    """Which open cases are in `category` (on the indexed columns)."""
    if category == Category.RED:
        return RUNNING & Q(current_due__lt=today)
    if category == Category.YELLOW:
        return RUNNING & Q(current_due__gte=today, current_due__lte=yellow_until(today))
    # One state: the (region | department, state, current_due) indexes give the range in due
    # order. A clock stops only under review (Art 45), so these need no clock condition.
    if category == Category.ACCEPTANCE_LATE:
        return Q(state=CaseState.SUBMITTED, current_due__lt=today)
    if category == Category.DELIVERY_LATE:
        return Q(state=CaseState.DECIDED, current_due__lt=today)
    if category == Category.UNDELIVERED:
        return Q(state=CaseState.DECIDED)
    if category == Category.DEEMED:
        return Q(state__in=OPEN_STATES, deemed_accepted=True)
    if category == Category.STOPPED:
        late = ClockSuspension.objects.filter(suspension_too_long(today), case=OuterRef("pk"))
        return Q(state__in=OPEN_STATES, clock_stopped=True) & Q(Exists(late))
    return Q(state__in=OPEN_STATES)


def _other_filters(filters: Filters) -> Q:
    q = Q()
    if filters.stage:
        q &= Q(state=filters.stage)
    if filters.level:
        q &= Q(department__level=filters.level)
    if filters.department:
        q &= Q(department_id=filters.department)
    if filters.item:
        q &= Q(item_id=filters.item)
    if filters.channel:
        q &= Q(channel=filters.channel)
    if filters.due_from:
        q &= Q(current_due__gte=filters.due_from)
    if filters.due_to:
        q &= Q(current_due__lte=filters.due_to)
    if filters.text:
        q &= Q(number__icontains=filters.text) | Q(title__icontains=filters.text)
    return q


# -- the scope as index keys -----------------------------------------------------------------
@dataclass(frozen=True)
class Keys:
    """The scope as index range keys: one Q per region or department of the scope (each an
    equality on the leading column of an index), or `everything`."""

    parts: tuple[Q, ...] = ()
    everything: bool = False

    def q(self) -> Q:
        if self.everything:
            return Q()
        q = Q(pk__in=[])
        for part in self.parts:
            q |= part
        return q


def _region_ids(prefix: str) -> list[int]:
    """Regions under `prefix` where cases can be (those with items or bundles), not every town;
    one query."""
    with_items = ImplementationItem.objects.filter(region__code__startswith=prefix)
    with_bundles = Bundle.objects.filter(region__code__startswith=prefix)
    ids = (
        with_items.order_by()
        .values_list("region_id", flat=True)
        .distinct()
        .union(with_bundles.order_by().values_list("region_id", flat=True).distinct())
    )
    return sorted(set(ids))


def scope_keys(scope: Scope, region: Region | None = None) -> Keys:
    """The scope (narrowed to `region` and its subtree, if given) as index keys."""
    if scope.everything and region is None:
        return Keys(everything=True)
    if scope.everything:
        assert region is not None
        return Keys(tuple(Q(region_id=pk) for pk in _region_ids(region.prefix)))
    parts: list[Q] = []
    for grant in scope.grants:
        if grant.covers_subtree:
            prefix = grant.region.prefix
            if region is not None:
                if region.code.startswith(prefix):  # the filter lies inside the grant
                    prefix = region.prefix
                elif not grant.region.code.startswith(region.prefix):
                    continue
            region_ids = _region_ids(prefix)
        else:
            if region is not None and not grant.region.code.startswith(region.prefix):
                continue
            region_ids = [grant.region_id]
        if grant.department_id is not None:
            if region_ids:
                parts.append(Q(department_id=grant.department_id, region_id__in=region_ids))
        else:
            parts.extend(Q(region_id=pk) for pk in region_ids)
    unique: dict[str, Q] = {str(p): p for p in parts}
    return Keys(tuple(unique.values()))


def covers_region(scope: Scope, region: Region) -> bool:
    """Whether `region` lies (at least partly) inside the scope: a filter may name it."""
    if scope.everything:
        return True
    for grant in scope.grants:
        if grant.covers_subtree and region.code.startswith(grant.region.prefix):
            return True
        if grant.region_id == region.pk:
            return True
    return False


# -- lists -----------------------------------------------------------------------------------
@dataclass
class CaseRow:
    case: Case
    remaining: int | None  # working days left (negative: overdue), None without a deadline
    colour: str  # "red", "yellow", "" (running, not late) or "stopped"

    @property
    def days_overdue(self) -> int:
        """Working days past the deadline (0 when not late, or late since a rest day)."""
        return max(0, -(self.remaining or 0))


@dataclass
class CasePage:
    rows: list[CaseRow]
    number: int
    has_next: bool
    size: int = PAGE_SIZE
    filters: Filters = field(default_factory=Filters)

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def _where(scope_q: Q, filters: Filters, today: dt.date) -> Q:
    return scope_q & category_q(filters.category, today) & _other_filters(filters)


def filtered_cases(scope: Scope, filters: Filters, today: dt.date | None = None) -> QuerySet[Case]:
    """All cases of the list (for exports and counts), ordered by due date."""
    today = today or timezone.localdate()
    keys = scope_keys(scope, filters.region)
    return (
        Case.objects.filter(_where(keys.q(), filters, today))
        .select_related("item", "department", "region")
        .order_by("current_due", "pk")
    )


def _merged_page(keys: Keys, where: Q, offset: int, limit: int) -> list[int]:
    """Ids of rows offset … offset+limit by (current_due, id): one ordered range scan per key,
    each stopping after offset+limit rows, merged — in one UNION ALL query on PostgreSQL, in
    Python elsewhere (SQLite cannot order the parts of a compound query). NULL due dates come
    last, as PostgreSQL orders them."""
    if keys.everything or len(keys.parts) <= 1:
        qs = Case.objects.filter(keys.q() & where).order_by("current_due", "pk")
        return list(qs.values_list("pk", flat=True)[offset : offset + limit])
    parts = [
        Case.objects.filter(part & where)
        .order_by("current_due", "pk")
        .values_list("current_due", "pk")[: offset + limit]
        for part in keys.parts
    ]
    region_ids = [_region_key(part) for part in keys.parts]
    if connection.vendor == "postgresql" and None not in region_ids:
        return _lateral_page(region_ids, where, offset, limit)  # type: ignore[arg-type]
    if connection.features.supports_slicing_ordering_in_compound:
        union = parts[0].union(*parts[1:], all=True).order_by("current_due", "pk")
        return [pk for _due, pk in union[offset : offset + limit]]
    far = dt.date.max
    streams = [[(due or far, pk) for due, pk in part] for part in parts]
    merged = heapq.merge(*streams)
    return [pk for _due, pk in list(merged)[offset : offset + limit]]


# What a list row shows (pages, API): building 50 whole cases with three wide related models
# costs more than the query itself (docs/performance.md).
LIST_FIELDS = (
    "number",
    "title",
    "state",
    "channel",
    "item_id",
    "organisation_id",
    "applicant_name",
    "current_due",
    "clock_stopped",
    "deemed_accepted",
    "department__name",
    "region__code",
    "region__full_name",
)


_SENTINEL = -987_654_321_987  # a region id no row has


def _region_key(part: Q) -> int | None:
    """The region id of a key `Q(region_id=…)`, None for any other key."""
    if len(part.children) == 1 and not part.negated:
        child = part.children[0]
        if isinstance(child, tuple) and child[0] == "region_id":
            return int(child[1])
    return None


def _lateral_page(region_ids: list[int], where: Q, offset: int, limit: int) -> list[int]:
    """The merged page in one statement whose plan does not grow with the number of regions:
    for each region id a limited range scan (`CROSS JOIN LATERAL`), then the top rows."""
    inner = (
        Case.objects.filter(where, region_id=_SENTINEL)
        .order_by("current_due", "pk")
        .values_list("current_due", "pk")[: offset + limit]
    )
    sql, compiled = inner.query.sql_with_params()
    pieces = sql.split("%s")
    at = list(compiled).index(_SENTINEL)  # the placeholder of the region id becomes r.id
    sql = "%s".join(pieces[: at + 1]) + "r.id" + "%s".join(pieces[at + 1 :])
    params = [*compiled[:at], *compiled[at + 1 :]]
    outer = (
        "SELECT s.id FROM unnest(%s::bigint[]) AS r(id) CROSS JOIN LATERAL ("
        + sql
        + ") AS s(current_due, id) ORDER BY s.current_due, s.id LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(outer, [region_ids, *params, limit, offset])
        return [row[0] for row in cursor.fetchall()]


def row_for(case: Case, today: dt.date, soon: dt.date) -> CaseRow:
    if case.clock_stopped:
        return CaseRow(case, None, "stopped")
    if case.current_due is None or case.state not in RUNNING_STATES:
        return CaseRow(case, None, "")
    remaining = working_days_between(today, case.current_due)
    colour = "red" if case.current_due < today else "yellow" if case.current_due <= soon else ""
    return CaseRow(case, remaining, colour)


def case_page(
    scope: Scope,
    filters: Filters,
    page: int = 1,
    *,
    size: int = PAGE_SIZE,
    today: dt.date | None = None,
) -> CasePage:
    """Page `page` (from 1) of the list, by due date; one more row is read to know if there is
    a next page (no count: the tiles and the count tables say how many)."""
    today = today or timezone.localdate()
    page = max(1, page)
    keys = scope_keys(scope, filters.region)
    if not keys.everything and not keys.parts:
        return CasePage([], page, False, size, filters)
    where = category_q(filters.category, today) & _other_filters(filters)
    ids = _merged_page(keys, where, (page - 1) * size, size + 1)
    has_next = len(ids) > size
    ids = ids[:size]
    by_pk = (
        Case.objects.select_related("department", "region")
        .only(*LIST_FIELDS)
        .order_by()
        .in_bulk(ids)
    )
    soon = yellow_until(today)
    rows = [row_for(by_pk[pk], today, soon) for pk in ids if pk in by_pk]
    return CasePage(rows, page, has_next, size, filters)


# -- counts ----------------------------------------------------------------------------------
@dataclass
class Summary:
    by_stage: dict[str, int]
    tiles: dict[str, int]


def summary(scope: Scope, today: dt.date | None = None) -> Summary:
    """The tiles: open cases per stage and the size of each category, in four queries (after
    the scope's regions): per stage with the late ones (index-only on case_*_due), yellow and
    red (index-only on the partial indexes), deemed acceptances, late suspensions."""
    today = today or timezone.localdate()
    keys = scope_keys(scope)
    by_stage = {str(s): 0 for s in OPEN_STATES}
    tiles = dict.fromkeys(CATEGORIES, 0)
    if not keys.everything and not keys.parts:
        return Summary(by_stage, tiles)
    scope_q = keys.q()
    late = Q(current_due__lt=today)
    stages = (
        Case.objects.filter(scope_q, state__in=OPEN_STATES)
        .values("state")
        .annotate(n=Count("pk"), late=Count("pk", filter=late))
        .order_by()
    )
    for row in stages:
        by_stage[row["state"]] = row["n"]
        if row["state"] == CaseState.SUBMITTED:
            tiles[Category.ACCEPTANCE_LATE] = row["late"]
        elif row["state"] == CaseState.DECIDED:
            tiles[Category.DELIVERY_LATE] = row["late"]
    tiles[Category.OPEN] = sum(by_stage.values())
    tiles[Category.UNDELIVERED] = by_stage[CaseState.DECIDED]
    soon = yellow_until(today)
    running = Case.objects.filter(scope_q & RUNNING & Q(current_due__lte=soon)).aggregate(
        red=Count("pk", filter=late), yellow=Count("pk", filter=Q(current_due__gte=today))
    )
    tiles[Category.RED], tiles[Category.YELLOW] = running["red"], running["yellow"]
    tiles[Category.DEEMED] = Case.objects.filter(
        scope_q & category_q(Category.DEEMED, today)
    ).count()
    suspended = ClockSuspension.objects.filter(suspension_too_long(today)).filter(
        Exists(Case.objects.filter(scope_q, pk=OuterRef("case_id"), state__in=OPEN_STATES))
    )
    tiles[Category.STOPPED] = suspended.count()
    return Summary(by_stage, tiles)


@dataclass
class CountRow:
    pk: int
    name: str
    open: int
    yellow: int
    red: int


def _counts(scope: Scope, group: str, today: dt.date) -> list[dict]:
    keys = scope_keys(scope)
    if not keys.everything and not keys.parts:
        return []
    red = category_q(Category.RED, today)
    yellow = category_q(Category.YELLOW, today)
    return list(
        Case.objects.filter(keys.q(), state__in=OPEN_STATES)
        .values(group)
        .annotate(open=Count("pk"), yellow=Count("pk", filter=yellow), red=Count("pk", filter=red))
        .order_by("-red", "-yellow", "-open", group)
    )


def counts_by_department(scope: Scope, today: dt.date | None = None) -> list[CountRow]:
    """Open, yellow and red cases per lead department (one GROUP BY query)."""
    rows = _counts(scope, "department_id", today or timezone.localdate())
    names = dict(
        Department.objects.filter(pk__in=[r["department_id"] for r in rows]).values_list(
            "pk", "name"
        )
    )
    return [
        CountRow(
            r["department_id"], names.get(r["department_id"], ""), r["open"], r["yellow"], r["red"]
        )
        for r in rows
    ]


def counts_by_item(scope: Scope, today: dt.date | None = None) -> list[CountRow]:
    """Open, yellow and red cases per (lead) implementation item (one GROUP BY query)."""
    rows = _counts(scope, "item_id", today or timezone.localdate())
    names = dict(
        ImplementationItem.objects.filter(pk__in=[r["item_id"] for r in rows]).values_list(
            "pk", "name"
        )
    )
    return [
        CountRow(r["item_id"], names.get(r["item_id"], ""), r["open"], r["yellow"], r["red"])
        for r in rows
    ]


# -- one case --------------------------------------------------------------------------------
def visible_case(scope: Scope, pk: int) -> Case | None:
    """The case if it lies in the scope (any state: closed cases may be drilled into too)."""
    case = (
        Case.objects.select_related("item", "department", "region", "bundle")
        .filter(pk=pk)
        .exclude(state=CaseState.DRAFT)
        .first()
    )
    if case is None or not scope.covers(case.region, case.department_id):
        return None
    return case


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    kind: str
    text: str
    url: str = ""
    source: str = "cases"


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(0, 0)))


def timeline(case: Case) -> list[TimelineEntry]:
    """Everything recorded about the case, oldest first: its events, deadline records, clock
    suspensions, extensions, warnings, visits, documents, workflow tasks, and the entries of
    every `registries.CASE_HISTORY` source (督办, escalations, ratings, tickets …)."""
    entries: list[TimelineEntry] = []
    for event in case.events.select_related("actor", "department"):
        who = event.actor_role or (event.actor.get_full_name() if event.actor else "")
        text = (
            event.label + (f"（{who}）" if who else "") + (f"：{event.note}" if event.note else "")
        )
        entries.append(TimelineEntry(event.at, str(_("办理过程")), text))
    for record in case.deadline_records.all():
        dues = ", ".join(
            f"{label} {value}"
            for label, value in (
                (_("受理期限"), record.acceptance_due),
                (_("承诺办结期限"), record.promised_due),
                (_("法定办结期限"), record.statutory_due),
                (_("送达期限"), record.delivery_due),
            )
            if value
        )
        entries.append(TimelineEntry(record.at, str(_("期限变更")), f"{record.cause}：{dues}"))
    for s in case.suspensions.all():
        text = str(
            _("暂停计时（%(reason)s）%(start)s 起，预计 %(end)s 恢复：%(why)s")
            % {
                "reason": s.get_reason_display(),
                "start": s.starts_on,
                "end": s.expected_end,
                "why": s.explanation,
            }
        )
        entries.append(TimelineEntry(s.created_at, str(_("暂停计时")), text))
        if s.ends_on:
            entries.append(
                TimelineEntry(
                    _aware(s.ends_on),
                    str(_("恢复计时")),
                    str(_("%(date)s 恢复计时") % {"date": s.ends_on}),
                )
            )
    for e in case.extensions.all():
        entries.append(
            TimelineEntry(
                e.requested_at,
                str(_("延期")),
                str(
                    _("申请延长 %(days)s 个工作日（%(state)s）：%(why)s")
                    % {"days": e.days, "state": e.get_state_display(), "why": e.reasons}
                ),
            )
        )
    for w in case.deadline_warnings.all():
        entries.append(
            TimelineEntry(
                w.sent_at,
                str(w.get_level_display()),
                str(
                    _("%(stage)s期限 %(due)s %(level)s，已通知 %(n)s 人")
                    % {
                        "stage": w.get_stage_display(),
                        "due": w.due,
                        "level": w.get_level_display(),
                        "n": w.recipients,
                    }
                ),
            )
        )
    for v in case.visits.select_related("hall"):
        where = v.hall.name if v.hall else ""
        entries.append(TimelineEntry(v.at, str(_("到现场")), f"{v.purpose} {where}".strip()))
    for d in case.documents.all():
        entries.append(
            TimelineEntry(d.issued_at, str(_("文书")), f"{d.get_kind_display()} {d.number}")
        )
    entries.extend(_workflow_entries(case))
    for name, source in registries.CASE_HISTORY.items():
        for h in source(case.pk):
            entries.append(TimelineEntry(h.at, h.kind, h.text, h.url, name))
    entries.sort(key=lambda e: e.at)
    return entries


def _workflow_entries(case: Case) -> Iterable[TimelineEntry]:
    """The case's workflow tasks: when each arrived and when it was done, with the outcome."""
    entries = []
    for task in Task.objects.filter(case=case).select_related("completed_by"):
        entries.append(
            TimelineEntry(
                task.created_at, str(_("流程任务")), str(_("到达：%(t)s") % {"t": task.label})
            )
        )
        if task.completed_at:
            who = task.completed_by.get_full_name() if task.completed_by else ""
            text = f"{task.label} {task.get_outcome_display()} {who}".strip()
            entries.append(TimelineEntry(task.completed_at, str(_("流程任务")), text))
    return entries
