"""Cases through their processes: review → decide for one item, parallel review of a bundle,
returns, delivery, withdrawal — as the reviewers, approvers and clerks work them."""

import pytest
from django.core.exceptions import ValidationError

from govserve.cases import services as case_services
from govserve.cases.errors import CaseError
from govserve.cases.models import (
    CaseState,
    DeliveryMethod,
    DocumentKind,
    Outcome,
    SuspensionReason,
)
from govserve.workflow import services
from govserve.workflow.models import InstanceStatus, ProcessInstance, Task, TaskRole, TaskState
from tests.workflow.worlds import accept, apply_bundle, apply_single, on_commit, open_tasks

pytestmark = pytest.mark.django_db


def complete(task, user, outcome, reasons=""):
    with on_commit():
        return services.complete_task(task, user, outcome=outcome, reasons=reasons)


def only(case, **filters) -> Task:
    tasks = open_tasks(case, **filters)
    assert len(tasks) == 1, tasks
    return tasks[0]


# -- one item: 审查 → 决定 ----------------------------------------------------------------------
def test_acceptance_starts_the_default_process_with_a_review_task_for_the_department(world):
    case = accept(world, apply_single(world))
    instance = ProcessInstance.objects.get(case=case)
    assert instance.definition.key == "default-single" and instance.definition.version == 1
    assert instance.status == InstanceStatus.RUNNING
    task = only(case)
    assert (task.label, task.role, task.department) == ("审查", TaskRole.REVIEWER, world.market)
    assert task.region == world.county and task.case_item == case.case_items.get()
    assert task.due == case.promised_due and task.state == TaskState.OPEN
    assert task.outcome_list == ["approve", "deny", "return"]


def test_review_then_approval_decides_and_closes_the_case(world):
    case = accept(world, apply_single(world))
    complete(only(case), world.market_reviewer, "approve", "材料齐全，现场核查符合要求")
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW  # the reviewer proposes, the approver decides
    assert case.case_items.get().outcome == Outcome.APPROVED
    decide = only(case)
    assert (decide.label, decide.role, decide.department) == ("决定", "approver", world.market)
    complete(decide, world.market_approver, "approve")
    case.refresh_from_db()
    # Electronic delivery is part of the decision: the case is closed.
    assert (case.state, case.outcome) == (CaseState.CLOSED, Outcome.APPROVED)
    assert case.documents.filter(kind=DocumentKind.APPROVAL).exists()
    assert ProcessInstance.objects.get(case=case).status == InstanceStatus.COMPLETED
    assert open_tasks(case) == []
    done = Task.objects.filter(case=case).order_by("pk")
    assert [(t.label, t.outcome, t.completed_by) for t in done] == [
        ("审查", "approve", world.market_reviewer),
        ("决定", "approve", world.market_approver),
    ]


def test_a_denial_needs_reasons_and_reaches_the_applicant_with_them(world):
    case = accept(world, apply_single(world))
    review = only(case)
    with pytest.raises(ValidationError) as exc:
        complete(review, world.market_reviewer, "deny", "  ")
    assert "须写明理由" in exc.value.message_dict["reasons"][0]
    assert only(case).pk == review.pk and case.case_items.get().outcome == ""
    complete(review, world.market_reviewer, "deny", "经营场所与平面图不符")
    complete(only(case), world.market_approver, "deny", "经营场所与平面图不符，不符合法定条件")
    case.refresh_from_db()
    assert (case.state, case.outcome) == (CaseState.CLOSED, Outcome.DENIED)
    assert case.decision_reasons == "经营场所与平面图不符，不符合法定条件"
    denial = case.documents.get(kind=DocumentKind.DENIAL)
    assert "经营场所与平面图不符" in denial.text and "行政复议" in denial.text


