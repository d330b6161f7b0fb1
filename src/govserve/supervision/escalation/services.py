"""Writes: the escalation run (`escalate`) and the 督办 notice's life (issue, reply, accept,
return). Every write is its own transaction; a refusal is an `EscalationError`.

The escalation run (电子监察, the idea of eGov DIGIT's EscalationService, in working days):
for each source in `OVERDUE_SOURCES`, batch by batch (`after_id`, `limit`), the late work's
working days past its deadline (`workcalendar`) are set against the ladder of its region
(`selectors.ladder_for`). Each step reached and not yet recorded becomes an `Escalation`
(unique kind, key, step: a concurrent run loses the insert and sends nothing) and a message to
the step's target, in one transaction per step. Each late piece of work with a department
gets one red card per stage; each case stage that became due soon, one yellow card.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from govserve.accounts.models import Role, RoleGrant
from govserve.accounts.policies import grant_covers
from govserve.cases.models import Case, CaseItem, CaseState, DeadlineWarning, WarningLevel
from govserve.cases.notifications import notify
from govserve.cases.warnings import YELLOW_WORKING_DAYS
from govserve.catalog.models import ImplementationItem
from govserve.core.serials import take_next
from govserve.regions.models import Department, Region
from govserve.supervision.registries import OVERDUE_SOURCES, OverdueWork
from govserve.supervision.scope import department_scope, supervisor_scope
from govserve.workcalendar.deadlines import add_working_days, working_days_between

from . import selectors
from .errors import EscalationError
from .models import (
    CardLevel,
    EfficiencyCard,
    Escalation,
    NoticeEvent,
    NoticeState,
    SupervisionNotice,
    Target,
)
from .sources import RUNNING_STATES, department_staff, responsible_people

BATCH = 500
MAX_REPLY_DAYS = 60


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


# -- who a step tells ------------------------------------------------------------------------------
class Targets:
    """Resolves a step's target to user ids, caching grants for one run."""

    def __init__(self) -> None:
        self._heads: dict[tuple[int, int], set[int]] = {}
        self._supervisors: dict[tuple[int, int | None], tuple[set[int], set[int]]] = {}

    @staticmethod
    def _active(qs):
        now = timezone.now()
        return qs.filter(revoked_at__isnull=True, user__is_active=True).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gt=now)
        )

    def department_heads(self, department_id: int | None, region: Region) -> set[int]:
        """审批负责人 of the department whose grant covers the region."""
        if department_id is None:
            return set()
        key = (department_id, region.pk)
        if key not in self._heads:
            grants = self._active(
                RoleGrant.objects.filter(role=Role.APPROVER, department_id=department_id)
            ).select_related("region")
            self._heads[key] = {g.user_id for g in grants if grant_covers(g, region)}
        return self._heads[key]

    def supervisors(self, region: Region, department_id: int | None) -> tuple[set[int], set[int]]:
        """(本级, 上一级): the supervisors of the nearest region from the work's own region up,
        and those of the nearest region from its parent up, whose grant covers the work (a
        department-bound grant only for that department). A 广安区 case: 广安区's supervisors
        (else 广安市's) and 广安市's (else 四川省's)."""
        key = (region.pk, department_id)
        if key in self._supervisors:
            return self._supervisors[key]
        codes = selectors.ancestor_codes(region)  # nearest first
        grants = self._active(
            RoleGrant.objects.filter(role=Role.SUPERVISOR, region__code__in=codes)
        ).select_related("region")
        by_code: dict[str, set[int]] = {}
        for g in grants:
            if g.department_id not in (None, department_id):
                continue
            if not grant_covers(g, region):
                continue
            by_code.setdefault(g.region.code, set()).add(g.user_id)
        levels = [by_code.get(code, set()) for code in codes]
        here: set[int] = next((users for users in levels if users), set())
        above: set[int] = next((users for users in levels[1:] if users), set())
        self._supervisors[key] = (here, above)
        return here, above

    def resolve(self, target: str, work: OverdueWork, region: Region) -> set[int]:
        if target == Target.HANDLER:
            return set(work.handler_ids)
        if target == Target.DEPARTMENT_HEAD:
            return self.department_heads(work.department_id, region)
        here, above = self.supervisors(region, work.department_id)
        return here if target == Target.SUPERVISOR else above


