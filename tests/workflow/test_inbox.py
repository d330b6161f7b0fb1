"""The review inbox: who sees which task, in which order, with which deadline marks; who may
act; and two people acting on one task at once."""

import datetime as dt
import threading

import pytest
from django.db import connection

from govserve.cases import services as case_services
from govserve.cases.errors import CaseError
from govserve.cases.models import CaseState, SuspensionReason
from govserve.workcalendar.deadlines import add_working_days
from govserve.workflow import selectors, services
from govserve.workflow.models import ProcessInstance, Task, TaskState
from tests.cases.factories import CaseFactory
from tests.cases.worlds import staff
from tests.workflow.factories import TaskFactory
from tests.workflow.worlds import accept, apply_bundle, apply_single, on_commit, open_tasks

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 1)  # a Tuesday


def inbox_of(user, **filters):
    return list(selectors.inbox(user, **filters))


# -- who sees what -------------------------------------------------------------------------------
def test_reviewers_see_the_tasks_of_their_own_department_only(world):
    single = accept(world, apply_single(world))
    bundle = accept(world, apply_bundle(world))
    market = inbox_of(world.market_reviewer)
    assert {t.case for t in market} == {single, bundle}
    assert {t.department for t in market} == {world.market}
    health = inbox_of(world.health_reviewer)
    assert [(t.case, t.department) for t in health] == [(bundle, world.health)]
    # Approvers see nothing until a decision is theirs; supervisors never have anything to do.
    assert inbox_of(world.market_approver) == []
    supervisor = staff("gac-supervisor", "supervisor", world.county)
    assert inbox_of(supervisor) == []


def test_a_reviewer_of_another_department_cannot_claim_or_complete(world):
    case = accept(world, apply_single(world))
    task = open_tasks(case)[0]
    for act in (
        lambda: services.claim_task(task, world.health_reviewer),
        lambda: services.complete_task(task, world.health_reviewer, outcome="approve"),
    ):
        with pytest.raises(CaseError) as exc:
            act()
        assert exc.value.status == 403 and exc.value.message == "您无权办理该任务"
    assert selectors.visible_task(world.health_reviewer, task.pk) is None
    task.refresh_from_db()
    assert task.state == TaskState.OPEN


def test_a_supervisor_may_look_but_not_act(world):
    case = accept(world, apply_single(world))
    task = open_tasks(case)[0]
    supervisor = staff("gac-supervisor", "supervisor", world.county)
    assert selectors.visible_task(supervisor, task.pk) == task
    with pytest.raises(CaseError) as exc:
        services.complete_task(task, supervisor, outcome="approve")
    assert exc.value.status == 403


def test_an_approver_does_not_review(world):
    case = accept(world, apply_single(world))
    with pytest.raises(CaseError) as exc:
        services.complete_task(open_tasks(case)[0], world.market_approver, outcome="approve")
    assert exc.value.status == 403


def test_the_applicant_sees_no_task(world):
    case = accept(world, apply_single(world))
    assert inbox_of(world.applicant) == []
    assert selectors.visible_task(world.applicant, open_tasks(case)[0].pk) is None


# -- order and marks -------------------------------------------------------------------------------
def review_task(world, **kwargs) -> Task:
    """An open review task of the market department on a case of the world's item in review,
    made directly (no process runs: for listing and claiming, not for completing)."""
    case = CaseFactory(item=world.item, applicant=world.applicant, state=CaseState.IN_REVIEW)
    return TaskFactory(case=case, **kwargs)


def test_green_channel_first_then_by_due_date_with_red_and_yellow_marks(world):
    overdue = review_task(world, due=TODAY - dt.timedelta(days=1))
    soon = review_task(world, due=add_working_days(TODAY, 3).due)
    later = review_task(world, due=add_working_days(TODAY, 4).due)
    green = review_task(world, due=add_working_days(TODAY, 9).due)
    green.case.green_channel = True
    green.case.save(update_fields=["green_channel"])  # the task follows the case

    rows = selectors.with_marks(selectors.inbox(world.market_reviewer), TODAY)
    assert [t.pk for t in rows] == [green.pk, overdue.pk, soon.pk, later.pk]
    assert [t.mark for t in rows] == ["", "overdue", "due_soon", ""]
    assert [str(t.mark_label) for t in rows] == ["正常", "已超期", "即将到期", "正常"]
    assert [t.pk for t in selectors.inbox(world.market_reviewer, overdue=True, today=TODAY)] == [
        overdue.pk
    ]