def test_returns_go_back_to_review_and_to_the_counter_until_approved(world):
    case = accept(world, apply_single(world))
    complete(only(case), world.market_reviewer, "approve")
    with pytest.raises(ValidationError):
        complete(only(case), world.market_approver, "return")  # 退回 needs its reasons
    complete(only(case), world.market_approver, "return", "请补充现场核查照片")
    review = only(case)
    assert (review.label, review.role) == ("审查", TaskRole.REVIEWER)
    assert case.case_items.get().outcome == ""  # reviewed again from scratch
    assert case.events.filter(action="review_returned", note="请补充现场核查照片").exists()
    # The reviewer sends it to the counter, which checks with the applicant and sends it back.
    complete(review, world.market_reviewer, "return", "申请人需到窗口说明经营范围")
    counter = only(case)
    assert (counter.label, counter.role) == ("窗口核实", TaskRole.CLERK)
    assert counter.outcome_list == ["resubmit"]
    complete(counter, world.clerk, "resubmit", "已核实")
    complete(only(case, label="审查"), world.market_reviewer, "approve")
    complete(only(case, label="决定"), world.market_approver, "approve")
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED and case.outcome == Outcome.APPROVED
    assert list(Task.objects.filter(case=case).order_by("pk").values_list("label", flat=True)) == [
        "审查",
        "决定",
        "审查",
        "窗口核实",
        "审查",
        "决定",
    ]


def test_a_decision_by_post_waits_for_the_counter_to_deliver(world):
    case = accept(
        world,
        apply_single(
            world, delivery_method=DeliveryMethod.POST, delivery_address="广安区建设路1号"
        ),
    )
    complete(only(case), world.market_reviewer, "approve")
    complete(only(case), world.market_approver, "approve")
    case.refresh_from_db()
    assert case.state == CaseState.DECIDED
    deliver = only(case)
    assert (deliver.label, deliver.role, deliver.outcome_list) == ("送达", "clerk", ["deliver"])
    assert deliver.due == case.delivery_due  # the 10-working-day delivery limit
    complete(deliver, world.clerk, "deliver")
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED and case.delivery_method == DeliveryMethod.POST
    assert ProcessInstance.objects.get(case=case).status == InstanceStatus.COMPLETED


def test_an_answer_the_task_does_not_offer_is_refused(world):
    case = accept(world, apply_single(world))
    with pytest.raises(ValidationError) as exc:
        complete(only(case), world.market_reviewer, "deliver")
    assert "请选择办理结论" in exc.value.message_dict["outcome"][0]


# -- a bundle: parallel review, joint decision ----------------------------------------------------
def reviewers(world):
    return {
        world.market: world.market_reviewer,
        world.health: world.health_reviewer,
        world.fire: world.fire_reviewer,
    }


def test_a_bundle_starts_one_review_per_department_all_at_once(world):
    case = accept(world, apply_bundle(world))
    assert ProcessInstance.objects.get(case=case).definition.key == "bundle-GA-KAIFANDIAN"
    tasks = open_tasks(case)
    assert sorted(t.department.name for t in tasks) == sorted(
        d.name for d in (world.market, world.health, world.fire)
    )
    assert {t.label for t in tasks} == {"部门审查"} and {t.role for t in tasks} == {"reviewer"}
    assert {t.case_item.department_id for t in tasks} == {t.department_id for t in tasks}
    assert {t.due for t in tasks} == {case.promised_due}


def test_the_joint_decision_waits_for_all_three_departments(world):
    case = accept(world, apply_bundle(world))
    people = reviewers(world)
    first, second, third = open_tasks(case)
    complete(first, people[first.department], "approve")
    complete(second, people[second.department], "approve")
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW and case.outcome == ""
    assert open_tasks(case) == [third]
    complete(third, people[third.department], "approve")
    case.refresh_from_db()
    assert (case.state, case.outcome) == (CaseState.CLOSED, Outcome.APPROVED)
    assert case.events.filter(action="decided", actor_role="联合审批").exists()
    assert ProcessInstance.objects.get(case=case).status == InstanceStatus.COMPLETED


def test_one_denial_denies_the_bundle_with_that_departments_reasons(world):
    case = accept(world, apply_bundle(world))
    people = reviewers(world)
    for task in open_tasks(case):
        if task.department == world.health:
            complete(task, people[task.department], "deny", "卫生检测报告已过有效期")
        else:
            complete(task, people[task.department], "approve")
    case.refresh_from_db()
    assert (case.state, case.outcome) == (CaseState.CLOSED, Outcome.DENIED)
    assert case.decision_reasons == f"{world.health.name}：卫生检测报告已过有效期"
    assert "卫生检测报告已过有效期" in case.documents.get(kind=DocumentKind.DENIAL).text