# -- the run ---------------------------------------------------------------------------------------
@dataclass
class RunResult:
    escalations: int = 0
    red_cards: int = 0
    yellow_cards: int = 0
    by_source: dict[str, int] = field(default_factory=dict)


def _message(work: OverdueWork, step: int, target: str, days_late: int) -> tuple[str, str]:
    values = {
        "title": work.title,
        "due": work.due.isoformat(),
        "days": days_late,
        "step": step + 1,
        "target": selectors.target_label(target),
        "url": work.url,
    }
    subject = _("【超期升级】%(title)s") % values
    body = (
        _(
            "%(title)s：期限为 %(due)s，已超期 %(days)d 个工作日，按超期升级规则第 %(step)d 步"
            "通知%(target)s，请督促办理。办理地址：%(url)s"
        )
        % values
    )
    return subject, body


def _record_step(
    work: OverdueWork,
    step: int,
    target: str,
    days_late: int,
    users: set[int],
    *,
    notify_users: bool,
    case: Case | None,
) -> bool:
    """Record step `step` of `work` and tell `users`, in one transaction; False when it was
    recorded already (a concurrent run got there first)."""
    subject, body = _message(work, step, target, days_late)
    with transaction.atomic():
        try:
            with transaction.atomic():
                Escalation.objects.create(
                    kind=work.kind,
                    key=work.key,
                    object_id=work.object_id,
                    case=case,
                    region_id=work.region_id,
                    department_id=work.department_id,
                    step=step,
                    target=target,
                    title=work.title[:300],
                    url=work.url[:300],
                    due=work.due,
                    days_late=days_late,
                    recipients=len(users),
                )
        except IntegrityError:
            return False
        if notify_users:
            for user_id in sorted(users):
                notify(user_id, subject, body, case=case)
    return True


def _give_card(
    level: str,
    *,
    kind: str,
    key: str,
    region_id: int,
    department_id: int,
    person_id: int | None,
    month: dt.date,
    case_id: int | None,
    stage: str,
    due: dt.date,
    reason: str,
) -> bool:
    try:
        with transaction.atomic():
            EfficiencyCard.objects.create(
                level=level,
                kind=kind,
                key=key,
                region_id=region_id,
                department_id=department_id,
                person_id=person_id,
                month=month,
                case_id=case_id,
                stage=stage,
                due=due,
                reason=reason[:300],
            )
    except IntegrityError:
        return False
    return True


def _escalate_batch(
    work: list[OverdueWork],
    today: dt.date,
    targets: Targets,
    ladders: dict[int, selectors.Ladder],
    result: RunResult,
) -> None:
    keys = [w.key for w in work]
    kinds = {w.kind for w in work}
    done = set(Escalation.objects.filter(kind__in=kinds, key__in=keys).values_list("key", "step"))
    carded = set(
        EfficiencyCard.objects.filter(level=CardLevel.RED, key__in=keys).values_list(
            "key", flat=True
        )
    )
    regions = Region.objects.in_bulk({w.region_id for w in work})
    case_ids = [w.case_id for w in work if w.case_id is not None]
    cases = Case.objects.in_bulk(case_ids)
    warned = set(
        DeadlineWarning.objects.filter(case_id__in=case_ids, level=WarningLevel.RED).values_list(
            "case_id", "stage"
        )
    )
    people = responsible_people([w.object_id for w in work if w.kind == "case"])
    for item in work:
        region = regions[item.region_id]
        if item.region_id not in ladders:
            ladders[item.region_id] = selectors.ladder_for(region)
        ladder = ladders[item.region_id]
        days_late = max(0, working_days_between(item.due, today))
        case = cases.get(item.case_id) if item.case_id is not None else None
        stage = item.key.rsplit(":", 1)[-1] if item.kind == "case" else ""
        for step in ladder.reached(days_late):
            if (item.key, step) in done:
                continue
            target = ladder.steps[step][1]
            users = targets.resolve(target, item, region)
            # cases.warnings already told a case's handlers that it is overdue (红色预警):
            # the handler step is recorded, not sent a second time.
            already_told = (
                item.kind == "case"
                and target == Target.HANDLER
                and (item.object_id, stage) in warned
            )
            if _record_step(
                item, step, target, days_late, users, notify_users=not already_told, case=case
            ):
                result.escalations += 1
                result.by_source[item.kind] = result.by_source.get(item.kind, 0) + 1
        if item.department_id is not None and item.key not in carded:
            if item.kind == "case":
                person = people.get(item.object_id)
            else:
                person = next(iter(item.handler_ids)) if len(item.handler_ids) == 1 else None
            if _give_card(
                CardLevel.RED,
                kind=item.kind,
                key=item.key,
                region_id=item.region_id,
                department_id=item.department_id,
                person_id=person,
                month=month_of(item.due + dt.timedelta(days=1)),
                case_id=item.case_id,
                stage=stage,
                due=item.due,
                reason=item.title,
            ):
                result.red_cards += 1


