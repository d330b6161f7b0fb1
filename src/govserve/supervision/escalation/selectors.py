"""Reads: which ladder applies where, what a user may see (notices, escalations, cards), a
case's 督办 history, and the monthly figures for the statistics."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from govserve.regions.models import PREFIX_LENGTH, Region
from govserve.supervision.registries import OVERDUE_SOURCES, HistoryEntry, MetricRow
from govserve.supervision.scope import department_scope, supervisor_scope

from .models import (
    CardLevel,
    EfficiencyCard,
    Escalation,
    EscalationLadder,
    NoticeState,
    SupervisionNotice,
    Target,
)


# -- ladders ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Ladder:
    steps: tuple[tuple[int, str], ...]  # (working days after the deadline, target), in order
    region: Region | None  # where it is defined; None: the platform default (settings)

    def reached(self, days_late: int) -> list[int]:
        """Indexes of the steps reached `days_late` working days after the deadline."""
        return [i for i, (days, _target) in enumerate(self.steps) if days_late >= days]


def default_ladder() -> Ladder:
    steps = sorted(
        (int(days), str(target)) for days, target in settings.GOVSERVE["ESCALATION_LADDER"]
    )
    return Ladder(tuple(steps), None)


def ancestor_codes(region: Region) -> list[str]:
    """The 12-digit codes of the region and its ancestors, nearest first."""
    return [
        region.code[:length].ljust(12, "0")
        for level, length in sorted(PREFIX_LENGTH.items(), reverse=True)
        if level <= region.level
    ]


def _ladders(codes: Iterable[str]) -> dict[str, EscalationLadder]:
    return {
        ladder.region.code: ladder
        for ladder in EscalationLadder.objects.filter(region__code__in=set(codes))
        .select_related("region")
        .prefetch_related("steps")
    }


def _nearest(region: Region, ladders: dict[str, EscalationLadder]) -> Ladder:
    for code in ancestor_codes(region):
        if code in ladders:
            ladder = ladders[code]
            steps = sorted((s.days_after, s.target) for s in ladder.steps.all())
            return Ladder(tuple(steps), ladder.region)
    return default_ladder()


def ladder_for(region: Region) -> Ladder:
    """The ladder of the nearest region (itself or an ancestor) that has one, else the default."""
    return _nearest(region, _ladders(ancestor_codes(region)))


def ladders_overview(regions: Iterable[Region]) -> list[tuple[Region, Ladder]]:
    """The ladder applying in each region (two queries for any number of regions)."""
    regions = list(regions)
    ladders = _ladders(code for region in regions for code in ancestor_codes(region))
    return [(region, _nearest(region, ladders)) for region in regions]


def source_names() -> list[str]:
    return list(OVERDUE_SOURCES)


def target_label(target: str) -> str:
    return str(Target(target).label) if target in Target.values else target


# -- scope -----------------------------------------------------------------------------------------
def is_supervisor(user) -> bool:
    return bool(supervisor_scope(user))


def is_department_staff(user) -> bool:
    return bool(department_scope(user))


def visible_notices(user) -> QuerySet[SupervisionNotice]:
    """Notices in the user's supervision scope or addressed to their department."""
    sup, dep = supervisor_scope(user), department_scope(user)
    if not sup and not dep:
        return SupervisionNotice.objects.none()
    q = Q(pk__in=[])
    if sup:
        q |= sup.q()
    if dep:
        q |= dep.q()
    return SupervisionNotice.objects.filter(q).select_related(
        "region", "department", "case", "item", "issued_by", "replied_by"
    )


def notices_to_reply(user) -> QuerySet[SupervisionNotice]:
    """Open notices addressed to the user's departments (their to-do list)."""
    dep = department_scope(user)
    if not dep:
        return SupervisionNotice.objects.none()
    return (
        SupervisionNotice.objects.filter(dep.q(), state=NoticeState.OPEN)
        .select_related("region", "department", "case", "item", "issued_by")
        .order_by("due", "pk")
    )


def visible_notice(user, pk) -> SupervisionNotice | None:
    try:
        return visible_notices(user).get(pk=int(pk))
    except (SupervisionNotice.DoesNotExist, TypeError, ValueError, OverflowError):
        return None


def may_supervise(user, notice: SupervisionNotice) -> bool:
    """Issuing, accepting and returning: a supervisor whose scope covers the department there."""
    return supervisor_scope(user).covers(notice.region, notice.department_id)


def may_reply(user, notice: SupervisionNotice) -> bool:
    return department_scope(user).covers(notice.region, notice.department_id)