def test_a_department_can_send_its_branch_to_the_counter_while_the_others_go_on(world):
    case = accept(world, apply_bundle(world))
    people = reviewers(world)
    fire = only(case, department=world.fire)
    complete(fire, world.fire_reviewer, "return", "请申请人补充消防设施检测报告")
    counter = only(case, role=TaskRole.CLERK)
    assert counter.department == world.fire and counter.case_item == fire.case_item
    for task in open_tasks(case, role=TaskRole.REVIEWER):
        complete(task, people[task.department], "approve")
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW  # the fire branch is still open
    complete(counter, world.clerk, "resubmit")
    complete(
        only(case, department=world.fire, role=TaskRole.REVIEWER), world.fire_reviewer, "approve"
    )
    case.refresh_from_db()
    assert case.outcome == Outcome.APPROVED


def test_the_joint_decision_waits_while_the_clock_is_stopped(world):
    case = accept(world, apply_bundle(world))
    people = reviewers(world)
    *first, last = open_tasks(case)
    for task in first:
        complete(task, people[task.department], "approve")
    case_services.suspend_clock(
        case,
        world.fire_reviewer,
        reason=SuspensionReason.INSPECTION,
        explanation="现场检查消防设施",
        expected_end=case.promised_due,
    )
    with pytest.raises(CaseError) as exc:
        complete(last, people[last.department], "approve")
    assert exc.value.status == 409 and "暂停计时" in exc.value.message
    # Nothing of the last review was kept: the task is still open, the item not concluded.
    assert open_tasks(case) == [last] and last.case_item.outcome == ""


# -- the case ends outside the process -------------------------------------------------------------
def test_withdrawal_cancels_the_process_and_empties_the_inbox(world):
    case = accept(world, apply_single(world))
    with on_commit():
        case_services.withdraw(case, world.applicant, reason="不再经营")
    assert ProcessInstance.objects.get(case=case).status == InstanceStatus.CANCELLED
    assert open_tasks(case) == []
    assert Task.objects.get(case=case).state == TaskState.CANCELLED


def test_delivery_recorded_at_the_counter_finishes_the_process(world):
    case = accept(
        world,
        apply_single(world, delivery_method=DeliveryMethod.PICKUP),
    )
    complete(only(case), world.market_reviewer, "approve")
    complete(only(case), world.market_approver, "approve")
    deliver = only(case)
    with on_commit():
        case_services.deliver(case, world.clerk)  # from the counter's page, not the task
    assert ProcessInstance.objects.get(case=case).status == InstanceStatus.COMPLETED
    deliver.refresh_from_db()
    assert deliver.state == TaskState.CANCELLED and open_tasks(case) == []


def test_a_process_starts_once_and_only_for_a_case_in_review(world):
    submitted = apply_single(world)
    assert services.start_process(submitted) is None
    case = accept(world, submitted)
    first = ProcessInstance.objects.get(case=case)
    assert services.start_process(case).pk == first.pk
    assert Task.objects.filter(case=case).count() == 1


def test_the_start_processes_command_starts_cases_accepted_without_one(world):
    import io

    from django.core.management import call_command

    case = apply_single(world)
    case_services.accept(case, world.clerk)  # signal not delivered: no process
    assert not ProcessInstance.objects.filter(case=case).exists()
    out = io.StringIO()
    call_command("start_processes", stdout=out)
    assert "已启动 1 个" in out.getvalue()
    assert only(case).label == "审查"


# -- due dates follow the case ---------------------------------------------------------------------
def test_a_suspension_and_an_extension_move_the_tasks_due_date(world):
    case = accept(world, apply_single(world))
    task = only(case)
    case_services.request_extension(case, world.market_reviewer, days=5, reasons="需要补充论证")
    extension = case.extensions.get()
    case_services.decide_extension(extension, world.market_approver, approve=True)
    case.refresh_from_db()
    task.refresh_from_db()
    assert task.due == case.promised_due and case.extension_days == 5
    case.green_channel = True
    case.save(update_fields=["green_channel"])
    task.refresh_from_db()
    assert task.green_channel
