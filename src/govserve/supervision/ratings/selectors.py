"""Reads of the ratings part: who sees which rectifications and appeals (supervision.scope),
the public satisfaction figures, masked comments, and the registries' sources."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from govserve.accounts.masking import mask_free_text, mask_name
from govserve.accounts.models import RoleGrant
from govserve.regions.models import Region
from govserve.supervision.registries import HistoryEntry, MetricRow, OverdueWork
from govserve.supervision.scope import DEPARTMENT_ROLES, department_scope, supervisor_scope

from .models import (
    BAD_LEVELS,
    GOOD_LEVELS,
    RECTIFICATION_OPEN_STATES,
    Level,
    Rating,
    RatingAppeal,
    Rectification,
    RectificationState,
    RectificationStep,
)


# -- who ---------------------------------------------------------------------------------------
def department_handler_ids(department_id: int, region: Region) -> list[int]:
    """The department's reviewers and approvers whose grants cover `region`."""
    now = timezone.now()
    grants = (
        RoleGrant.objects.filter(
            role__in=DEPARTMENT_ROLES, department_id=department_id, revoked_at__isnull=True
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
        .select_related("region")
    )
    ids = {
        g.user_id
        for g in grants
        if g.region_id == region.pk
        or (g.covers_subtree and region.code.startswith(g.region.prefix))
    }
    return sorted(ids)


def is_department_staff(user) -> bool:
    return bool(department_scope(user))


def is_supervisor(user) -> bool:
    return bool(supervisor_scope(user))


def visible_rectifications(user) -> QuerySet[Rectification]:
    """Rectifications of the user's departments (reviewers, approvers) and of what they
    supervise; nothing for anyone else."""
    dept, sup = department_scope(user), supervisor_scope(user)
    q = Q(pk__in=[])
    if dept:
        q |= dept.q()
    if sup:
        q |= sup.q()
    return Rectification.objects.filter(q).select_related("case", "department", "region", "rating")


def visible_appeals(user) -> QuerySet[RatingAppeal]:
    dept, sup = department_scope(user), supervisor_scope(user)
    q = Q(pk__in=[])
    if dept:
        q |= dept.q()
    if sup:
        q |= sup.q()
    return RatingAppeal.objects.filter(q).select_related(
        "rating", "rating__case", "department", "region"
    )


def ratings_of_case(case, user) -> list[Rating]:
    """The ratings the user gave on the case (history included), newest first."""
    return list(
        Rating.objects.filter(case=case, rater_id=user.pk)
        .select_related("visit", "revises")
        .order_by("-created_at", "-pk")
    )


def counted() -> QuerySet[Rating]:
    """The ratings that count: the latest of each rater/case/channel, never an excluded one."""
    return Rating.objects.filter(is_current=True, excluded=False)


# -- public figures ----------------------------------------------------------------------------
GROUPS = {
    "department": ("department_id", "department__name"),
    "hall": ("hall_id", "hall__name"),
    "item": ("item_id", "item__name"),
    "region": ("region_id", "region__name"),
}


@dataclass
class SatisfactionRow:
    key: int | None
    name: str
    count: int
    levels: list[int]  # counts of levels 1..5
    shares: list[float]  # percentage per level 1..5
    satisfied: int
    satisfaction: float | None  # share of levels 4–5, percent
    bad: int
    rectified: int
    rectification_rate: float | None  # percent

    @property
    def cells(self) -> list[tuple[str, int, float]]:
        """(level label, count, share) from 非常满意 down to 非常不满意, as the table shows them."""
        labels = [str(Level(n).label) for n in range(1, 6)]
        return list(zip(labels, self.levels, self.shares, strict=True))[::-1]


def _pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _filtered(qs, *, region: Region | None, since: dt.date | None, until: dt.date | None):
    if region is not None:
        qs = qs.filter(region__code__startswith=region.prefix)
    if since is not None:
        qs = qs.filter(created_at__date__gte=since)
    if until is not None:
        qs = qs.filter(created_at__date__lte=until)
    return qs


def satisfaction(
    group: str,
    *,
    region: Region | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int = 200,
) -> list[SatisfactionRow]:
    """满意度 per department, hall, item or region: counts, share per level, rectification rate
    (bad real-name ratings whose rectification was accepted)."""
    key, name = GROUPS[group]
    levels = {f"l{n}": Count("pk", filter=Q(level=n)) for n in range(1, 6)}
    rows = (
        _filtered(counted(), region=region, since=since, until=until)
        .values(key, name)
        .annotate(count=Count("pk"), **levels)
        .order_by("-count", key)[:limit]
    )
    rect_qs = _filtered(
        Rating.objects.filter(revises__isnull=True, excluded=False, rectification__isnull=False),
        region=region,
        since=since,
        until=until,
    )
    rects = {
        r[key]: r
        for r in rect_qs.values(key).annotate(
            bad=Count("pk"),
            rectified=Count("pk", filter=Q(rectification__state=RectificationState.ACCEPTED)),
        )
    }
    result = []
    for r in rows:
        counts = [r[f"l{n}"] for n in range(1, 6)]
        satisfied = counts[3] + counts[4]
        bad = rects.get(r[key], {}).get("bad", 0)
        rectified = rects.get(r[key], {}).get("rectified", 0)
        result.append(
            SatisfactionRow(
                key=r[key],
                name=r[name] or _("（未指定）"),
                count=r["count"],
                levels=counts,
                shares=[_pct(c, r["count"]) or 0.0 for c in counts],
                satisfied=satisfied,
                satisfaction=_pct(satisfied, r["count"]),
                bad=bad,
                rectified=rectified,
                rectification_rate=_pct(rectified, bad),
            )
        )
    return result


@dataclass
class PublicComment:
    at: dt.datetime
    rater: str
    level: int
    level_label: str
    comment: str
    department: str
    item: str
    channel: str


def latest_comments(
    *, region: Region | None = None, department_id: int | None = None, limit: int = 10
) -> list[PublicComment]:
    """The latest counted comments, the rater's name masked (张**), ID and phone never shown."""
    qs = counted().exclude(comment="").select_related("case", "department", "item")
    if region is not None:
        qs = qs.filter(region__code__startswith=region.prefix)
    if department_id is not None:
        qs = qs.filter(department_id=department_id)
    result = []
    for r in qs.order_by("-created_at", "-pk")[:limit]:
        name = mask_name(r.case.applicant_name) if r.real_name else _("匿名")
        result.append(
            PublicComment(
                at=r.created_at,
                rater=name,
                level=r.level,
                level_label=str(Level(r.level).label),
                comment=mask_free_text(r.comment, [r.case.applicant_name]),
                department=r.department.name,
                item=r.item.name,
                channel=r.get_channel_display(),
            )
        )
    return result


# -- registries --------------------------------------------------------------------------------
def overdue_rectifications(
    today: dt.date, *, after_id: int = 0, limit: int = 500
) -> list[OverdueWork]:
    """OVERDUE_SOURCES "rectification": open rectifications past their due date."""
    qs = (
        Rectification.objects.filter(
            state__in=RECTIFICATION_OPEN_STATES,
            due__lt=today,
            pk__gt=after_id,
            rating__excluded=False,
        )
        .select_related("case", "region")
        .order_by("pk")[:limit]
    )
    return [
        OverdueWork(
            kind="rectification",
            key=f"rectification:{r.pk}:reply",
            object_id=r.pk,
            region_id=r.region_id,
            department_id=r.department_id,
            due=r.due,
            title=_("差评整改 %(number)s 答复超期") % {"number": r.case.number},
            url=reverse("ratings:rectification", args=[r.pk]),
            handler_ids=frozenset(department_handler_ids(r.department_id, r.region)),
            case_id=r.case_id,
        )
        for r in qs
    ]


def case_history(case_id: int) -> list[HistoryEntry]:
    """CASE_HISTORY: the ratings of a case and the steps of their rectifications and appeals."""
    entries = []
    for r in Rating.objects.filter(case_id=case_id).order_by("created_at", "pk"):
        text = _("%(channel)s评价：%(level)s") % {
            "channel": r.get_channel_display(),
            "level": r.get_level_display(),
        }
        if r.revises_id:
            text = _("追评（%(channel)s）：%(level)s") % {
                "channel": r.get_channel_display(),
                "level": r.get_level_display(),
            }
        if r.visit_id:
            text += _("（现场评价）")
        if r.excluded:
            text += _("；申诉成立已剔除：%(reason)s") % {"reason": r.excluded_reason}
        entries.append(HistoryEntry(at=r.created_at, kind=_("评价"), text=text))
    for step in RectificationStep.objects.filter(rectification__case_id=case_id).select_related(
        "rectification"
    ):
        entries.append(
            HistoryEntry(
                at=step.at,
                kind=_("整改"),
                text=f"{step.get_action_display()}：{step.note}"
                if step.note
                else step.get_action_display(),
                url=reverse("ratings:rectification", args=[step.rectification_id]),
            )
        )
    for ap in RatingAppeal.objects.filter(rating__case_id=case_id):
        entries.append(
            HistoryEntry(
                at=ap.filed_at,
                kind=_("申诉"),
                text=_("%(ground)s申诉：%(reasons)s")
                % {
                    "ground": ap.get_ground_display(),
                    "reasons": ap.reasons,
                },
                url=reverse("ratings:appeal", args=[ap.pk]),
            )
        )
        if ap.decided_at:
            entries.append(
                HistoryEntry(
                    at=ap.decided_at,
                    kind=_("申诉"),
                    text=f"{ap.get_state_display()}：{ap.decision_reasons}",
                    url=reverse("ratings:appeal", args=[ap.pk]),
                )
            )
    return sorted(entries, key=lambda e: e.at)


def _next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(month.replace(day=1), dt.time.min, tzinfo=tz)
    return start, dt.datetime.combine(_next_month(month.replace(day=1)), dt.time.min, tzinfo=tz)


def metric_rows(month: dt.date) -> Iterable[MetricRow]:
    """METRIC_SOURCES "ratings": per region, department and item for the month of `month`.

    ratings.count / ratings.satisfied (4–5) / ratings.level_1…5 count the ratings that count
    (the latest of each rater/case/channel, never excluded), by the month they were given;
    ratings.bad / ratings.bad_rectified / ratings.rectified_on_time count the bad real-name
    ratings that opened a rectification (by the month of the bad rating, not excluded), those
    whose rectification was replied and accepted, and of those the ones replied by the due date.
    """
    month = month.replace(day=1)
    start, end = _month_bounds(month)
    totals: dict[tuple[str, int, int, int], int] = defaultdict(int)
    for r in (
        counted()
        .filter(created_at__gte=start, created_at__lt=end)
        .values("region_id", "department_id", "item_id", "level")
        .annotate(n=Count("pk"))
    ):
        where = (r["region_id"], r["department_id"], r["item_id"])
        totals[("ratings.count", *where)] += r["n"]
        totals[(f"ratings.level_{r['level']}", *where)] += r["n"]
        if r["level"] in GOOD_LEVELS:
            totals[("ratings.satisfied", *where)] += r["n"]
    for rect in Rectification.objects.filter(
        rating__created_at__gte=start,
        rating__created_at__lt=end,
        rating__excluded=False,
        rating__level__in=BAD_LEVELS,
    ).values(
        "rating__region_id",
        "rating__department_id",
        "rating__item_id",
        "state",
        "replied_on",
        "due",
    ):
        where = (rect["rating__region_id"], rect["rating__department_id"], rect["rating__item_id"])
        totals[("ratings.bad", *where)] += 1
        if rect["state"] == RectificationState.ACCEPTED:
            totals[("ratings.bad_rectified", *where)] += 1
            if rect["replied_on"] is not None and rect["replied_on"] <= rect["due"]:
                totals[("ratings.rectified_on_time", *where)] += 1
    return [
        MetricRow(
            metric=metric,
            month=month,
            region_id=region_id,
            department_id=department_id,
            item_id=item_id,
            count=n,
        )
        for (metric, region_id, department_id, item_id), n in sorted(totals.items())
    ]