def filter_notices(
    qs: QuerySet[SupervisionNotice],
    *,
    state: str = "",
    department: int | None = None,
    overdue: bool | None = None,
    q: str = "",
    today: dt.date | None = None,
) -> QuerySet[SupervisionNotice]:
    today = today or timezone.localdate()
    if state in NoticeState.values:
        qs = qs.filter(state=state)
    if department:
        qs = qs.filter(department_id=department)
    if overdue is True:
        qs = qs.filter(state=NoticeState.OPEN, due__lt=today)
    elif overdue is False:
        qs = qs.exclude(state=NoticeState.OPEN, due__lt=today)
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(subject__icontains=q) | Q(case__number=q))
    return qs


def visible_escalations(user) -> QuerySet[Escalation]:
    sup, dep = supervisor_scope(user), department_scope(user)
    if not sup and not dep:
        return Escalation.objects.none()
    q = Q(pk__in=[])
    if sup:
        q |= sup.q()
    if dep:
        q |= dep.q()
    return Escalation.objects.filter(q).select_related("region", "department", "case")


def visible_cards(user) -> QuerySet[EfficiencyCard]:
    sup, dep = supervisor_scope(user), department_scope(user)
    if not sup and not dep:
        return EfficiencyCard.objects.none()
    q = Q(pk__in=[])
    if sup:
        q |= sup.q()
    if dep:
        q |= dep.q()
    return EfficiencyCard.objects.filter(q).select_related("region", "department", "person", "case")


@dataclass(frozen=True)
class CardRow:
    month: dt.date
    department_id: int
    department: str
    person_id: int | None
    person: str
    red: int
    yellow: int


def card_table(cards: QuerySet[EfficiencyCard]) -> list[CardRow]:
    """Red and yellow cards per month, department and person (newest month first)."""
    rows = (
        cards.order_by()
        .values(
            "month",
            "department_id",
            "department__name",
            "person_id",
            "person__real_name",
            "person__username",
        )
        .annotate(
            red=Count("pk", filter=Q(level=CardLevel.RED)),
            yellow=Count("pk", filter=Q(level=CardLevel.YELLOW)),
        )
        .order_by("-month", "department__name", "person__username")
    )
    return [
        CardRow(
            month=r["month"],
            department_id=r["department_id"],
            department=r["department__name"],
            person_id=r["person_id"],
            person=(r["person__real_name"] or r["person__username"] or ""),
            red=r["red"],
            yellow=r["yellow"],
        )
        for r in rows
    ]


# -- registries: a case's timeline and the monthly figures ----------------------------------------
def case_history(case_id: int) -> list[HistoryEntry]:
    """督办 notices about the case (each step of their history) and its escalations."""
    entries: list[HistoryEntry] = []
    notices = SupervisionNotice.objects.filter(case_id=case_id).prefetch_related("events")
    for notice in notices:
        url = reverse("escalation:notice", args=[notice.pk])
        for event in notice.events.all():
            text = f"{notice.number} {notice.subject}：{event.get_action_display()}"
            if event.text:
                text += f"（{event.text[:200]}）"
            entries.append(HistoryEntry(at=event.at, kind=_("督办"), text=text, url=url))
    for esc in Escalation.objects.filter(case_id=case_id).order_by("at", "pk"):
        text = _("超期 %(days)d 个工作日，升级至%(target)s（通知 %(n)d 人）") % {
            "days": esc.days_late,
            "target": esc.get_target_display(),
            "n": esc.recipients,
        }
        entries.append(HistoryEntry(at=esc.at, kind=_("升级"), text=text))
    return sorted(entries, key=lambda e: e.at)


def _next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def card_metrics(level: str, metric: str):
    def source(month: dt.date) -> list[MetricRow]:
        rows = (
            EfficiencyCard.objects.filter(level=level, month=month)
            .order_by()
            .values("region_id", "department_id")
            .annotate(n=Count("pk"))
        )
        return [
            MetricRow(metric, month, r["region_id"], r["department_id"], None, r["n"]) for r in rows
        ]

    return source


def _notice_rows(month: dt.date):
    return (
        SupervisionNotice.objects.filter(issued_on__gte=month, issued_on__lt=_next_month(month))
        .order_by()
        .values("region_id", "department_id")
        .annotate(n=Count("pk"), on_time=Count("pk", filter=Q(first_reply_on_time=True)))
    )


def notice_metrics(month: dt.date) -> list[MetricRow]:
    """`supervision.notices`: notices issued in the month."""
    return [
        MetricRow("supervision.notices", month, r["region_id"], r["department_id"], None, r["n"])
        for r in _notice_rows(month)
    ]


def notices_on_time_metrics(month: dt.date) -> list[MetricRow]:
    """`supervision.notices_on_time`: of the notices issued in the month, those whose first
    reply came within the first deadline (the rate is this over `supervision.notices`)."""
    return [
        MetricRow(
            "supervision.notices_on_time",
            month,
            r["region_id"],
            r["department_id"],
            None,
            r["on_time"],
        )
        for r in _notice_rows(month)
    ]