def _yellow_cards(today: dt.date, result: RunResult, batch: int) -> None:
    """One yellow card per case stage whose deadline is within the warning window
    (cases.warnings.YELLOW_WORKING_DAYS), for its lead department and person."""
    soon = add_working_days(today, YELLOW_WORKING_DAYS).due
    carded = EfficiencyCard.objects.filter(
        case=OuterRef("pk"), stage=OuterRef("state"), level=CardLevel.YELLOW
    )
    after = 0
    while True:
        cases = list(
            Case.objects.filter(
                state__in=RUNNING_STATES,
                clock_stopped=False,
                current_due__gte=today,
                current_due__lte=soon,
                pk__gt=after,
            )
            .filter(~Exists(carded))
            .order_by("pk")
            .only("pk", "state", "number", "title", "region_id", "department_id", "current_due")[
                :batch
            ]
        )
        if not cases:
            return
        after = cases[-1].pk
        people = responsible_people([c.pk for c in cases])
        for case in cases:
            assert case.current_due is not None
            reason = _("办件 %(number)s（%(title)s）临近期限 %(due)s") % {
                "number": case.number,
                "title": case.title,
                "due": case.current_due.isoformat(),
            }
            if _give_card(
                CardLevel.YELLOW,
                kind="case",
                key=f"case:{case.pk}:{case.state}",
                region_id=case.region_id,
                department_id=case.department_id,
                person_id=people.get(case.pk),
                month=month_of(today),
                case_id=case.pk,
                stage=case.state,
                due=case.current_due,
                reason=reason,
            ):
                result.yellow_cards += 1
        if len(cases) < batch:
            return


def escalate(
    today: dt.date | None = None, *, batch: int = BATCH, sources: Iterable[str] | None = None
) -> RunResult:
    """Run the escalation ladder over every registered overdue source (see module doc)."""
    today = today or timezone.localdate()
    result = RunResult()
    targets = Targets()
    ladders: dict[int, selectors.Ladder] = {}
    wanted = set(sources) if sources is not None else None
    for name, source in OVERDUE_SOURCES.items():
        if wanted is not None and name not in wanted:
            continue
        after = 0
        while True:
            work = source(today, after_id=after, limit=batch)
            if not work:
                break
            after = work[-1].object_id
            _escalate_batch(work, today, targets, ladders, result)
            if len(work) < batch:
                break
    if wanted is None or "case" in wanted:
        _yellow_cards(today, result, batch)
    return result


