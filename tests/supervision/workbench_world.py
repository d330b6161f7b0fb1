"""The workbench tests' world: 广安市 with 广安区 (two departments), 前锋区 and the city's own
department, one case in each category of the workbench, and supervisors of each kind."""

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from govserve.accounts.models import Role
from govserve.cases.models import CaseState, ClockSuspension, SuspensionReason
from govserve.workcalendar.deadlines import add_working_days
from tests.accounts.factories import PersonFactory
from tests.accounts.worlds import build_places, make_staff
from tests.cases.factories import CaseFactory
from tests.catalog.factories import ImplementationItemFactory


def _suspend(case, reason, starts_on, expected_end, by):
    ClockSuspension.objects.create(
        case=case,
        department=case.department,
        reason=reason,
        explanation="需要组织听证",
        starts_on=starts_on,
        expected_end=expected_end,
        requested_by=by,
    )


def build_workbench_world() -> SimpleNamespace:
    p = build_places()
    today = timezone.localdate()
    past = today - dt.timedelta(days=20)
    far = add_working_days(today, 15).due
    soon = add_working_days(today, 1).due
    market = ImplementationItemFactory(department=p.market, name="食品经营许可")
    health = ImplementationItemFactory(department=p.health, name="公共场所卫生许可")
    sibling = ImplementationItemFactory(department=p.sibling_market, name="前锋区食品经营许可")
    city = ImplementationItemFactory(department=p.city_market, name="市级药品经营许可")
    reviewer = make_staff("wb-reviewer", Role.REVIEWER, p.county, department=p.market)

    def case(item, state, due, **kw):
        extra = {}
        if state == CaseState.SUBMITTED:
            extra["acceptance_due"] = due
        elif state == CaseState.IN_REVIEW:
            extra["promised_due"] = due
        elif state == CaseState.DECIDED:
            extra["delivery_due"] = due
        return CaseFactory(item=item, state=state, current_due=due, **extra, **kw)

    c = SimpleNamespace(
        red=case(market, CaseState.IN_REVIEW, past, title="超期的审查"),
        yellow=case(health, CaseState.IN_REVIEW, soon, title="即将到期的审查"),
        fine=case(market, CaseState.IN_REVIEW, far, title="期限充裕的审查"),
        acceptance_late=case(market, CaseState.SUBMITTED, past, title="受理超期的申请"),
        deemed=case(market, CaseState.IN_REVIEW, far, deemed_accepted=True, title="视为受理"),
        undelivered=case(health, CaseState.DECIDED, far, title="待送达"),
        delivery_late=case(market, CaseState.DECIDED, past, title="送达超期"),
        hearing=case(health, CaseState.IN_REVIEW, far, clock_stopped=True, title="听证过长"),
        testing=case(market, CaseState.IN_REVIEW, far, clock_stopped=True, title="检测中"),
        expert=case(market, CaseState.IN_REVIEW, far, clock_stopped=True, title="评审逾期"),
        correction=case(market, CaseState.CORRECTION, None, title="补正中"),
        closed=CaseFactory(item=market, state=CaseState.CLOSED, title="已办结"),
        sibling_red=case(sibling, CaseState.IN_REVIEW, past, title="前锋区超期"),
        city_red=case(city, CaseState.IN_REVIEW, past, title="市级超期"),
    )
    _suspend(c.hearing, SuspensionReason.HEARING, today - dt.timedelta(days=60), far, reviewer)
    _suspend(c.testing, SuspensionReason.TESTING, today - dt.timedelta(days=2), far, reviewer)
    _suspend(
        c.expert,
        SuspensionReason.EXPERT_REVIEW,
        today - dt.timedelta(days=8),
        today - dt.timedelta(days=1),
        reviewer,
    )
    return SimpleNamespace(
        places=p,
        today=today,
        items=SimpleNamespace(market=market, health=health, sibling=sibling, city=city),
        cases=c,
        city_supervisor=make_staff("wb-city-sup", Role.SUPERVISOR, p.city, covers_subtree=True),
        county_supervisor=make_staff(
            "wb-county-sup", Role.SUPERVISOR, p.county, covers_subtree=True
        ),
        sibling_supervisor=make_staff(
            "wb-sibling-sup", Role.SUPERVISOR, p.sibling, covers_subtree=True
        ),
        health_supervisor=make_staff(
            "wb-health-sup", Role.SUPERVISOR, p.county, department=p.health
        ),
        reviewer=reviewer,
        citizen=PersonFactory(username="wb-citizen"),
    )
