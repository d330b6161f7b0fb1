"""Demo data for the reform statistics: six months of cases in 广安区 (several items and
departments, decided on time and late, suspended, extended, deemed accepted, some 一件事), so
every chart has a shape. Written directly with bulk_create, with the fields and due dates the
case services would have stored (working days from govserve.workcalendar), for one account of
their own (`stats-history`), so nobody's 我的办件 fills up. Idempotent: a second run adds
nothing. `refresh()` then computes the figures of those months."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from govserve.accounts.models import AccountType
from govserve.cases.models import (
    Case,
    CaseItem,
    CaseState,
    Channel,
    ClockSuspension,
    Extension,
    Outcome,
    SuspensionReason,
)
from govserve.catalog.codes import build_case_number
from govserve.catalog.codetables import CaseType
from govserve.catalog.models import Bundle, ImplementationItem
from govserve.regions.models import Region
from govserve.workcalendar.deadlines import add_working_days, is_working_day

from . import services

COUNTY = "511602000000"  # 广安区
USERNAME = "stats-history"
MONTHS = 6
CASES = 420
SEED = 20261207
ACCEPTANCE_DAYS = 5
DELIVERY_DAYS = 10
BUNDLE_STATUTORY_DAYS = 45


def _history_user():
    User = get_user_model()
    user, _created = User.objects.get_or_create(
        username=USERNAME,
        defaults={
            "account_type": AccountType.PERSON,
            "real_name": "统计演示申请人",
            "password": "!",  # cannot sign in
        },
    )
    return user


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _working_days(first: dt.date, last: dt.date) -> list[dt.date]:
    out, day = [], first
    while day <= last:
        if is_working_day(day):
            out.append(day)
        day += dt.timedelta(days=1)
    return out


def _limits(item: ImplementationItem, bundle: Bundle | None) -> tuple[int, int]:
    if bundle is not None:
        return BUNDLE_STATUTORY_DAYS, min(bundle.promised_limit_days, BUNDLE_STATUTORY_DAYS)
    if item.case_type == CaseType.IMMEDIATE:
        return 0, 0
    statutory = item.statutory_limit_days if item.statutory_limit_days is not None else 20
    promised = item.promised_limit_days if item.promised_limit_days is not None else statutory
    return statutory, min(promised, statutory)


@transaction.atomic
def load_history() -> list[str]:
    """Cases over the last six months in 广安区; return lines to print."""
    county = Region.objects.filter(code=COUNTY).first()
    if county is None:
        return []
    user = _history_user()
    if Case.objects.filter(applicant=user).exists():
        return []
    items = list(
        ImplementationItem.objects.published()
        .filter(region=county, elements_complete=True)
        .select_related("department")
        .order_by("pk")
    )
    if not items:
        return []
    bundles = [
        b
        for b in Bundle.objects.filter(region=county, published=True).prefetch_related("items")
        if b.items.exists()
    ]
    staff = (
        get_user_model().objects.filter(account_type=AccountType.STAFF).order_by("pk").first()
        or user
    )
    rng = random.Random(SEED)
    today = timezone.localdate()
    first = services.last_months(MONTHS, today)[0]
    days = _working_days(first, today - dt.timedelta(days=1)) or [today]
    serials: dict[tuple[int, dt.date], int] = {}

    cases: list[Case] = []
    plans: list[dict] = []
    for n in range(CASES):
        # More applications in the later months, so the trend rises.
        received = days[min(len(days) - 1, int(len(days) * (rng.random() ** 0.8)))]
        bundle = rng.choice(bundles) if bundles and rng.random() < 0.08 else None
        item = (
            next((i for i in bundle.items.all() if i.department_id == bundle.lead_department_id),
                 bundle.items.all()[0])
            if bundle is not None
            else items[n % len(items)] if rng.random() < 0.6 else rng.choice(items)
        )  # fmt: skip
        statutory, promised = _limits(item, bundle)
        deemed = rng.random() < 0.05
        accepted = received if deemed else add_working_days(received, rng.choice([0, 0, 1, 2])).due
        suspension: tuple[dt.date, dt.date | None] | None = None
        offset = 0
        if promised and rng.random() < 0.12:
            offset = rng.randint(1, max(1, promised - 1))
            start = add_working_days(accepted, offset).due
            suspension = (start, add_working_days(start, rng.randint(2, 6)).due)
        extension = promised and bundle is None and rng.random() < 0.08
        ext_days = 10 if extension else 0
        periods = [suspension] if suspension else []
        statutory_due = add_working_days(accepted, statutory + ext_days, periods).due
        promised_due = add_working_days(accepted, promised + ext_days, periods).due
        late = rng.random() < 0.12
        if promised == 0:
            decided = accepted if not late else add_working_days(accepted, rng.randint(1, 3)).due
        elif late:
            decided = add_working_days(
                accepted, promised + ext_days + rng.randint(1, 6), periods
            ).due
        else:
            spent = max(1, offset + 1, int((promised + ext_days) * rng.uniform(0.3, 1.0)))
            decided = add_working_days(accepted, spent, periods).due
        open_case = decided >= today
        if suspension and suspension[1] is not None and suspension[1] > today:
            suspension = (suspension[0], None)
        key = (item.pk, received)
        serials[key] = serials.get(key, 0) + 1
        code = (
            item.implementation_code
            or f"{item.department.uscc or item.department_id:0>18}"[:18] + f"{item.pk:0>13}"[-13:]
        )
        case = Case(
            number=build_case_number(code, received, 9000 - serials[key]),
            item=item,
            bundle=bundle,
            region=county,
            department=bundle.lead_department if bundle else item.department,
            title=(bundle or item).name,
            applicant=user,
            applicant_name=user.real_name,
            applicant_id_number="",
            channel=rng.choice([Channel.ONLINE, Channel.ONLINE, Channel.COUNTER]),
            submitted_at=_at(received, 9),
            received_on=received,
            acceptance_due=add_working_days(received, ACCEPTANCE_DAYS).due,
            accepted_on=accepted,
            deemed_accepted=deemed,
            statutory_limit_days=statutory,
            promised_limit_days=promised,
            max_extension_days=15 if bundle else (0 if promised == 0 else 10),
            extension_days=ext_days,
            statutory_due=statutory_due,
            promised_due=promised_due,
            visits_count=rng.choice([0, 0, 1, 1, 2, 3]) if not item.fully_online else 0,
            saved_materials=rng.choice([0, 0, 0, 1, 2]),
            form_data={"demo": "statistics"},
        )
        if open_case:
            case.state = CaseState.IN_REVIEW
            case.current_due = promised_due
            case.clock_stopped = bool(suspension and suspension[1] is None)
        else:
            case.state = CaseState.CLOSED
            case.outcome = Outcome.APPROVED if rng.random() < 0.93 else Outcome.DENIED
            case.decided_at = _at(decided, 15)
            case.delivery_due = add_working_days(decided, DELIVERY_DAYS).due
            case.delivered_at = case.closed_at = _at(decided, 16)
        cases.append(case)
        plans.append({"bundle": bundle, "suspension": suspension, "extension": extension})

    Case.objects.bulk_create(cases, batch_size=500)
    case_items, suspensions, extensions = [], [], []
    for case, plan in zip(cases, plans, strict=True):
        bundle = plan["bundle"]
        for it in bundle.items.all() if bundle is not None else [case.item]:
            case_items.append(CaseItem(case=case, item=it, department_id=it.department_id))
        if plan["suspension"]:
            start, end = plan["suspension"]
            suspensions.append(
                ClockSuspension(
                    case=case,
                    department=case.department,
                    reason=SuspensionReason.EXPERT_REVIEW,
                    explanation="组织专家评审",
                    starts_on=start,
                    expected_end=end or start + dt.timedelta(days=7),
                    ends_on=end,
                    requested_by=staff,
                    ended_by=staff if end else None,
                )
            )
        if plan["extension"]:
            extensions.append(
                Extension(
                    case=case,
                    days=10,
                    reasons="情况复杂，需延长审查期限",
                    state=Extension.State.APPROVED,
                    requested_by=staff,
                    decided_by=staff,
                    decided_at=_at(case.accepted_on, 11) if case.accepted_on else timezone.now(),
                )
            )
    CaseItem.objects.bulk_create(case_items, batch_size=500)
    ClockSuspension.objects.bulk_create(suspensions, batch_size=500)
    Extension.objects.bulk_create(extensions, batch_size=500)
    closed = sum(1 for c in cases if c.decided_at)
    return [
        f"统计演示办件 {len(cases)} 件（广安区，近 {MONTHS} 个月：已办结 {closed} 件，"
        f"暂停计时 {len(suspensions)} 次，延期 {len(extensions)} 件）"
    ]


def refresh() -> list[str]:
    """Refresh the aggregate tables after every demo record exists; return lines to print."""
    written = services.refresh(services.last_months(MONTHS))
    return [f"改革统计：已汇总近 {len(written)} 个月（{sum(written.values())} 行统计数）"]