# -- 督办 notices ----------------------------------------------------------------------------------
def _text(value: str | None, field_name: str, label: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise EscalationError(field_name, _("请填写%(label)s") % {"label": label})
    if len(value) > limit:
        raise EscalationError(
            field_name, _("%(label)s不能超过 %(n)d 个字") % {"label": label, "n": limit}
        )
    return value


def _request_hash(**request) -> str:
    return hashlib.sha256(
        json.dumps(request, sort_keys=True, default=str, ensure_ascii=False).encode()
    ).hexdigest()


def _notice_departments(case: Case | None, item: ImplementationItem | None) -> set[int]:
    if case is not None:
        return {case.department_id} | set(
            CaseItem.objects.filter(case=case).values_list("department_id", flat=True)
        )
    assert item is not None
    return {item.department_id} | set(item.co_departments.values_list("pk", flat=True))


def issue_notice(
    actor,
    *,
    subject: str,
    body: str,
    case: Case | None = None,
    item: ImplementationItem | None = None,
    department: Department | None = None,
    reply_days: int | None = None,
    today: dt.date | None = None,
    idempotency_key: str | None = None,
) -> tuple[SupervisionNotice, bool]:
    """发出督办 to a department about a case or an item. Returns (notice, created); the same
    idempotency key from the same supervisor returns the first notice."""
    today = today or timezone.localdate()
    if (case is None) == (item is None):
        raise EscalationError("case", _("请指定一个办件或一个事项（二者选一）"))
    if case is not None and case.state == CaseState.DRAFT:
        raise EscalationError("case", _("草稿不能督办"))
    subject = _text(subject, "subject", _("督办事由"), 200)
    body = _text(body, "body", _("督办内容"), 4000)
    if reply_days is None:
        reply_days = int(settings.GOVSERVE["SUPERVISION_NOTICE_REPLY_WORKING_DAYS"])
    if not 1 <= int(reply_days) <= MAX_REPLY_DAYS:
        raise EscalationError(
            "reply_days", _("回复时限应为 1 至 %(n)d 个工作日") % {"n": MAX_REPLY_DAYS}
        )
    region = case.region if case is not None else item.region  # type: ignore[union-attr]  # one of them is set
    if department is None:
        department = case.department if case is not None else item.department  # type: ignore[union-attr]
    elif department.pk not in _notice_departments(case, item):
        raise EscalationError("department", _("被督办部门须是该办件或事项的办理部门"))
    if not supervisor_scope(actor).covers(region, department.pk):
        raise EscalationError(
            "department", _("您无权向该部门发出督办：超出您的监察范围"), status=403
        )
    key = (idempotency_key or "").strip()
    if len(key) > 100:
        raise EscalationError("idempotency_key", _("幂等键不能超过 100 个字符"))
    digest = _request_hash(
        case=case and case.pk,
        item=item and item.pk,
        department=department.pk,
        subject=subject,
        body=body,
        reply_days=int(reply_days),
    )
    if key:
        earlier = SupervisionNotice.objects.filter(issued_by=actor, idempotency_key=key).first()
        if earlier is not None:
            if earlier.request_hash != digest:
                raise EscalationError(
                    "idempotency_key", _("该幂等键已用于另一份不同的督办"), status=409
                )
            return earlier, False
    try:
        notice = _create_notice(
            actor,
            case,
            item,
            region,
            department,
            subject,
            body,
            int(reply_days),
            today,
            key,
            digest,
        )
    except IntegrityError:
        earlier = (
            SupervisionNotice.objects.filter(issued_by=actor, idempotency_key=key).first()
            if key
            else None
        )
        if earlier is None:
            raise
        return earlier, False
    return notice, True


@transaction.atomic
def _create_notice(
    actor, case, item, region, department, subject, body, reply_days, today, key, digest
) -> SupervisionNotice:
    n = take_next("supervision_notice", region.gb2260, today.year)
    notice = SupervisionNotice.objects.create(
        number=f"DB{region.gb2260}{today.year}{n:05d}",
        region=region,
        department=department,
        case=case,
        item=item,
        subject=subject,
        body=body,
        reply_days=reply_days,
        issued_on=today,
        due=add_working_days(today, reply_days).due,
        issued_by=actor,
        idempotency_key=key,
        request_hash=digest,
    )
    NoticeEvent.objects.create(
        notice=notice, action=NoticeEvent.Action.ISSUED, actor=actor, text=body
    )
    values = {"number": notice.number, "subject": subject, "due": notice.due.isoformat()}
    for user_id in sorted(department_staff(department.pk, region)):
        notify(
            user_id,
            _("【督办】%(number)s %(subject)s") % values,
            _("请于 %(due)s 前回复督办 %(number)s（%(subject)s）。") % values,
            case=case,
        )
    return notice


def _locked(notice: SupervisionNotice) -> SupervisionNotice:
    return SupervisionNotice.objects.select_for_update().select_related("region").get(pk=notice.pk)


@transaction.atomic
def reply_notice(
    actor, notice: SupervisionNotice, text: str, *, today: dt.date | None = None
) -> SupervisionNotice:
    """The department's reply (reviewers and approvers of that department only)."""
    today = today or timezone.localdate()
    notice = _locked(notice)
    if not department_scope(actor).covers(notice.region, notice.department_id):
        raise EscalationError("reply_text", _("只有被督办部门的工作人员可以回复"), status=403)
    if notice.state != NoticeState.OPEN:
        raise EscalationError("reply_text", _("该督办当前不需要回复"), status=409)
    text = _text(text, "reply_text", _("回复内容"), 4000)
    notice.state = NoticeState.REPLIED
    notice.reply_text = text
    notice.replied_by = actor
    notice.replied_at = timezone.now()
    if notice.first_replied_on is None:
        notice.first_replied_on = today
        notice.first_reply_on_time = today <= notice.due
    notice.save()
    NoticeEvent.objects.create(
        notice=notice, action=NoticeEvent.Action.REPLIED, actor=actor, text=text
    )
    notify(
        notice.issued_by_id,
        _("【督办回复】%(number)s") % {"number": notice.number},
        _("%(department)s 已回复督办 %(number)s，请审核。")
        % {"department": notice.department.name, "number": notice.number},
        case=notice.case,
    )
    return notice


@transaction.atomic
def accept_notice(actor, notice: SupervisionNotice, comment: str = "") -> SupervisionNotice:
    """The supervisor accepts the reply: the notice is closed."""
    notice = _locked(notice)
    if not supervisor_scope(actor).covers(notice.region, notice.department_id):
        raise EscalationError("notice", _("您无权审核该督办：超出您的监察范围"), status=403)
    if notice.state != NoticeState.REPLIED:
        raise EscalationError("notice", _("只有已回复的督办可以审核"), status=409)
    comment = (comment or "").strip()[:2000]
    notice.state = NoticeState.CLOSED
    notice.closed_by = actor
    notice.closed_at = timezone.now()
    notice.save()
    NoticeEvent.objects.create(
        notice=notice, action=NoticeEvent.Action.ACCEPTED, actor=actor, text=comment
    )
    if notice.replied_by_id:
        notify(
            notice.replied_by_id,
            _("【督办办结】%(number)s") % {"number": notice.number},
            _("督办 %(number)s 的回复已审核通过，督办办结。") % {"number": notice.number},
            case=notice.case,
        )
    return notice


@transaction.atomic
def return_notice(
    actor,
    notice: SupervisionNotice,
    reason: str,
    *,
    reply_days: int | None = None,
    today: dt.date | None = None,
) -> SupervisionNotice:
    """The supervisor returns the reply for a better one: a new round with a new deadline."""
    today = today or timezone.localdate()
    notice = _locked(notice)
    if not supervisor_scope(actor).covers(notice.region, notice.department_id):
        raise EscalationError("notice", _("您无权审核该督办：超出您的监察范围"), status=403)
    if notice.state != NoticeState.REPLIED:
        raise EscalationError("notice", _("只有已回复的督办可以退回"), status=409)
    reason = _text(reason, "reason", _("退回理由"), 2000)
    days = notice.reply_days if reply_days is None else int(reply_days)
    if not 1 <= days <= MAX_REPLY_DAYS:
        raise EscalationError(
            "reply_days", _("回复时限应为 1 至 %(n)d 个工作日") % {"n": MAX_REPLY_DAYS}
        )
    notice.state = NoticeState.OPEN
    notice.round += 1
    notice.due = add_working_days(today, days).due
    notice.save()
    NoticeEvent.objects.create(
        notice=notice, action=NoticeEvent.Action.RETURNED, actor=actor, text=reason
    )
    values = {"number": notice.number, "due": notice.due.isoformat(), "reason": reason}
    for user_id in sorted(department_staff(notice.department_id, notice.region)):
        notify(
            user_id,
            _("【督办退回】%(number)s") % values,
            _("督办 %(number)s 的回复被退回（%(reason)s），请于 %(due)s 前重新回复。") % values,
            case=notice.case,
        )
    return notice