def test_a_suspended_case_is_marked_as_such_and_not_red(world):
    case = accept(world, apply_single(world))
    case_services.suspend_clock(
        case,
        world.market_reviewer,
        reason=SuspensionReason.EXPERT_REVIEW,
        explanation="组织专家评审",
        expected_end=case.promised_due,
    )
    task = open_tasks(case)[0]
    Task.objects.filter(pk=task.pk).update(due=TODAY - dt.timedelta(days=5))
    [row] = selectors.with_marks(selectors.inbox(world.market_reviewer), TODAY)
    assert row.mark == "suspended" and str(row.mark_label) == "暂停计时"
    assert selectors.inbox(world.market_reviewer, overdue=True, today=TODAY).count() == 0


def test_filters_mine_and_state(world):
    first = review_task(world)
    review_task(world)
    services.claim_task(first, world.market_reviewer)
    assert [t.pk for t in inbox_of(world.market_reviewer, mine=True)] == [first.pk]
    assert [t.pk for t in inbox_of(world.market_reviewer, state="claimed")] == [first.pk]
    assert len(inbox_of(world.market_reviewer, state="open")) == 1


# -- claiming and racing ---------------------------------------------------------------------------
@pytest.fixture
def second_reviewer(world):
    return staff("market-reviewer-2", "reviewer", world.county, world.market)


def test_a_claimed_task_is_worked_only_by_its_claimer_until_released(world, second_reviewer):
    task = open_tasks(accept(world, apply_single(world)))[0]
    services.claim_task(task, world.market_reviewer)
    for act in (
        lambda: services.claim_task(task, second_reviewer),
        lambda: services.complete_task(task, second_reviewer, outcome="approve"),
    ):
        with pytest.raises(CaseError) as exc:
            act()
        assert exc.value.status == 409 and exc.value.message == "任务已由他人认领"
    with pytest.raises(CaseError):
        services.unclaim_task(task, second_reviewer)
    services.unclaim_task(task, world.market_reviewer)
    assert services.claim_task(task, second_reviewer).claimed_by == second_reviewer


def test_the_second_of_two_reviewers_is_told_the_task_was_done(world, second_reviewer):
    task = open_tasks(accept(world, apply_single(world)))[0]
    stale = Task.objects.get(pk=task.pk)  # the second reviewer's page, loaded before
    with on_commit():
        services.complete_task(task, world.market_reviewer, outcome="approve")
    with pytest.raises(CaseError) as exc:
        services.complete_task(stale, second_reviewer, outcome="deny", reasons="不符合条件")
    assert (exc.value.status, exc.value.message) == (409, "任务已由他人处理")
    assert task.case.case_items.get().outcome == "approved"
    assert Task.objects.get(pk=task.pk).completed_by == world.market_reviewer


def test_a_state_saved_from_a_stale_read_is_refused(world):
    """Optimistic lock: a process state read before someone else saved is not written back."""
    case = accept(world, apply_bundle(world))
    stale = ProcessInstance.objects.get(case=case)
    people = {world.market: world.market_reviewer, world.health: world.health_reviewer}
    first = open_tasks(case, department=world.market)[0]
    with on_commit():
        services.complete_task(first, people[world.market], outcome="approve")
    workflow = services.bpmn.load(stale.state, services._engine(case))
    with pytest.raises(CaseError) as exc:
        services._save_instance(stale, workflow)
    assert exc.value.status == 409
    fresh = ProcessInstance.objects.get(case=case)
    assert fresh.version == stale.version + 1 and fresh.state != stale.state


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_completing_at_once_exactly_one_wins(world, second_reviewer):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are real only on PostgreSQL (SQLite: see the stale-read tests)")
    task = open_tasks(accept(world, apply_single(world)))[0]
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def work(user, outcome, reasons):
        from django.db import connections

        try:
            barrier.wait()
            services.complete_task(task, user, outcome=outcome, reasons=reasons)
            results[user.username] = "won"
        except CaseError as exc:
            results[user.username] = (exc.status, exc.message)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=work, args=(world.market_reviewer, "approve", "")),
        threading.Thread(target=work, args=(second_reviewer, "deny", "场所不符")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(map(str, results.values())) == ["(409, '任务已由他人处理')", "won"]
    winner = next(name for name, r in results.items() if r == "won")
    done = Task.objects.get(pk=task.pk)
    assert done.state == TaskState.DONE and done.completed_by.username == winner
    # Exactly one review recorded, exactly one next task.
    assert task.case.case_items.get().outcome in ("approved", "denied")
    assert len(open_tasks(task.case)) == 1
