"""Deadline warnings to the staff who handle a case: yellow within 2 working days, red when
overdue, once per case, stage and level — counted in working days across National Day 2026
(1–7 October off, Saturday 10 October a make-up working day)."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from govserve.accounts.models import Role, RoleGrant
from govserve.cases import services
from govserve.cases.models import Case, CaseState, DeadlineWarning, Notification, WarningLevel
from govserve.cases.warnings import due_cases, send_deadline_warnings
from tests.cases.factories import CaseFactory
from tests.cases.worlds import staff
from tests.regions.factories import DepartmentFactory, RegionFactory

pytestmark = pytest.mark.django_db

SEP_30 = dt.date(2026, 9, 30)  # Wednesday, the last working day before National Day
OCT_8 = dt.date(2026, 10, 8)  # Thursday, the first working day after it
OCT_9 = dt.date(2026, 10, 9)  # Friday: the 2nd working day after 30 September
OCT_10 = dt.date(2026, 10, 10)  # Saturday, a make-up working day: the 3rd
OCT_12 = dt.date(2026, 10, 12)  # Monday: the 4th


def case_due(world, due: dt.date, state=CaseState.IN_REVIEW, *, bundle=False, **fields) -> Case:
    """A case of the world's applicant (numbered, accepted if under review) whose current
    deadline is `due` (made directly: warnings read the case row and its items only)."""
    target = {"bundle": world.bundle} if bundle else {"item": world.item}
    return CaseFactory(applicant=world.applicant, state=state, current_due=due, **target, **fields)


def warnings_to(user) -> list[Notification]:
    return list(
        Notification.objects.filter(recipient=user, subject__startswith="【").order_by("pk")
    )


def test_yellow_within_three_working_days_across_national_day(world):
    due_oct_9 = case_due(world, OCT_9)
    due_oct_10 = case_due(world, OCT_10)
    due_oct_12 = case_due(world, OCT_12)
    assert send_deadline_warnings(SEP_30) == 2
    first, second = warnings_to(world.market_reviewer)
    assert (first.case, second.case) == (due_oct_9, due_oct_10)
    assert first.subject == f"【预警】办件 {due_oct_9.number} 即将到达承诺办结期限"
    assert "2026-10-09" in first.body and "还剩 2 个工作日" in first.body
    # 10 October, a make-up Saturday, counts: it is the 3rd working day after 30 September.
    assert "还剩 3 个工作日" in second.body
    assert "王小明" in first.body
    # The approver of the department is told too; the applicant and other departments are not.
    assert [n.case for n in warnings_to(world.market_approver)] == [due_oct_9, due_oct_10]
    assert warnings_to(world.health_reviewer) == []
    assert warnings_to(world.clerk) == []
    assert warnings_to(world.applicant) == []
    # 12 October is the 4th working day on 30 September, the 3rd on 8 October.
    assert send_deadline_warnings(OCT_8) == 1
    assert [n.case for n in warnings_to(world.market_reviewer)][-1] == due_oct_12
    assert "还剩 3 个工作日" in warnings_to(world.market_reviewer)[-1].body


def test_each_warning_is_sent_once_then_red_when_overdue(world):
    case = case_due(world, OCT_9)
    assert send_deadline_warnings(SEP_30) == 1
    assert send_deadline_warnings(SEP_30) == 0
    assert send_deadline_warnings(OCT_8) == 0
    assert send_deadline_warnings(OCT_9) == 0  # due today: still yellow, already sent
    # Saturday 10 October is a working day: the case is one working day overdue.
    assert send_deadline_warnings(OCT_10) == 1
    notes = warnings_to(world.market_reviewer)
    assert [n.subject[:4] for n in notes] == ["【预警】", "【超期】"]
    assert "已超期 1 个工作日" in notes[1].body
    assert send_deadline_warnings(dt.date(2026, 10, 12)) == 0
    levels = DeadlineWarning.objects.filter(case=case).values_list("level", flat=True)
    assert sorted(levels) == [WarningLevel.RED, WarningLevel.YELLOW]


def test_a_case_found_overdue_is_warned_red_only(world):
    case = case_due(world, dt.date(2026, 9, 28))
    assert send_deadline_warnings(SEP_30) == 1
    (note,) = warnings_to(world.market_reviewer)
    assert note.subject.startswith("【超期】") and "已超期 2 个工作日" in note.body
    assert list(DeadlineWarning.objects.filter(case=case).values_list("level", flat=True)) == [
        WarningLevel.RED
    ]


def test_acceptance_deadline_warns_the_counter_clerks(world):
    case = case_due(world, dt.date(2026, 9, 29), state=CaseState.SUBMITTED)
    assert send_deadline_warnings(SEP_30) == 1
    (note,) = warnings_to(world.clerk)
    assert note.case == case and "受理期限" in note.subject
    assert warnings_to(world.market_reviewer) == []
    assert warnings_to(world.market_approver) == []


def test_delivery_deadline_warns_clerks_and_the_department_reviewers(world):
    case = case_due(world, SEP_30, state=CaseState.DECIDED)
    assert send_deadline_warnings(SEP_30) == 1
    assert [n.case for n in warnings_to(world.clerk)] == [case]
    assert [n.case for n in warnings_to(world.market_reviewer)] == [case]
    assert "送达期限" in warnings_to(world.clerk)[0].subject
    assert warnings_to(world.market_approver) == []


def test_a_new_stage_has_its_own_deadline_and_its_own_warnings(world):
    case = case_due(world, SEP_30, state=CaseState.SUBMITTED)
    assert send_deadline_warnings(SEP_30) == 1
    services.accept(case, world.clerk)
    Case.objects.filter(pk=case.pk).update(current_due=OCT_8)
    assert send_deadline_warnings(SEP_30) == 1
    assert len(warnings_to(world.clerk)) == 1
    assert len(warnings_to(world.market_reviewer)) == 1


def test_a_bundle_warns_every_reviewing_department(world):
    case = case_due(world, OCT_8, bundle=True)
    assert send_deadline_warnings(SEP_30) == 1
    for user in (
        world.market_reviewer,
        world.health_reviewer,
        world.fire_reviewer,
        world.market_approver,
    ):
        assert [n.case for n in warnings_to(user)] == [case], user
    # The health approver decides nothing in a bundle led by the market department.
    assert warnings_to(world.health_approver) == []


def test_not_warned_stopped_clocks_closed_cases_and_far_deadlines(world):
    case_due(world, dt.date(2026, 9, 1), clock_stopped=True)
    case_due(world, dt.date(2026, 9, 1), state=CaseState.CLOSED)
    case_due(world, dt.date(2026, 9, 1), state=CaseState.CORRECTION)
    case_due(world, dt.date(2026, 10, 12))
    assert send_deadline_warnings(SEP_30) == 0
    assert not Notification.objects.filter(subject__startswith="【").exists()


def test_only_staff_whose_posts_cover_the_case_are_told(world):
    # A reviewer of the same department's city-wide post covering the subtree is told; one
    # in another county, a revoked one and an inactive account are not.
    city_wide = staff("city-reviewer", Role.REVIEWER, world.city, world.market)
    RoleGrant.objects.filter(user=city_wide).update(covers_subtree=True)
    other_county = RegionFactory(
        code="511603000000",
        name="前锋区",
        full_name="四川省广安市前锋区",
        level=3,
        parent=world.city,
    )
    elsewhere = staff("qianfeng-reviewer", Role.REVIEWER, other_county, world.market)
    revoked = staff("revoked-reviewer", Role.REVIEWER, world.county, world.market)
    RoleGrant.objects.filter(user=revoked).update(revoked_at=timezone.now())
    inactive = staff("left-reviewer", Role.REVIEWER, world.county, world.market)
    inactive.is_active = False
    inactive.save()
    case = case_due(world, OCT_8)
    send_deadline_warnings(SEP_30)
    assert [n.case for n in warnings_to(city_wide)] == [case]
    assert warnings_to(elsewhere) == []
    assert warnings_to(revoked) == []
    assert warnings_to(inactive) == []


def test_a_case_nobody_handles_waits_for_someone_to_be_posted(world):
    lonely = DepartmentFactory(
        name="广安市广安区林业局", short_name="区林业局", region=world.county
    )
    case = case_due(world, OCT_8)
    Case.objects.filter(pk=case.pk).update(department=lonely)
    case.case_items.update(department=lonely)
    assert send_deadline_warnings(SEP_30) == 0
    assert not DeadlineWarning.objects.exists()
    reviewer = staff("forest-reviewer", Role.REVIEWER, world.county, lonely)
    assert send_deadline_warnings(SEP_30) == 1
    assert [n.case for n in warnings_to(reviewer)] == [case]


def test_the_warning_query_is_an_index_range_scan(world):
    """Only the due-soon part of the `case_dept_due` index is read, never every open case."""
    for level in (WarningLevel.RED, WarningLevel.YELLOW):
        sql, params = due_cases([world.market.pk], level, SEP_30, OCT_9).query.sql_with_params()
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
                plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            else:
                # An empty test table is cheaper to read whole; ask whether the index can serve.
                cursor.execute("SET LOCAL enable_seqscan = off")
                cursor.execute("EXPLAIN " + sql, params)
                plan = " ".join(row[0] for row in cursor.fetchall())
        assert "case_dept_due" in plan, plan
        assert "SCAN cases_case" not in plan and "Seq Scan on cases_case" not in plan, plan
